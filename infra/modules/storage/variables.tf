variable "name_prefix" {
  description = "Prefix for bucket names, e.g. madoguchi-prod. The account ID is appended for global uniqueness."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the raw mail bucket."
  type        = string
}

variable "raw_mail_retention_days" {
  description = "Days to keep raw inbound .eml files under inbound/ and their attachments under attachments/. They are the source of truth for re-decoding mail, so keep them as long as the tickets they belong to."
  type        = number
  default     = 400

  validation {
    condition     = var.raw_mail_retention_days >= 30
    error_message = "raw_mail_retention_days must be at least 30."
  }
}

variable "log_retention_days" {
  description = "Days to keep ALB access logs, S3 access logs and VPC flow logs."
  type        = number
  default     = 90

  validation {
    condition     = var.log_retention_days >= 7
    error_message = "log_retention_days must be at least 7."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days to keep overwritten or deleted object versions (protection against mistakes, not an archive)."
  type        = number
  default     = 30
}

variable "ses_receipt_rule_arn" {
  description = "ARN of the SES receipt rule allowed to write inbound mail into the raw mail bucket."
  type        = string
}
