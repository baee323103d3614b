output "api_endpoint" {
  value = aws_apigatewayv2_api.http.api_endpoint
}

output "bus_name" {
  value = aws_cloudwatch_event_bus.bus.name
}

output "bucket_name" {
  value = aws_s3_bucket.files.bucket
}

output "websocket_url" {
  description = "Real-time push: where clients connect (API.md, Real-time push)."
  value       = one(module.websocket[*].url)
}
