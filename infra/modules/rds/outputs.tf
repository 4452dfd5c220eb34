output "endpoint" {
  description = "Host name of the database (for DATABASE_URL)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port of the database."
  value       = aws_db_instance.this.port
}

output "identifier" {
  description = "RDS instance identifier (CloudWatch DBInstanceIdentifier dimension)."
  value       = aws_db_instance.this.identifier
}

output "database_name" {
  description = "Schema created with the instance."
  value       = aws_db_instance.this.db_name
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret that RDS keeps the master password in."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}
