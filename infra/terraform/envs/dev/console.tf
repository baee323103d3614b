# The web console as static assets behind CloudFront (modules/console; publishing: docs/console.md).
# Not against an emulator: moto has no CloudFront Functions, and the local console is `stratus dev`'s.
module "console" {
  count        = var.aws_endpoint == null ? 1 : 0
  source       = "../../modules/console"
  prefix       = local.prefix
  api_endpoint = aws_apigatewayv2_api.http.api_endpoint
}

output "console_url" {
  description = "The console (and the API, same origin) behind CloudFront."
  value       = one(module.console[*].url)
}

output "console_bucket" {
  description = "Where `aws s3 sync stratus/console_assets/ s3://<bucket>/console/` publishes a build."
  value       = one(module.console[*].bucket)
}
