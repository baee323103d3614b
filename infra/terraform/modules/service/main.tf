# One service, as declared: its tables, its functions, a route on the shared HTTP API per HTTP function (but
# service-to-service ones: their callers invoke them by Lambda Invoke), its
# subscriber's delivery (rule → queue + DLQ → function) and its schedules. envs/<stage> instantiates it once
# per service from the generated declarations (services.tf.json), and once for the shared part (the kernel
# tables and the authorizer). Policy statements name resources by token (`table:<name>`,
# `table_indexes:<name>`, `queue`, `every_queue`, `bus`, `bucket`, `bucket_objects`, `kms_key`, `any`, `function:<name>`),
# resolved here: the service's own tables and queue, the shared tables by their ARNs, any other table and
# every invoked function by its name.
variable "name" {
  type        = string
  description = "The service (or `shared`)."
}

variable "prefix" {
  type        = string
  description = "stratus-<stage>: every resource's name starts with it."
}

variable "tables" {
  type = map(object({
    indexes       = number
    ttl_attribute = string
  }))
  default     = {}
  description = "The tables this service owns, by logical name."
}

variable "functions" {
  type = map(object({
    handler      = string
    description  = string
    timeout      = number
    memory       = number
    signs_tokens = bool
    route_key    = string # null: not on the HTTP API (a service-to-service route is invoked, not routed)
    protected    = bool   # the route runs the authorizer first
    scraped      = bool   # a Prometheus scrape target: it gets the scrape token
    schedule     = string # null: not a job
    policy_statements = list(object({
      sid       = string
      actions   = list(string)
      resources = list(string)
    }))
  }))
  default     = {}
  description = "The service's functions, by qualified name (<service>-<function>)."
}

variable "subscriber" {
  type = object({
    function           = string
    event_pattern      = string
    batch_size         = number
    max_receive_count  = number
    visibility_timeout = number
  })
  default     = null
  description = "The service's event subscription, if it has one."
}

variable "all_tables" {
  type        = list(string)
  default     = []
  description = "Every table of the platform (a function that inspects the platform describes them all)."
}

variable "shared_table_arns" {
  type    = map(string)
  default = {}
}

variable "bus_name" {
  type = string
}

variable "bus_arn" {
  type = string
}

variable "bucket_arn" {
  type = string
}

variable "kms_key_arn" {
  type        = string
  description = "The data key that seals secrets at rest (functions declared kms=True)."
}

variable "api_id" {
  type = string
}

variable "api_execution_arn" {
  type = string
}

variable "authorizer_id" {
  type        = string
  default     = null
  description = "The shared API's Lambda authorizer (protected routes)."
}

variable "code_zip" {
  type = string
}

variable "layers" {
  type    = list(string)
  default = []
}

variable "environment" {
  type      = map(string)
  sensitive = true
}

variable "signing_environment" {
  type        = map(string)
  sensitive   = true
  description = "The environment of the functions that sign tokens (it adds the private key)."
}

variable "scrape_environment" {
  type        = map(string)
  sensitive   = true
  default     = {}
  description = "What scrape targets add to the environment (the stage's Prometheus scrape token)."
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "alarm_topic_arns" {
  type    = list(string)
  default = []
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

module "table" {
  source   = "../table"
  for_each = var.tables

  name          = "${var.prefix}-${each.key}"
  indexes       = each.value.indexes
  ttl_attribute = each.value.ttl_attribute
}

locals {
  # Internal calls invoke functions by name (the callee may be another service's): `function:<name>`.
  function_arn_prefix = "arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:function:${var.prefix}-"
  table_arns = merge(
    {
      for name in var.all_tables : name =>
      "arn:${data.aws_partition.current.partition}:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${var.prefix}-${name}"
    },
    var.shared_table_arns,
    { for name, table in module.table : name => table.arn },
  )
  arns = merge(
    { for name, arn in local.table_arns : "table:${name}" => arn },
    { for name, arn in local.table_arns : "table_indexes:${name}" => "${arn}/index/*" },
    { bus = var.bus_arn, bucket = var.bucket_arn, bucket_objects = "${var.bucket_arn}/*", any = "*" },
    { kms_key = var.kms_key_arn },
    { every_queue = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:${var.prefix}-*" },
    var.subscriber == null ? {} : { queue = module.subscriber[0].queue_arn },
  )
}

module "function" {
  source   = "../function"
  for_each = var.functions

  name               = "${var.prefix}-${each.key}"
  handler            = each.value.handler
  description        = each.value.description
  timeout            = each.value.timeout
  memory             = each.value.memory
  code_zip           = var.code_zip
  layers             = var.layers
  environment        = merge(each.value.signs_tokens ? var.signing_environment : var.environment, each.value.scraped ? var.scrape_environment : {})
  log_retention_days = var.log_retention_days
  alarm_topic_arns   = var.alarm_topic_arns
  policy_statements = [
    for s in each.value.policy_statements : {
      sid       = s.sid
      actions   = s.actions
      resources = [for r in s.resources : startswith(r, "function:") ? "${local.function_arn_prefix}${trimprefix(r, "function:")}" : local.arns[r]]
    }
  ]
}

module "route" {
  source   = "../route"
  for_each = { for name, fn in var.functions : name => fn if fn.route_key != null }

  api_id              = var.api_id
  api_execution_arn   = var.api_execution_arn
  route_key           = each.value.route_key
  function_name       = module.function[each.key].name
  function_invoke_arn = module.function[each.key].invoke_arn
  authorizer_id       = each.value.protected ? var.authorizer_id : null
}

module "schedule" {
  source   = "../schedule"
  for_each = { for name, fn in var.functions : name => fn if fn.schedule != null }

  name                = "${var.prefix}-${each.key}"
  schedule_expression = each.value.schedule
  function_name       = module.function[each.key].name
  function_arn        = module.function[each.key].arn
}

module "subscriber" {
  source = "../subscriber"
  count  = var.subscriber == null ? 0 : 1

  name               = "${var.prefix}-${var.name}"
  bus_name           = var.bus_name
  event_pattern      = var.subscriber.event_pattern
  function_arn       = module.function[var.subscriber.function].arn
  batch_size         = var.subscriber.batch_size
  max_receive_count  = var.subscriber.max_receive_count
  visibility_timeout = var.subscriber.visibility_timeout
  alarm_topic_arns   = var.alarm_topic_arns
}

output "table_arns" {
  value = { for name, table in module.table : name => table.arn }
}

output "function_names" {
  value = { for name, fn in module.function : name => fn.name }
}

output "invoke_arns" {
  value = { for name, fn in module.function : name => fn.invoke_arn }
}
