# One Lambda function with its own role, least-privilege policy, log group (retention) and error alarm.
variable "name" {
  type        = string
  description = "Function name (<prefix>-<service>-<function>)."
}

variable "handler" {
  type = string
}

variable "description" {
  type    = string
  default = ""
}

variable "timeout" {
  type    = number
  default = 10
}

variable "memory" {
  type    = number
  default = 256
}

variable "code_zip" {
  type        = string
  description = "The code artifact built by `stratus package` (build/code.zip)."
}

variable "layers" {
  type    = list(string)
  default = []
}

variable "environment" {
  type      = map(string)
  default   = {}
  sensitive = true
}

variable "policy_statements" {
  description = "The function's least-privilege statements (from its declaration)."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "alarm_topic_arns" {
  type    = list(string)
  default = []
}

variable "reserved_concurrency" {
  type        = number
  default     = -1
  description = "Reserved concurrency for this function; -1 leaves it unreserved (shares the account pool)."
}

variable "kms_key_arn" {
  type        = string
  default     = null
  description = "Key for the log group and environment; null uses AWS-managed encryption."
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is a per-stage variable (30 days by default); production stages raise it.
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  name = "least-privilege"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "Logs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
      }],
      [for s in var.policy_statements : {
        Sid      = s.sid
        Effect   = "Allow"
        Action   = s.actions
        Resource = s.resources
      }]
    )
  })
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:Functions call only AWS APIs; a VPC would add NAT cost and cold-start time for no isolation gain.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile per account; artifacts are pinned by source_code_hash.
  #checkov:skip=CKV_AWS_116:Invocations are synchronous (HTTP) or queue-fed, whose failures land in the subscriber's SQS DLQ.
  function_name    = var.name
  description      = var.description
  role             = aws_iam_role.this.arn
  handler          = var.handler
  runtime          = "python3.12"
  architectures    = ["x86_64"]
  filename         = var.code_zip
  source_code_hash = fileexists(var.code_zip) ? filebase64sha256(var.code_zip) : null
  timeout          = var.timeout
  memory_size      = var.memory
  layers           = var.layers

  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = var.environment
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-errors"
  alarm_description   = "${var.name} raised errors."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
}

output "arn" {
  value = aws_lambda_function.this.arn
}

output "name" {
  value = aws_lambda_function.this.function_name
}

output "invoke_arn" {
  value = aws_lambda_function.this.invoke_arn
}
