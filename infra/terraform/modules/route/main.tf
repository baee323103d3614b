# One HTTP API route to one function (payload format 2.0).
variable "api_id" {
  type = string
}

variable "api_execution_arn" {
  type = string
}

variable "route_key" {
  type        = string
  description = "API Gateway route key, e.g. `GET /api/v1/users/{userId}`."
}

variable "function_name" {
  type = string
}

variable "function_invoke_arn" {
  type = string
}

variable "authorizer_id" {
  type        = string
  default     = null
  description = "The Lambda authorizer for protected routes; null for public and internal ones."
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = var.api_id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.function_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  api_id             = var.api_id
  route_key          = var.route_key
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
  authorization_type = var.authorizer_id == null ? "NONE" : "CUSTOM"
  authorizer_id      = var.authorizer_id
}

resource "aws_lambda_permission" "this" {
  statement_id  = "http-${md5(var.route_key)}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.api_execution_arn}/*/*"
}
