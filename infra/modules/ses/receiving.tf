# Inbound mail: SES stores the raw message under inbound/ in the bucket and
# notifies the inbound topic; the topic fans out to the queue that the
# mail-ingest worker long-polls. The notification carries the object key,
# never the body, so large mail is not truncated.
resource "aws_route53_record" "inbound_mx" {
  count = var.manage_inbound_mx ? 1 : 0

  zone_id = var.route53_zone_id
  name    = local.inbound_domain
  type    = "MX"
  ttl     = 1800
  records = ["10 inbound-smtp.${local.region}.amazonaws.com"]
}

resource "aws_ses_receipt_rule_set" "this" {
  rule_set_name = var.receipt_rule_set_name
}

resource "aws_ses_active_receipt_rule_set" "this" {
  count         = var.activate_receipt_rule_set ? 1 : 0
  rule_set_name = aws_ses_receipt_rule_set.this.rule_set_name
}

resource "aws_ses_receipt_rule" "inbound" {
  name          = var.receipt_rule_name
  rule_set_name = aws_ses_receipt_rule_set.this.rule_set_name
  recipients    = [var.inbound_address]
  enabled       = true
  # Spam and virus verdicts are added as headers for mail-ingest to act on.
  scan_enabled = true
  tls_policy   = "Require"

  s3_action {
    position          = 1
    bucket_name       = var.raw_mail_bucket_name
    object_key_prefix = "inbound/"
    topic_arn         = aws_sns_topic.inbound.arn
  }

  # SES verifies that it may publish to the topic when the rule is saved.
  depends_on = [aws_sns_topic_policy.inbound]
}

resource "aws_sns_topic" "inbound" {
  name              = "${var.name_prefix}-inbound-mail"
  kms_master_key_id = var.kms_key_arn
}

data "aws_iam_policy_document" "inbound_topic" {
  statement {
    sid       = "SesPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.inbound.arn]
    principals {
      type        = "Service"
      identifiers = ["ses.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:ses:${local.region}:${local.account_id}:receipt-rule-set/${var.receipt_rule_set_name}:receipt-rule/${var.receipt_rule_name}"]
    }
  }
}

resource "aws_sns_topic_policy" "inbound" {
  arn    = aws_sns_topic.inbound.arn
  policy = data.aws_iam_policy_document.inbound_topic.json
}
