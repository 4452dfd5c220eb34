output "alb_security_group_id" {
  description = "Security group of the ALB."
  value       = aws_security_group.alb.id
}

output "task_security_group_ids" {
  description = "Security group per task role: command-api, read-api, projections, migrate."
  value       = { for role, sg in aws_security_group.task : role => sg.id }
}

output "database_security_group_id" {
  description = "Security group of the RDS instance."
  value       = aws_security_group.database.id
}
