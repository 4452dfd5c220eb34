variable "name_prefix" {
  description = "Prefix for role names, e.g. madoguchi-prod."
  type        = string
}

variable "kms_key_arn" {
  description = "Environment KMS key (secrets, logs, bucket, queue)."
  type        = string
}

variable "secret_arns" {
  description = "Secret ARNs by short name, from the secrets module."
  type        = map(string)
}

variable "ecr_repository_arn" {
  description = "Application image repository."
  type        = string
}

variable "ecr_pull_through_prefix" {
  description = "Repository prefix of the ECR Public pull-through cache (Datadog agent image)."
  type        = string
}

variable "raw_mail_bucket_arn" {
  description = "Raw inbound mail bucket."
  type        = string
}

variable "inbound_queue_arn" {
  description = "Inbound mail queue consumed by the projections role."
  type        = string
}

variable "event_bus_arn" {
  description = "EventBridge bus the projections role publishes to."
  type        = string
}

variable "ses_identity_arn" {
  description = "SES domain identity used for sending."
  type        = string
}

variable "ses_configuration_set_arn" {
  description = "SES configuration set used for sending."
  type        = string
}

variable "mail_from_address" {
  description = "The only From address the projections role may send as (MADOGUCHI_MAIL_FROM)."
  type        = string
}

variable "ecs_cluster_arn" {
  description = "Cluster the deploy role may run tasks in and update services of."
  type        = string
}

variable "ecs_cluster_name" {
  description = "Name of the cluster."
  type        = string
}

variable "ecs_service_names" {
  description = "Names of the ECS services the deploy role may update."
  type        = list(string)
}

variable "task_definition_families" {
  description = "Task definition families (services and the migrate task) the deploy role may register and run."
  type        = list(string)
}

variable "migrate_task_family" {
  description = "Family of the one-off migration task, the only task the deploy role may start."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository allowed to deploy, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_environment" {
  description = "GitHub Actions environment whose jobs may assume the deploy role (dev or prod)."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. Only one may exist per account; set false if it already does."
  type        = bool
  default     = true
}

variable "enable_execute_command" {
  description = "Grant the task roles the SSM channel ECS Exec needs."
  type        = bool
  default     = false
}
