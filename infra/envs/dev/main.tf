# dev: the same architecture as prod, sized and made redundant only where
# the difference costs nothing to learn from.
module "madoguchi" {
  source = "../../modules/stack"

  environment = "dev"

  # Network: one NAT gateway and no interface endpoints is the cheaper
  # option at dev's traffic (~$45/month against ~$165/month).
  availability_zones = var.availability_zones
  vpc_cidr           = "10.20.0.0/16"
  enable_nat_gateway = true

  domain                    = var.domain
  route53_zone_id           = var.route53_zone_id
  app_hostname              = var.app_hostname
  mail_from_address         = var.mail_from_address
  inbound_address           = var.inbound_address
  manage_inbound_mx         = var.manage_inbound_mx
  manage_dmarc_record       = var.manage_dmarc_record
  activate_receipt_rule_set = var.activate_receipt_rule_set
  dmarc_policy              = "none" # report only while dev mail is tuned
  dmarc_report_address      = var.dmarc_report_address
  raw_mail_retention_days   = 30

  image_tag = var.image_tag
  web_capacity = {
    "command-api" = { min = 1, max = 3 }
    "read-api"    = { min = 1, max = 3 }
  }
  projections_count      = 1
  projections_use_spot   = true
  sales_windows          = var.sales_windows
  enable_execute_command = true

  db_instance_class        = "db.t4g.micro"
  db_multi_az              = false
  db_backup_retention_days = 7

  event_archive_retention_days = 14

  alert_emails            = var.alert_emails
  datadog_site            = var.datadog_site
  datadog_agent_image_tag = var.datadog_agent_image_tag
  datadog_notify          = var.datadog_notify
  runbook_url             = var.runbook_url

  github_repository           = var.github_repository
  create_github_oidc_provider = var.create_github_oidc_provider
}
