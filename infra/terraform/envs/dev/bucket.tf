# The file bucket: private, encrypted, versioned, CORS for browser uploads to presigned URLs.
resource "aws_s3_bucket" "files" {
  #checkov:skip=CKV_AWS_18:Object access is audited by the platform's own audit trail (file.* events); S3 server access logs would need a second bucket.
  #checkov:skip=CKV_AWS_145:SSE-S3 keeps browser uploads to presigned URLs free of KMS permissions; set a bucket key per deployment if KMS is required.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice of each deployment, not of the platform.
  #checkov:skip=CKV2_AWS_62:Uploads are verified when the client calls complete; nothing consumes S3 event notifications.
  bucket = "${local.prefix}-files"
}

resource "aws_s3_bucket_lifecycle_configuration" "files" {
  # The emulator run turns it off: with moto the provider waits ~55 s for this rule (moto issue #9729).
  count  = var.bucket_lifecycle ? 1 : 0
  bucket = aws_s3_bucket.files.id

  rule {
    id     = "abandoned-uploads-and-old-versions"
    status = "Enabled"
    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}

resource "aws_s3_bucket_public_access_block" "files" {
  bucket                  = aws_s3_bucket.files.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "files" {
  bucket = aws_s3_bucket.files.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "files" {
  bucket = aws_s3_bucket.files.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_cors_configuration" "files" {
  bucket = aws_s3_bucket.files.id
  cors_rule {
    allowed_methods = ["GET", "PUT", "POST"]
    allowed_origins = var.cors_origins
    allowed_headers = ["*"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}
