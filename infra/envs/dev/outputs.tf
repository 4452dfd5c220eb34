output "ecr_repository_url" {
  description = "ECR repository (GitHub variable ECR_REPOSITORY)."
  value       = module.madoguchi.ecr_repository_url
}

output "ecs_cluster_name" {
  description = "ECS cluster (GitHub variable ECS_CLUSTER)."
  value       = module.madoguchi.ecs_cluster_name
}

output "ecs_service_names" {
  description = "ECS service name per role."
  value       = module.madoguchi.ecs_service_names
}

output "ecs_services" {
  description = "Service names, comma-separated (GitHub variable ECS_SERVICES)."
  value       = module.madoguchi.ecs_services
}

output "task_definition_families" {
  description = "Task definition family per role."
  value       = module.madoguchi.task_definition_families
}

output "migration_task_definition_family" {
  description = "One-off migration task family (GitHub variable MIGRATE_TASK_DEFINITION)."
  value       = module.madoguchi.migration_task_definition_family
}

output "migrate_subnet_ids" {
  description = "Subnets for the migration task (GitHub variable MIGRATE_SUBNETS)."
  value       = module.madoguchi.migrate_subnet_ids
}

output "migrate_security_group_id" {
  description = "Security group for the migration task (GitHub variable MIGRATE_SECURITY_GROUP)."
  value       = module.madoguchi.migrate_security_group_id
}

output "migrate_log_group" {
  description = "Log group of the migration task."
  value       = module.madoguchi.migrate_log_group
}

output "deploy_role_arn" {
  description = "Deploy role for GitHub Actions (GitHub variable AWS_DEPLOY_ROLE_ARN)."
  value       = module.madoguchi.deploy_role_arn
}

output "app_url" {
  description = "Public URL."
  value       = module.madoguchi.app_url
}

output "database_endpoint" {
  description = "RDS endpoint."
  value       = module.madoguchi.database_endpoint
}

output "database_master_secret_arn" {
  description = "RDS-managed master password secret."
  value       = module.madoguchi.database_master_secret_arn
}

output "secret_arns" {
  description = "Secrets to fill in before the first deploy."
  value       = module.madoguchi.secret_arns
}

output "inbound_queue_url" {
  description = "Inbound mail queue."
  value       = module.madoguchi.inbound_queue_url
}

output "raw_mail_bucket" {
  description = "Raw inbound mail bucket."
  value       = module.madoguchi.raw_mail_bucket
}

output "alert_topic_arn" {
  description = "SNS topic of the CloudWatch alarms."
  value       = module.madoguchi.alert_topic_arn
}
