# Task roles are what the application code runs as. command-api, read-api
# and migrate only talk to the database, whose credentials arrive as
# secrets through the execution role, so their task roles grant nothing
# (beyond ECS Exec where it is enabled).
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
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.raw_mail_bucket_arn}/*"]
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
