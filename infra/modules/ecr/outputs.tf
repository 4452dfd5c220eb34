output "repository_url" {
  description = "URL of the application repository (ECR_REPOSITORY for deploys)."
  value       = aws_ecr_repository.app.repository_url
}

output "repository_arn" {
  description = "ARN of the application repository."
  value       = aws_ecr_repository.app.arn
}

output "repository_name" {
  description = "Name of the application repository."
  value       = aws_ecr_repository.app.name
}

output "pull_through_prefix" {
  description = "Repository prefix under which ECR Public images are cached."
  value       = aws_ecr_pull_through_cache_rule.ecr_public.ecr_repository_prefix
}
