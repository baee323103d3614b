# A scheduled rule (rate or cron) that invokes a job function.
variable "name" {
  type = string
}

variable "schedule_expression" {
  type = string
}

variable "function_name" {
  type = string
}

variable "function_arn" {
  type = string
}

resource "aws_cloudwatch_event_rule" "this" {
  name                = var.name
  schedule_expression = var.schedule_expression
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "function"
  arn       = var.function_arn
}

resource "aws_lambda_permission" "this" {
  statement_id  = "schedule"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
