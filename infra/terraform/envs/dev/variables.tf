variable "stage" {
  type        = string
  default     = "dev"
  description = "Stage name; every resource is named stratus-<stage>-…"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "aws_endpoint" {
  type        = string
  default     = null
  description = "An AWS API emulator's URL (moto server, LocalStack); null on AWS."
}

variable "code_zip" {
  type        = string
  default     = "../../../../build/code.zip"
  description = "The functions' code, built by `stratus package`."
}

variable "deps_layer_zip" {
  type        = string
  default     = null
  description = "The runtime dependencies layer built by `stratus package` (build/deps-layer.zip); null deploys no layer."
}

variable "service_token_secret" {
  type        = string
  sensitive   = true
  description = "HS256 secret that signs service tokens (at least 32 random bytes)."
}

variable "secret_pepper" {
  type        = string
  sensitive   = true
  description = "Pepper of API-key and app-secret hashes (shared.peppered; at least 32 random bytes, from Secrets Manager)."
}

variable "metrics_token" {
  type        = string
  sensitive   = true
  default     = ""
  description = "Bearer a Prometheus server scrapes GET /internal/metrics with (per stage, from Secrets Manager); empty: only service tokens."
}

variable "jwt_private_key" {
  type        = string
  sensitive   = true
  description = "PEM of the RS256 key that signs access tokens; only auth's signing functions get it (`stratus keygen`)."
}

variable "jwt_public_jwks" {
  type        = string
  description = "JWKS (JSON) of the keys that verify access tokens: the active one and any being rotated out."
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "cors_origins" {
  type        = list(string)
  default     = ["*"]
  description = "Origins allowed to upload to the file bucket from a browser."
}

variable "api_cors_origins" {
  type        = list(string)
  default     = []
  description = "Browser origins allowed to call the HTTP API (CORS), e.g. [\"https://app.example.com\"]; none by default."
}

variable "kms_key_arn" {
  type        = string
  default     = null
  description = "Customer-managed KMS key for logs; null uses CloudWatch's own encryption."
}

variable "bucket_lifecycle" {
  type        = bool
  default     = true
  description = "Abort abandoned multipart uploads after 7 days, expire old object versions after 30."
}

variable "mail_from" {
  type        = string
  default     = "no-reply@stratus.local"
  description = "Sender of every email: an SES identity verified in the account."
}

variable "alert_emails" {
  type        = string
  default     = ""
  description = "Comma-separated addresses that also receive failed-job alerts."
}
