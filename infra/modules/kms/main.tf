# One customer-managed key per environment encrypts logs, buckets, queues,
# topics, secrets, the ECR repository and the database. A key per service
# would cost $1/month each and add little here: access is still decided by
# IAM policies, and every service below is scoped by aws:SourceAccount.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} data encryption"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.deletion_window_in_days

  # Written inline (not as an aws_iam_policy_document) because a key policy's
  # Resource is always "*", meaning "this key".
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Lets IAM policies in this account grant use of the key; without it
        # the key could become unmanageable.
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
          }
        }
      },
      {
        # SES writes inbound mail into the SSE-KMS bucket and publishes to the
        # encrypted SNS topics; SNS delivers into the encrypted SQS queue;
        # CloudWatch alarms publish to the encrypted alert topic.
        Sid    = "AwsServicesInThisAccount"
        Effect = "Allow"
        Principal = {
          Service = [
            "ses.amazonaws.com",
            "sns.amazonaws.com",
            "cloudwatch.amazonaws.com",
          ]
        }
        Action   = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.this.key_id
}
