output "alb_arn" {
  description = "ARN of the ALB."
  value       = aws_lb.this.arn
}

output "alb_name" {
  description = "Name of the ALB."
  value       = aws_lb.this.name
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB, the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB."
  value       = aws_lb.this.dns_name
}

# ECS refuses to attach a target group that no listener uses yet, so the
# ARNs are only handed out once the listener and its rule exist.
output "target_group_arns" {
  description = "Target group ARN per role (command-api, read-api)."
  value       = { for k, tg in aws_lb_target_group.this : k => tg.arn }
  depends_on  = [aws_lb_listener.https, aws_lb_listener_rule.writes]
}

output "target_group_arn_suffixes" {
  description = "Target group ARN suffix per role, for CloudWatch dimensions."
  value       = { for k, tg in aws_lb_target_group.this : k => tg.arn_suffix }
}

output "request_count_resource_labels" {
  description = "Resource label per role for ALBRequestCountPerTarget scaling."
  value       = { for k, tg in aws_lb_target_group.this : k => "${aws_lb.this.arn_suffix}/${tg.arn_suffix}" }
}

output "url" {
  description = "Public URL of Madoguchi."
  value       = "https://${var.hostname}"
}
