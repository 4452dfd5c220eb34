# Services using FARGATE_SPOT can only be created once the capacity
# providers are associated, hence the depends_on.
output "cluster_name" {
  description = "Name of the ECS cluster (ECS_CLUSTER for deploys)."
  value       = aws_ecs_cluster.this.name
  depends_on  = [aws_ecs_cluster_capacity_providers.this]
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
  depends_on  = [aws_ecs_cluster_capacity_providers.this]
}

output "exec_log_group_arn" {
  description = "Log group of ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.arn
}
