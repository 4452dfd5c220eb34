# Execution roles are used by ECS itself (image pull, secrets, logs), not by
# the application. Two of them, so each can read only the secrets its tasks
# are given: the services never see the migrator's DDL credentials, and the
# migrate task never sees the encryption keys.
locals {
  execution_secrets = {
    services = [for k in ["database-url", "secret-key", "master-key", "datadog-api-key"] : var.secret_arns[k]]
    migrate  = [var.secret_arns["migrator-database-url"]]
  }
}

resource "aws_iam_role" "execution" {
  for_each = local.execution_secrets

  name               = "${var.name_prefix}-${each.key}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  for_each = local.execution_secrets

  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # GetAuthorizationToken has no resource-level permissions
  }

  statement {
    sid = "PullImages"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchGetImage",
    ]
    resources = [
      var.ecr_repository_arn,
      "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${var.ecr_pull_through_prefix}/*",
    ]
  }

  # The first pull of a cached ECR Public image creates its repository.
  statement {
    sid = "PullThroughCache"
    actions = [
      "ecr:BatchImportUpstreamImage",
      "ecr:CreateRepository",
    ]
    resources = ["arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${var.ecr_pull_through_prefix}/*"]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn_prefix}/*"]
  }

  statement {
    sid       = "ReadSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = each.value
  }

  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  for_each = local.execution_secrets

  name   = "execution"
  role   = aws_iam_role.execution[each.key].id
  policy = data.aws_iam_policy_document.execution[each.key].json
}
