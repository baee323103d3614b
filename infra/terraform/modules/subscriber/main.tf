# A subscriber service's delivery: rule on the bus → its own queue (DLQ + redrive) → its function,
# batches with partial batch failure reporting, and an alarm when anything lands in the DLQ.
variable "name" {
  type        = string
  description = "<prefix>-<service>"
}

variable "bus_name" {
  type = string
}

variable "event_pattern" {
  type        = string
  description = "The rule's pattern (JSON), from the subscription's declared event types."
}

variable "function_arn" {
  type = string
}

variable "batch_size" {
  type    = number
  default = 10
}

variable "max_receive_count" {
  type    = number
  default = 3
}

variable "visibility_timeout" {
  type    = number
  default = 30
}

variable "kms_key_arn" {
  type        = string
  default     = null
  description = "Customer-managed key for the queues; null uses SQS-managed encryption."
}

variable "alarm_topic_arns" {
  type    = list(string)
  default = []
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-events-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = var.kms_key_arn == null ? true : null
  kms_master_key_id         = var.kms_key_arn
}

resource "aws_sqs_queue" "this" {
  name                       = "${var.name}-events"
  visibility_timeout_seconds = var.visibility_timeout
  sqs_managed_sse_enabled    = var.kms_key_arn == null ? true : null
  kms_master_key_id          = var.kms_key_arn
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_cloudwatch_event_rule" "this" {
  name           = var.name
  event_bus_name = var.bus_name
  event_pattern  = var.event_pattern
}

resource "aws_cloudwatch_event_target" "this" {
  rule           = aws_cloudwatch_event_rule.this.name
  event_bus_name = var.bus_name
  target_id      = "queue"
  arn            = aws_sqs_queue.this.arn
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.this.arn } }
    }]
  })
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn        = aws_sqs_queue.this.arn
  function_name           = var.function_arn
  batch_size              = var.batch_size
  function_response_types = ["ReportBatchItemFailures"]
}

resource "aws_cloudwatch_metric_alarm" "dlq" {
  alarm_name          = "${var.name}-dlq-not-empty"
  alarm_description   = "Events for ${var.name} failed repeatedly and wait in its DLQ (stratus dlq redrive)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
}

output "queue_arn" {
  value = aws_sqs_queue.this.arn
}

output "queue_url" {
  value = aws_sqs_queue.this.id
}

output "dlq_url" {
  value = aws_sqs_queue.dlq.id
}
