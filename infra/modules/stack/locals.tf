data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  name_prefix = "madoguchi-${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  region      = data.aws_region.current.name

  receipt_rule_set_name = "${local.name_prefix}-inbound"
  receipt_rule_name     = "${local.name_prefix}-support"
  receipt_rule_arn      = "arn:aws:ses:${local.region}:${local.account_id}:receipt-rule-set/${local.receipt_rule_set_name}:receipt-rule/${local.receipt_rule_name}"

  image          = "${module.ecr.repository_url}:${var.image_tag}"
  ecr_registry   = split("/", module.ecr.repository_url)[0]
  datadog_image  = "${local.ecr_registry}/${module.ecr.pull_through_prefix}/datadog/agent:${var.datadog_agent_image_tag}"
  service_roles  = ["command-api", "read-api", "projections"]
  migrate_family = "${local.name_prefix}-migrate"
  families       = concat([for r in local.service_roles : "${local.name_prefix}-${r}"], [local.migrate_family])

  # Every role gets the same configuration; what each may do is decided by
  # its IAM task role, not by which variables it can see.
  app_environment = {
    AWS_REGION                      = local.region
    MADOGUCHI_TRUST_FORWARDED       = "true"
    MADOGUCHI_SECURE_COOKIES        = "true"
    MADOGUCHI_MAIL                  = "ses"
    MADOGUCHI_MAIL_FROM             = var.mail_from_address
    MADOGUCHI_MAIL_REPLY_TO         = var.inbound_address
    MADOGUCHI_SES_CONFIGURATION_SET = module.ses.configuration_set_name
    MADOGUCHI_EVENTBRIDGE_BUS       = module.eventbridge.bus_name
    MADOGUCHI_INBOUND_QUEUE_URL     = module.ses.inbound_queue_url
    MADOGUCHI_RAW_MAIL_BUCKET       = module.storage.raw_mail_bucket_name
  }

  app_secrets = {
    DATABASE_URL         = module.secrets.arns["database-url"]
    MADOGUCHI_SECRET_KEY = module.secrets.arns["secret-key"]
    MADOGUCHI_MASTER_KEY = module.secrets.arns["master-key"]
  }

  datadog = {
    agent_image        = local.datadog_image
    site               = var.datadog_site
    api_key_secret_arn = module.secrets.arns["datadog-api-key"]
    env                = var.environment
    service            = "madoguchi"
    version            = var.image_tag
  }
}
