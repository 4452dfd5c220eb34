variable "name_prefix" {
  description = "Prefix for resource names; the cluster is named after it."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for ECS Exec sessions and their log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the ECS Exec audit log group."
  type        = number
  default     = 7
}
