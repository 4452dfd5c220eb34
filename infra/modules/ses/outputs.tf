output "identity_arn" {
  description = "ARN of the SES domain identity."
  value       = aws_sesv2_email_identity.domain.arn
}

output "configuration_set_name" {
  description = "Configuration set every message is sent with (MADOGUCHI_SES_CONFIGURATION_SET)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the configuration set."
  value       = aws_sesv2_configuration_set.this.arn
}

output "feedback_topic_arn" {
  description = "SNS topic receiving bounces, complaints, rejects and delivery delays."
  value       = aws_sns_topic.feedback.arn
}

output "inbound_queue_url" {
  description = "Queue mail-ingest long-polls (MADOGUCHI_INBOUND_QUEUE_URL)."
  value       = aws_sqs_queue.inbound.id
}

output "inbound_queue_arn" {
  description = "ARN of the inbound queue."
  value       = aws_sqs_queue.inbound.arn
}

output "inbound_queue_name" {
  description = "Name of the inbound queue."
  value       = aws_sqs_queue.inbound.name
}

output "inbound_dlq_name" {
  description = "Name of the inbound dead-letter queue."
  value       = aws_sqs_queue.inbound_dlq.name
}
