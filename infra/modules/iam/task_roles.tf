# Task roles are what the application code runs as. command-api and migrate
# only talk to the database, whose credentials arrive as secrets through the
# execution role, so their task roles grant nothing (beyond ECS Exec where it
# is enabled). read-api may delete a customer's stored mail: the admins'
# erasure page runs there.
resource "aws_iam_role" "task" {
  for_each = local.task_roles

  name               = "${var.name_prefix}-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# projections runs the mail sender, the EventBridge publisher and the
# inbound mail worker.
data "aws_iam_policy_document" "projections" {
  statement {
    sid       = "SendMail"
    actions   = ["ses:SendEmail", "ses:SendRawEmail"]
    resources = [var.ses_identity_arn, var.ses_configuration_set_arn]
    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [var.mail_from_address]
    }
  }

  statement {
    sid       = "PublishEvents"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus_arn]
  }

  statement {
    sid = "ConsumeInboundMail"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [var.inbound_queue_arn]
  }

  statement {
    sid       = "RawMailObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${var.raw_mail_bucket_arn}/*"]
  }

  # Erasure (retention, and the CLI run as a projections task) deletes every
  # version of a customer's mail objects, so it lists them first.
  statement {
    sid       = "ListRawMailVersions"
    actions   = ["s3:ListBucketVersions"]
    resources = [var.raw_mail_bucket_arn]
  }

  # Decrypt: queue messages and mail objects. GenerateDataKey: objects the
  # worker writes back to the bucket.
  statement {
    sid       = "UseEnvironmentKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com", "s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "projections" {
  name   = "projections"
  role   = aws_iam_role.task["projections"].id
  policy = data.aws_iam_policy_document.projections.json
}

# read-api serves the admins' erasure page, which deletes the customer's
# raw mail and attachments (every version) and nothing else.
data "aws_iam_policy_document" "read_api" {
  statement {
    sid       = "EraseRawMail"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${var.raw_mail_bucket_arn}/*"]
  }

  statement {
    sid       = "ListRawMailVersions"
    actions   = ["s3:ListBucketVersions"]
    resources = [var.raw_mail_bucket_arn]
  }
}

resource "aws_iam_role_policy" "read_api" {
  name   = "read-api"
  role   = aws_iam_role.task["read-api"].id
  policy = data.aws_iam_policy_document.read_api.json
}

data "aws_iam_policy_document" "exec" {
  statement {
    sid = "EcsExecChannel"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"] # these actions have no resource-level permissions
  }

  statement {
    sid       = "EcsExecEncryption"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "exec" {
  for_each = var.enable_execute_command ? toset(["command-api", "read-api", "projections"]) : toset([])

  name   = "ecs-exec"
  role   = aws_iam_role.task[each.key].id
  policy = data.aws_iam_policy_document.exec.json
}
