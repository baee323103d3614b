# The key that seals secrets at rest (shared/sealed.py: a KMS data key per secret, AES-256-GCM), e.g. the
# users' TOTP secrets. Functions declared `kms=True` get GenerateDataKey and Decrypt on it, nothing else.
resource "aws_kms_key" "data" {
  description         = "${local.prefix}: seals secrets at rest (MFA secrets)"
  enable_key_rotation = true
  # The account administers the key (as the default policy would); functions use it through their roles.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}
