resource "aws_sqs_queue" "inbound_dlq" {
  name                              = "${var.name_prefix}-inbound-mail-dlq"
  message_retention_seconds         = 1209600 # 14 days, the maximum, to investigate and redrive
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
}

resource "aws_sqs_queue" "inbound" {
  name                              = "${var.name_prefix}-inbound-mail"
  visibility_timeout_seconds        = var.queue_visibility_timeout_seconds
  message_retention_seconds         = 345600 # 4 days: enough to ride out a weekend outage
  receive_wait_time_seconds         = 20     # long polling: fewer empty (billed) receives
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.inbound_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_sqs_queue_redrive_allow_policy" "inbound_dlq" {
  queue_url = aws_sqs_queue.inbound_dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.inbound.arn]
  })
}

data "aws_iam_policy_document" "inbound_queue" {
  statement {
    sid       = "FromInboundTopic"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.inbound.arn]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.inbound.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "inbound" {
  queue_url = aws_sqs_queue.inbound.id
  policy    = data.aws_iam_policy_document.inbound_queue.json
}

# Raw delivery: the SQS body is SES's notification JSON itself (with
# receipt.action.objectKey), not wrapped in an SNS envelope.
resource "aws_sns_topic_subscription" "inbound_queue" {
  topic_arn            = aws_sns_topic.inbound.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.inbound.arn
  raw_message_delivery = true

  depends_on = [aws_sqs_queue_policy.inbound]
}
