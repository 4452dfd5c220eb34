variable "name_prefix" {
  description = "Prefix for resource names, e.g. madoguchi-prod."
  type        = string
}

variable "role" {
  description = "Madoguchi role this service runs: command-api, read-api or projections."
  type        = string

  validation {
    condition     = contains(["command-api", "read-api", "projections"], var.role)
    error_message = "role must be command-api, read-api or projections."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster (used in the auto scaling resource ID)."
  type        = string
}

variable "image" {
  description = "Full image reference (repository URL and tag) for the app container."
  type        = string
}

variable "command" {
  description = "Container command, i.e. the madoguchi subcommand and its arguments."
  type        = list(string)
}

variable "cpu" {
  description = "Task CPU units (1024 = 1 vCPU), shared by the app and the Datadog agent."
  type        = number
  default     = 256
}

variable "memory" {
  description = "Task memory in MiB, shared by the app and the Datadog agent."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for (X86_64 or ARM64)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "environment" {
  description = "Plain environment variables for the app container."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables filled from Secrets Manager, as name => secret ARN."
  type        = map(string)
  default     = {}
}

variable "task_role_arn" {
  description = "IAM role the application code runs as."
  type        = string
}

variable "execution_role_arn" {
  description = "IAM role ECS uses to pull the image, read secrets and write logs."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the tasks."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups for the tasks."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key for the log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the service's CloudWatch log group. Policy: 7 days (Datadog keeps what is needed longer)."
  type        = number
  default     = 7
}

variable "container_port" {
  description = "Port the app listens on (MADOGUCHI_BIND)."
  type        = number
  default     = 8080
}

variable "target_group_arn" {
  description = "ALB target group to register tasks in; null for services without a load balancer."
  type        = string
  default     = null
}

variable "health_check_grace_period_seconds" {
  description = "Time after start during which failing ALB health checks do not stop a task."
  type        = number
  default     = 60
}

variable "desired_count" {
  description = "Initial task count. Later changes come from auto scaling and are ignored by Terraform."
  type        = number
  default     = 1
}

variable "autoscaling" {
  description = "Auto scaling settings; null disables auto scaling (the service stays at desired_count)."
  type = object({
    min_capacity        = number
    max_capacity        = number
    cpu_target_percent  = optional(number, 60)
    requests_per_target = optional(number)
    alb_resource_label  = optional(string)
  })
  default = null

  validation {
    condition     = var.autoscaling == null || try(var.autoscaling.min_capacity >= 1 && var.autoscaling.max_capacity >= var.autoscaling.min_capacity, false)
    error_message = "autoscaling needs min_capacity >= 1 and max_capacity >= min_capacity."
  }
}

variable "scheduled_windows" {
  description = "Announced sales windows: min capacity is raised scale_out_lead_minutes before start and restored at end. Times are RFC 3339 in JST (+09:00)."
  type = list(object({
    name         = string
    start        = string
    end          = string
    min_capacity = number
  }))
  default = []
}

variable "scale_out_lead_minutes" {
  description = "How long before a sales window starts the extra capacity is put in place (Fargate tasks need ~1-2 minutes to start)."
  type        = number
  default     = 30
}

variable "use_spot" {
  description = "Run on Fargate Spot. Only for roles that tolerate a two-minute interruption notice (projections in dev)."
  type        = bool
  default     = false
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into the tasks (audited in the cluster's exec log group)."
  type        = bool
  default     = false
}

variable "datadog" {
  description = "Datadog agent sidecar settings."
  type = object({
    agent_image        = string
    site               = string
    api_key_secret_arn = string
    env                = string
    service            = string
    version            = string
  })
}
