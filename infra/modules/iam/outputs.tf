output "task_role_arns" {
  description = "Task role ARN per role: command-api, read-api, projections, migrate."
  value       = { for k, r in aws_iam_role.task : k => r.arn }
}

output "execution_role_arns" {
  description = "Execution role ARN: services (the three services) and migrate."
  value       = { for k, r in aws_iam_role.execution : k => r.arn }
}

output "deploy_role_arn" {
  description = "Role GitHub Actions assumes to deploy (AWS_DEPLOY_ROLE_ARN)."
  value       = aws_iam_role.deploy.arn
}
