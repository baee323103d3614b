# One service table: pk/sk, gsi1..N, TTL, point-in-time recovery, encryption at rest.
variable "name" {
  type        = string
  description = "Full table name (<prefix>-<logical name>)."
}

variable "indexes" {
  type        = number
  default     = 1
  description = "How many GSIs (gsi1..gsiN on gsiNpk/gsiNsk)."
}

variable "ttl_attribute" {
  type        = string
  default     = "expiresAt"
  description = "TTL attribute, or null for none."
}

variable "kms_key_arn" {
  type        = string
  default     = null
  description = "Customer-managed KMS key; null uses the AWS-owned key."
}

locals {
  index_numbers = range(1, var.indexes + 1)
  key_names     = concat(["pk", "sk"], flatten([for i in local.index_numbers : ["gsi${i}pk", "gsi${i}sk"]]))
}

resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  dynamic "attribute" {
    for_each = local.key_names
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = local.index_numbers
    content {
      name            = "gsi${global_secondary_index.value}"
      hash_key        = "gsi${global_secondary_index.value}pk"
      range_key       = "gsi${global_secondary_index.value}sk"
      projection_type = "ALL"
    }
  }

  dynamic "ttl" {
    for_each = var.ttl_attribute == null ? [] : [var.ttl_attribute]
    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

output "arn" {
  value = aws_dynamodb_table.this.arn
}

output "name" {
  value = aws_dynamodb_table.this.name
}
