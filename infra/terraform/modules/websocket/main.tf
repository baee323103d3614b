# Real-time push (functions/realtime, docs/realtime.md): an API Gateway WebSocket API whose $connect,
# $disconnect and $default routes invoke the functions declared with a `WebSocket(route)` trigger, a stage
# with throttling and access logs, the permissions for API Gateway to invoke them, and
# execute-api:ManageConnections (PostToConnection, DeleteConnection) for the functions declared
# `pushes=True`. Their roles are the function module's (named like the function).
variable "prefix" {
  type        = string
  description = "stratus-<stage>: every resource's name starts with it."
}

variable "stage" {
  type = string
}

variable "routes" {
  type        = map(string)
  description = "WebSocket route ($connect, $disconnect, $default) → the qualified name of its function."
}

variable "pushers" {
  type        = list(string)
  description = "Qualified names of the functions that post to or close connections."
}

variable "function_names" {
  type        = map(string)
  description = "Qualified name → deployed function name (the service module's output)."
}

variable "invoke_arns" {
  type        = map(string)
  description = "Qualified name → invoke ARN (the service module's output)."
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "kms_key_arn" {
  type    = string
  default = null
}

resource "aws_apigatewayv2_api" "ws" {
  name                       = "${var.prefix}-websocket"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.type" # no route but the three: every message is $default
}

resource "aws_apigatewayv2_integration" "route" {
  for_each = var.routes

  api_id                    = aws_apigatewayv2_api.ws.id
  integration_type          = "AWS_PROXY"
  integration_uri           = var.invoke_arns[each.value]
  content_handling_strategy = "CONVERT_TO_TEXT"
}

resource "aws_apigatewayv2_route" "route" {
  for_each = var.routes

  api_id    = aws_apigatewayv2_api.ws.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.route[each.key].id}"
  #checkov:skip=CKV_AWS_309:The token is checked by the first message (seed 001's auth), not at the upgrade: browsers cannot set headers on a WebSocket.
  authorization_type = "NONE"
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is a per-stage variable (30 days by default); production stages raise it.
  name              = "/aws/apigateway/${var.prefix}-websocket"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_apigatewayv2_stage" "ws" {
  #checkov:skip=CKV2_AWS_51:Browsers cannot present client certificates on a WebSocket; a client authenticates with its access token in the first message.
  api_id      = aws_apigatewayv2_api.ws.id
  name        = var.stage
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = 500
    throttling_rate_limit  = 1000
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId    = "$context.requestId"
      connectionId = "$context.connectionId"
      routeKey     = "$context.routeKey"
      eventType    = "$context.eventType"
      status       = "$context.status"
      error        = "$context.error.message"
    })
  }
}

resource "aws_lambda_permission" "route" {
  for_each = var.routes

  statement_id  = "websocket-${trimprefix(each.key, "$")}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_names[each.value]
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.ws.execution_arn}/*/${each.key}"
}

resource "aws_iam_role_policy" "manage_connections" {
  for_each = toset(var.pushers)

  name = "manage-connections"
  role = var.function_names[each.value] # the function module names the role like the function
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ManageConnections"
      Effect   = "Allow"
      Action   = ["execute-api:ManageConnections"]
      Resource = ["${aws_apigatewayv2_api.ws.execution_arn}/${var.stage}/*/@connections/*"]
    }]
  })
}

output "url" {
  description = "Where clients connect (wss://…/<stage>)."
  value       = aws_apigatewayv2_stage.ws.invoke_url
}

output "management_endpoint" {
  description = "The @connections endpoint PostToConnection goes to (the functions' STRATUS_WS_ENDPOINT)."
  value       = "https://${aws_apigatewayv2_api.ws.id}.execute-api.${data.aws_region.current.name}.amazonaws.com/${var.stage}"
}

data "aws_region" "current" {}
