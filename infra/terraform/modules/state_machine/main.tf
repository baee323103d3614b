# One declared Step Functions state machine (STANDARD), its definition generated from the declarations
# (stratus/deploy/state_machines.py): task resources are written `@@ARN_PREFIX@@<service>-<function>` and
# completed here with this account's Lambda ARN prefix and the stage's prefix. Its role may invoke exactly
# the machine's task functions.
variable "name" {
  type = string
}

variable "prefix" {
  type        = string
  description = "stratus-<stage>: the task functions' names start with it."
}

variable "definition" {
  type        = string
  description = "The Amazon States Language document, with @@ARN_PREFIX@@ before each task function."
}

variable "task_functions" {
  type        = list(string)
  description = "The deployed names of the functions its Task states invoke."
}

variable "log_retention_days" {
  type        = number
  default     = 30
  description = "How long the execution history log is kept."
}

variable "kms_key_arn" {
  type        = string
  default     = null
  description = "Key for the execution log group; null uses AWS-managed encryption."
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:function:${var.prefix}-"
  task_arns  = [for name in var.task_functions : "arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:function:${name}"]
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-states"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "invoke" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = local.task_arns
  }
}

# Every execution's history (ALL events, with their input and output) goes to CloudWatch Logs, and traces
# to X-Ray: a saga that compensated must be explainable after the fact.
resource "aws_cloudwatch_log_group" "executions" {
  #checkov:skip=CKV_AWS_338:Retention is a per-stage variable (30 days by default); production stages raise it.
  name              = "/aws/vendedlogs/states/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "observe" {
  #checkov:skip=CKV_AWS_111:CloudWatch Logs' vended-log delivery APIs and X-Ray's trace APIs take no resource ARN (AWS documents Resource "*" for them).
  #checkov:skip=CKV_AWS_356:See CKV_AWS_111: these actions cannot be scoped to a resource.
  statement {
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "observe" {
  name   = "execution-logs-and-traces"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.observe.json
}

resource "aws_iam_role_policy" "invoke" {
  name   = "invoke-tasks"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.invoke.json
}

resource "aws_sfn_state_machine" "this" {
  name       = var.name
  type       = "STANDARD"
  role_arn   = aws_iam_role.this.arn
  definition = replace(var.definition, "@@ARN_PREFIX@@", local.arn_prefix)

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.executions.arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  depends_on = [aws_iam_role_policy.observe]
}

output "arn" {
  value = aws_sfn_state_machine.this.arn
}
