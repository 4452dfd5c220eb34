# The ALB and flow logs check their write access when created, so the log
# bucket is handed out only once its policy exists.
output "logs_bucket_name" {
  description = "Bucket for ALB access logs, S3 access logs and VPC flow logs."
  value       = aws_s3_bucket.logs.id
  depends_on  = [aws_s3_bucket_policy.logs]
}

output "logs_bucket_arn" {
  description = "ARN of the log bucket."
  value       = aws_s3_bucket.logs.arn
  depends_on  = [aws_s3_bucket_policy.logs]
}

output "raw_mail_bucket_name" {
  description = "Bucket holding raw inbound mail (MADOGUCHI_RAW_MAIL_BUCKET)."
  value       = aws_s3_bucket.raw_mail.id
}

output "raw_mail_bucket_arn" {
  description = "ARN of the raw mail bucket."
  value       = aws_s3_bucket.raw_mail.arn
}

output "raw_mail_bucket_policy_id" {
  description = "ID of the raw mail bucket policy; SES checks it when the receipt rule is created."
  value       = aws_s3_bucket_policy.raw_mail.id
}
