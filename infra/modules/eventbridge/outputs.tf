output "bus_name" {
  description = "Name of the event bus (MADOGUCHI_EVENTBRIDGE_BUS)."
  value       = aws_cloudwatch_event_bus.this.name
}

output "bus_arn" {
  description = "ARN of the event bus."
  value       = aws_cloudwatch_event_bus.this.arn
}
