# prod: redundant across two AZs, no route to the internet from the tasks.
module "madoguchi" {
  source = "../../modules/stack"

  environment = "prod"

  # Network: interface endpoints in both AZs and Datadog over PrivateLink,
  # no NAT gateway. About $165/month for the AWS endpoints and ~$60 for
  # Datadog's, against ~$45 for a NAT gateway at our traffic. In exchange
  # the tasks, which hold customer data, have no path to the internet, and
  # no single-AZ NAT gateway can cut them off from AWS APIs.
  availability_zones = var.availability_zones
  vpc_cidr           = "10.30.0.0/16"
  enable_nat_gateway = false
  interface_endpoint_services = [
    "ecr.api",
    "ecr.dkr",
    "logs",
    "secretsmanager",
    "sqs",
    "email",
    "events",
    "kms",
  ]
  endpoint_az_count            = 2
  datadog_privatelink_services = var.datadog_privatelink_services

  domain                    = var.domain
  route53_zone_id           = var.route53_zone_id
  app_hostname              = var.app_hostname
  mail_from_address         = var.mail_from_address
  inbound_address           = var.inbound_address
  manage_inbound_mx         = var.manage_inbound_mx
  manage_dmarc_record       = var.manage_dmarc_record
  activate_receipt_rule_set = var.activate_receipt_rule_set
  dmarc_policy              = "quarantine"
  dmarc_report_address      = var.dmarc_report_address
  raw_mail_retention_days   = 400

  image_tag = var.image_tag
  # Two tasks per web role, one per AZ, so a task or AZ failure or a deploy
  # never leaves a role without capacity. A recall day (0.8 req/s, 10x
  # normal) fits within max with large headroom.
  web_capacity = {
    "command-api" = { min = 2, max = 8 }
    "read-api"    = { min = 2, max = 8 }
  }
  projections_count      = 1
  projections_use_spot   = false
  sales_windows          = var.sales_windows
  enable_execute_command = false

  db_instance_class        = "db.t4g.medium"
  db_multi_az              = true
  db_backup_retention_days = 14

  event_archive_retention_days = 90

  alert_emails            = var.alert_emails
  datadog_site            = var.datadog_site
  datadog_agent_image_tag = var.datadog_agent_image_tag
  datadog_notify          = var.datadog_notify
  runbook_url             = var.runbook_url

  github_repository           = var.github_repository
  create_github_oidc_provider = var.create_github_oidc_provider
}
