# Flow logs go to S3 rather than CloudWatch Logs: S3 delivery costs about a
# third as much per GB, and they are read only when investigating.
resource "aws_flow_log" "this" {
  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "s3"
  log_destination          = "${var.flow_log_bucket_arn}/vpc-flow-logs/"
  max_aggregation_interval = 600

  destination_options {
    file_format        = "parquet"
    per_hour_partition = true
  }

  tags = { Name = var.name_prefix }
}
