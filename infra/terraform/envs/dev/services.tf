# The declared services, one module instance each, and the shared part they attach to (the kernel tables
# and the authorizer, with the tables it reads). What each holds comes from the declarations through the
# generated services.tf.json (`stratus generate`): adding a service is a declaration, not an edit here.

locals {
  signing_environment = merge(local.environment, { STRATUS_JWT_PRIVATE_KEY = var.jwt_private_key })
  scrape_environment  = { STRATUS_METRICS_TOKEN = var.metrics_token }
}

module "shared" {
  source = "../../modules/service"

  name                = "shared"
  prefix              = local.prefix
  tables              = local.shared.tables
  functions           = local.shared.functions
  all_tables          = local.all_tables
  bus_name            = aws_cloudwatch_event_bus.bus.name
  bus_arn             = aws_cloudwatch_event_bus.bus.arn
  bucket_arn          = aws_s3_bucket.files.arn
  kms_key_arn         = aws_kms_key.data.arn
  api_id              = aws_apigatewayv2_api.http.id
  api_execution_arn   = aws_apigatewayv2_api.http.execution_arn
  code_zip            = var.code_zip
  layers              = local.layers
  environment         = local.environment
  signing_environment = local.signing_environment
  scrape_environment  = local.scrape_environment
  log_retention_days  = var.log_retention_days
  alarm_topic_arns    = [aws_sns_topic.alarms.arn]
}

module "service" {
  source   = "../../modules/service"
  for_each = local.services

  name                = each.key
  prefix              = local.prefix
  tables              = each.value.tables
  functions           = each.value.functions
  subscriber          = each.value.subscriber
  all_tables          = local.all_tables
  shared_table_arns   = module.shared.table_arns
  bus_name            = aws_cloudwatch_event_bus.bus.name
  bus_arn             = aws_cloudwatch_event_bus.bus.arn
  bucket_arn          = aws_s3_bucket.files.arn
  kms_key_arn         = aws_kms_key.data.arn
  api_id              = aws_apigatewayv2_api.http.id
  api_execution_arn   = aws_apigatewayv2_api.http.execution_arn
  authorizer_id       = one(aws_apigatewayv2_authorizer.stratus[*].id)
  code_zip            = var.code_zip
  layers              = local.layers
  environment         = local.environment
  signing_environment = local.signing_environment
  scrape_environment  = local.scrape_environment
  log_retention_days  = var.log_retention_days
  alarm_topic_arns    = [aws_sns_topic.alarms.arn]
}

# The gateway's Lambda authorizer: runs before every protected route.
resource "aws_apigatewayv2_authorizer" "stratus" {
  count = local.authorizer == null ? 0 : 1

  api_id                            = aws_apigatewayv2_api.http.id
  name                              = "stratus"
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = module.shared.invoke_arns[local.authorizer.function]
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  authorizer_result_ttl_in_seconds  = local.authorizer.result_ttl_seconds
}

resource "aws_lambda_permission" "authorizer" {
  count = local.authorizer == null ? 0 : 1

  statement_id  = "http-authorizer"
  action        = "lambda:InvokeFunction"
  function_name = module.shared.function_names[local.authorizer.function]
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.stratus[0].id}"
}

# From the layout before one module per service (a module per function, route, table): state moves, nothing
# is replaced. The per-function moves are generated (services.tf.json); remove both once every stage has
# applied them.
moved {
  from = aws_apigatewayv2_authorizer.stratus
  to   = aws_apigatewayv2_authorizer.stratus[0]
}

moved {
  from = aws_lambda_permission.authorizer
  to   = aws_lambda_permission.authorizer[0]
}
