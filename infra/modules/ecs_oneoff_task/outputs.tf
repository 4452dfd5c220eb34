output "task_definition_family" {
  description = "Family of the one-off task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "ARN of the revision Terraform registered."
  value       = aws_ecs_task_definition.this.arn
}

output "log_group_name" {
  description = "Log group of the one-off task."
  value       = aws_cloudwatch_log_group.this.name
}
