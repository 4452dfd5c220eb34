variable "name_prefix" {
  description = "Prefix for alarm and topic names, e.g. madoguchi-prod."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the alert topic."
  type        = string
}

variable "alert_emails" {
  description = "Addresses subscribed to the alert topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the ALB (LoadBalancer dimension)."
  type        = string
}

variable "target_group_arn_suffixes" {
  description = "Target group ARN suffix per role (TargetGroup dimension)."
  type        = map(string)
}

variable "alb_5xx_threshold" {
  description = "5xx responses per minute that count as a breaching minute."
  type        = number
  default     = 5
}

variable "db_instance_identifier" {
  description = "RDS instance identifier."
  type        = string
}

variable "db_max_connections" {
  description = "Connection count that should never be reached in normal operation (alarm threshold)."
  type        = number
  default     = 100
}

variable "db_min_free_storage_bytes" {
  description = "Free storage below which the database alarm fires."
  type        = number
  default     = 2147483648 # 2 GiB
}

variable "inbound_dlq_name" {
  description = "Name of the inbound mail dead-letter queue."
  type        = string
}
