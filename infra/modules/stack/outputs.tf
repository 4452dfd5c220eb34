output "ecr_repository_url" {
  description = "ECR repository for the application image (ECR_REPOSITORY)."
  value       = module.ecr.repository_url
}

output "ecr_repository_name" {
  description = "Name of the ECR repository."
  value       = module.ecr.repository_name
}

output "ecs_cluster_name" {
  description = "ECS cluster (ECS_CLUSTER)."
  value       = module.ecs_cluster.cluster_name
}

output "ecs_service_names" {
  description = "ECS service name per role."
  value = merge(
    { for r, m in module.web_service : r => m.service_name },
    { projections = module.projections.service_name },
  )
}

output "ecs_services" {
  description = "Service names, comma-separated (GitHub variable ECS_SERVICES)."
  value       = join(",", concat([for r, m in module.web_service : m.service_name], [module.projections.service_name]))
}

output "task_definition_families" {
  description = "Task definition family per role, including migrate."
  value = merge(
    { for r, m in module.web_service : r => m.task_definition_family },
    { projections = module.projections.task_definition_family, migrate = module.migrate.task_definition_family },
  )
}

output "migration_task_definition_family" {
  description = "Family of the one-off migration task the deploy runs before updating services."
  value       = module.migrate.task_definition_family
}

output "migrate_subnet_ids" {
  description = "Private subnets for the migration task (MIGRATE_SUBNETS, comma-separated)."
  value       = join(",", module.network.private_subnet_ids)
}

output "migrate_security_group_id" {
  description = "Security group for the migration task (MIGRATE_SECURITY_GROUP)."
  value       = module.security_groups.task_security_group_ids["migrate"]
}

output "migrate_log_group" {
  description = "Log group the migration task writes to."
  value       = module.migrate.log_group_name
}

output "deploy_role_arn" {
  description = "IAM role GitHub Actions assumes (AWS_DEPLOY_ROLE_ARN)."
  value       = module.iam.deploy_role_arn
}

output "app_url" {
  description = "Public URL of Madoguchi."
  value       = module.alb.url
}

output "database_endpoint" {
  description = "RDS endpoint for DATABASE_URL."
  value       = module.rds.endpoint
}

output "database_master_secret_arn" {
  description = "Secret holding the RDS-managed master password (for applying app-grants.sql)."
  value       = module.rds.master_user_secret_arn
}

output "secret_arns" {
  description = "Secrets to fill in before the first deploy."
  value       = module.secrets.arns
}

output "inbound_queue_url" {
  description = "Inbound mail queue (MADOGUCHI_INBOUND_QUEUE_URL)."
  value       = module.ses.inbound_queue_url
}

output "raw_mail_bucket" {
  description = "Raw inbound mail bucket (MADOGUCHI_RAW_MAIL_BUCKET)."
  value       = module.storage.raw_mail_bucket_name
}

output "alert_topic_arn" {
  description = "SNS topic of the CloudWatch alarms."
  value       = module.monitoring.alert_topic_arn
}
