module "rds" {
  source                = "../rds"
  name_prefix           = local.name_prefix
  subnet_ids            = module.network.database_subnet_ids
  security_group_id     = module.security_groups.database_security_group_id
  kms_key_arn           = module.kms.key_arn
  instance_class        = var.db_instance_class
  multi_az              = var.db_multi_az
  backup_retention_days = var.db_backup_retention_days
  max_allocated_storage = var.db_max_allocated_storage
}

module "eventbridge" {
  source                 = "../eventbridge"
  bus_name               = "madoguchi-${var.environment}"
  archive_retention_days = var.event_archive_retention_days
}

module "ses" {
  source                    = "../ses"
  name_prefix               = local.name_prefix
  domain                    = var.domain
  route53_zone_id           = var.route53_zone_id
  dmarc_policy              = var.dmarc_policy
  dmarc_report_address      = var.dmarc_report_address
  manage_dmarc_record       = var.manage_dmarc_record
  inbound_address           = var.inbound_address
  manage_inbound_mx         = var.manage_inbound_mx
  receipt_rule_set_name     = local.receipt_rule_set_name
  receipt_rule_name         = local.receipt_rule_name
  activate_receipt_rule_set = var.activate_receipt_rule_set
  raw_mail_bucket_name      = module.storage.raw_mail_bucket_name
  kms_key_arn               = module.kms.key_arn

  # SES checks its write access to the bucket when the receipt rule is saved.
  depends_on = [module.storage]
}
