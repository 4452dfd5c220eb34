variable "name_prefix" {
  description = "Prefix for resource names; the instance identifier is <name_prefix>-db."
  type        = string
}

variable "subnet_ids" {
  description = "Isolated database subnets (two AZs or more)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two AZs."
  }
}

variable "security_group_id" {
  description = "Security group admitting only the Madoguchi tasks."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights, the master secret and log groups."
  type        = string
}

variable "engine_version" {
  description = "MariaDB engine version. A major.minor value lets RDS apply minor upgrades."
  type        = string
  default     = "11.8"
}

variable "parameter_group_family" {
  description = "DB parameter group family matching engine_version."
  type        = string
  default     = "mariadb11.8"
}

variable "instance_class" {
  description = "Instance class. Performance Insights needs db.t4g.medium or larger."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage" {
  description = "Initial gp3 storage in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Upper bound for storage autoscaling in GiB."
  type        = number
  default     = 100
}

variable "multi_az" {
  description = "Run a synchronous standby in a second AZ (automatic failover in 1-2 minutes). True in prod."
  type        = bool
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "database_name" {
  description = "Schema created with the instance."
  type        = string
  default     = "madoguchi"
}

variable "master_username" {
  description = "Administrative user; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "madoguchi_admin"
}

variable "log_retention_days" {
  description = "Retention of the exported database logs in CloudWatch."
  type        = number
  default     = 30
}

variable "backup_window" {
  description = "Daily backup window in UTC (default 03:00-04:00 JST)."
  type        = string
  default     = "18:00-19:00"
}

variable "maintenance_window" {
  description = "Weekly maintenance window in UTC (default Monday 04:00-05:00 JST)."
  type        = string
  default     = "sun:19:00-sun:20:00"
}
