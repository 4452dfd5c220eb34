module "monitoring" {
  source                    = "../monitoring"
  name_prefix               = local.name_prefix
  kms_key_arn               = module.kms.key_arn
  alert_emails              = var.alert_emails
  alb_arn_suffix            = module.alb.alb_arn_suffix
  target_group_arn_suffixes = module.alb.target_group_arn_suffixes
  db_instance_identifier    = module.rds.identifier
  inbound_dlq_name          = module.ses.inbound_dlq_name
}

module "datadog" {
  source = "../datadog"
  count  = var.enable_datadog_monitors ? 1 : 0

  env                    = var.environment
  alb_name               = module.alb.alb_name
  inbound_queue_name     = module.ses.inbound_queue_name
  db_instance_identifier = module.rds.identifier
  runbook_url            = var.runbook_url
  notify                 = var.datadog_notify
}
