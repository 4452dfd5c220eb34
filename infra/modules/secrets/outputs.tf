output "arns" {
  description = "Secret ARN by short name: database-url, migrator-database-url, secret-key, master-key, datadog-api-key."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}
