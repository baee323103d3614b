# The Stratus platform for one stage. The per-function wiring (functions.tf.json) is generated from the
# declarations by `stratus generate`; this file holds what every function shares.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 6.0"
    }
  }
}

provider "aws" {
  region = var.region

  # Against an emulator (moto server, LocalStack): every endpoint points at it and nothing is checked
  # against real AWS. On AWS, aws_endpoint is null and these are all defaults.
  access_key                  = var.aws_endpoint == null ? null : "testing"
  secret_key                  = var.aws_endpoint == null ? null : "testing"
  skip_credentials_validation = var.aws_endpoint != null
  skip_requesting_account_id  = var.aws_endpoint != null
  skip_metadata_api_check     = var.aws_endpoint != null
  s3_use_path_style           = var.aws_endpoint != null

  endpoints {
    apigatewayv2   = var.aws_endpoint
    cloudwatch     = var.aws_endpoint
    cloudwatchlogs = var.aws_endpoint
    dynamodb       = var.aws_endpoint
    eventbridge    = var.aws_endpoint
    iam            = var.aws_endpoint
    kms            = var.aws_endpoint
    lambda         = var.aws_endpoint
    s3             = var.aws_endpoint
    sfn            = var.aws_endpoint
    sns            = var.aws_endpoint
    sqs            = var.aws_endpoint
    sts            = var.aws_endpoint
  }

  default_tags {
    tags = { project = "stratus", stage = var.stage }
  }
}

locals {
  prefix = "stratus-${var.stage}"
  environment = {
    STRATUS_STAGE           = var.stage
    STRATUS_RESOURCE_PREFIX = local.prefix
    STRATUS_TABLES          = local.table_names
    # Internal calls: Lambda Invoke of <prefix>-<service>-<function> (no /internal/* route on the API).
    STRATUS_INTERNAL_TRANSPORT   = "lambda"
    STRATUS_FUNCTION_PREFIX      = local.prefix
    STRATUS_SERVICE_TOKEN_SECRET = var.service_token_secret
    STRATUS_SECRET_PEPPER        = var.secret_pepper
    STRATUS_JWT_PUBLIC_JWKS      = var.jwt_public_jwks
    STRATUS_MAIL_FROM            = var.mail_from
    STRATUS_ALERT_EMAILS         = var.alert_emails
    POWERTOOLS_METRICS_NAMESPACE = "Stratus"
    POWERTOOLS_LOG_LEVEL         = "INFO"
    # Real-time push: the WebSocket API's @connections endpoint (websocket.tf); empty without one.
    STRATUS_WS_ENDPOINT = try(module.websocket[0].management_endpoint, "")
  }
  layers = var.deps_layer_zip == null ? [] : [aws_lambda_layer_version.deps[0].arn]
}

resource "aws_cloudwatch_event_bus" "bus" {
  name = "${local.prefix}-bus"
}

resource "aws_sns_topic" "alarms" {
  name              = "${local.prefix}-alarms"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_lambda_layer_version" "deps" {
  count               = var.deps_layer_zip == null ? 0 : 1
  layer_name          = "${local.prefix}-deps"
  filename            = var.deps_layer_zip
  source_code_hash    = filebase64sha256(var.deps_layer_zip)
  compatible_runtimes = ["python3.12"]
}

resource "aws_apigatewayv2_api" "http" {
  name          = "${local.prefix}-http"
  protocol_type = "HTTP"

  # Browser apps on other origins (none unless the stage names them); the same policy the local gateway
  # answers (shared/adapters/cors.py). Tokens travel in headers, so no credentials.
  dynamic "cors_configuration" {
    for_each = length(var.api_cors_origins) > 0 ? [1] : []
    content {
      allow_origins  = var.api_cors_origins
      allow_methods  = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
      allow_headers  = ["authorization", "content-type", "idempotency-key", "x-api-key", "x-correlation-id", "x-request-id", "x-tenant-id"]
      expose_headers = ["retry-after", "x-request-id"]
      max_age        = 600
    }
  }
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is a per-stage variable (30 days by default); production stages raise it.
  name              = "/aws/apigateway/${local.prefix}-http"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId = "$context.requestId", routeKey = "$context.routeKey", status = "$context.status",
      latency   = "$context.responseLatency", ip = "$context.identity.sourceIp"
    })
  }
}
