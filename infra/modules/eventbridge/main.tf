# Integration events Madoguchi publishes for other LifestyleMart systems.
# The archive lets a consumer that was down or buggy replay what it missed.
resource "aws_cloudwatch_event_bus" "this" {
  name = var.bus_name
}

resource "aws_cloudwatch_event_archive" "this" {
  name             = "${var.bus_name}-archive"
  description      = "Every event on ${var.bus_name}, for replay"
  event_source_arn = aws_cloudwatch_event_bus.this.arn
  retention_days   = var.archive_retention_days
}
