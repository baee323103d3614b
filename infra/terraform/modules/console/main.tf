# The web console (console/, built into stratus/console_assets/) as static assets: a private S3 bucket
# behind a CloudFront distribution that also fronts the HTTP API, so the console and the API share one
# origin (the console calls relative /api/v1/... paths: no CORS, no token in a cross-site request).
#
#   /console/*  → the bucket (keys under console/), through Origin Access Control; a viewer-request
#                 function serves console/index.html for every screen path (history-mode routing)
#   /*          → the HTTP API, nothing cached, every method, every header but Host
#
# Publishing a build: docs/console.md (`aws s3 sync stratus/console_assets/ s3://<bucket>/console/`).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 6.0"
    }
  }
}

variable "prefix" {
  type        = string
  description = "Resource name prefix (stratus-<stage>)."
}

variable "api_endpoint" {
  type        = string
  description = "The HTTP API's endpoint (https://<id>.execute-api.<region>.amazonaws.com)."
}

variable "price_class" {
  type    = string
  default = "PriceClass_100"
}

locals {
  api_domain = replace(var.api_endpoint, "/^https?:\\/\\//", "")
  # AWS managed policies (IDs are global constants).
  caching_optimized      = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  caching_disabled       = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_except_host = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

resource "aws_s3_bucket" "console" {
  #checkov:skip=CKV_AWS_18:Only CloudFront reads the bucket; its viewer requests are the access record (enable CloudFront logging per deployment).
  #checkov:skip=CKV_AWS_144:The bucket holds a build that is re-published from the repository; replication adds nothing.
  #checkov:skip=CKV_AWS_145:SSE-S3: CloudFront's Origin Access Control reads SSE-KMS objects only with a key policy per deployment; the build is public code.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of a static build.
  bucket = "${var.prefix}-console"
}

resource "aws_s3_bucket_public_access_block" "console" {
  bucket                  = aws_s3_bucket.console.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "console" {
  bucket = aws_s3_bucket.console.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "console" {
  bucket = aws_s3_bucket.console.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "console" {
  bucket = aws_s3_bucket.console.id
  rule {
    id     = "old-builds"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_cloudfront_origin_access_control" "console" {
  name                              = "${var.prefix}-console"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# History-mode routing: a screen's address (/console/tenants) is the page; a file (/console/assets/x.js)
# is itself.
resource "aws_cloudfront_function" "spa" {
  name    = "${var.prefix}-console-spa"
  runtime = "cloudfront-js-2.0"
  publish = true
  code    = <<-JS
    function handler(event) {
      var request = event.request;
      var last = request.uri.split("/").pop();
      if (last.indexOf(".") === -1) {
        request.uri = "/console/index.html";
      }
      return request;
    }
  JS
}

resource "aws_cloudfront_response_headers_policy" "console" {
  name = "${var.prefix}-console"
  security_headers_config {
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_security_policy {
      content_security_policy = "default-src 'self'; connect-src 'self' https: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
      override                = true
    }
  }
}

resource "aws_cloudfront_distribution" "console" {
  #checkov:skip=CKV_AWS_68:WAF is attached per deployment (a web ACL costs per month); the API behind it has its own rate limits.
  #checkov:skip=CKV2_AWS_47:See CKV_AWS_68: no web ACL in the platform's default deployment.
  #checkov:skip=CKV_AWS_86:Access logs need a log bucket per deployment; the API's own audit trail records every call.
  #checkov:skip=CKV_AWS_174:The default *.cloudfront.net certificate fixes the TLS policy; a custom domain sets TLSv1.2_2021.
  #checkov:skip=CKV2_AWS_42:A custom domain and its ACM certificate are a deployment's choice.
  #checkov:skip=CKV_AWS_310:One bucket and one API per stage: there is no second origin to fail over to.
  #checkov:skip=CKV_AWS_374:The console serves every country the API serves.
  enabled             = true
  is_ipv6_enabled     = true
  comment             = "${var.prefix} console and API"
  price_class         = var.price_class
  default_root_object = "console/index.html"

  origin {
    origin_id                = "console"
    domain_name              = aws_s3_bucket.console.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.console.id
  }

  origin {
    origin_id   = "api"
    domain_name = local.api_domain
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  ordered_cache_behavior {
    path_pattern               = "/console/*"
    target_origin_id           = "console"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.caching_optimized
    response_headers_policy_id = aws_cloudfront_response_headers_policy.console.id
    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.spa.arn
    }
  }

  default_cache_behavior {
    target_origin_id           = "api"
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = local.caching_disabled
    origin_request_policy_id   = local.all_viewer_except_host
    response_headers_policy_id = aws_cloudfront_response_headers_policy.console.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

# Only this distribution may read the bucket (Origin Access Control, SigV4).
data "aws_iam_policy_document" "console" {
  statement {
    sid       = "CloudFrontReadsTheConsole"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.console.arn}/console/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.console.arn]
    }
  }
  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.console.arn, "${aws_s3_bucket.console.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "console" {
  bucket = aws_s3_bucket.console.id
  policy = data.aws_iam_policy_document.console.json
}

output "bucket" {
  value = aws_s3_bucket.console.bucket
}

output "distribution_id" {
  value = aws_cloudfront_distribution.console.id
}

output "url" {
  value = "https://${aws_cloudfront_distribution.console.domain_name}/console/"
}
