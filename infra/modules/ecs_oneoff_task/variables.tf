variable "name_prefix" {
  description = "Prefix for resource names, e.g. madoguchi-prod."
  type        = string
}

variable "name" {
  description = "Short name of the one-off task, e.g. migrate."
  type        = string
}

variable "image" {
  description = "Full image reference for the app container."
  type        = string
}

variable "command" {
  description = "Container command (madoguchi subcommand)."
  type        = list(string)
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
  default     = 256
}

variable "memory" {
  description = "Task memory in MiB."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for (X86_64 or ARM64)."
  type        = string
  default     = "X86_64"
}

variable "environment" {
  description = "Plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables filled from Secrets Manager, as name => secret ARN."
  type        = map(string)
  default     = {}
}

variable "task_role_arn" {
  description = "IAM role the task runs as."
  type        = string
}

variable "execution_role_arn" {
  description = "IAM role ECS uses to pull the image, read secrets and write logs."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the task's log group."
  type        = number
  default     = 7
}
