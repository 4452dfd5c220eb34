module "kms" {
  source      = "../kms"
  name_prefix = local.name_prefix
}

module "storage" {
  source                  = "../storage"
  name_prefix             = local.name_prefix
  kms_key_arn             = module.kms.key_arn
  raw_mail_retention_days = var.raw_mail_retention_days
  ses_receipt_rule_arn    = local.receipt_rule_arn
}

module "network" {
  source                      = "../network"
  name_prefix                 = local.name_prefix
  cidr_block                  = var.vpc_cidr
  availability_zones          = var.availability_zones
  enable_nat_gateway          = var.enable_nat_gateway
  interface_endpoint_services = var.interface_endpoint_services
  extra_interface_endpoints   = var.datadog_privatelink_services
  endpoint_az_count           = var.endpoint_az_count
  flow_log_bucket_arn         = module.storage.logs_bucket_arn
}

module "security_groups" {
  source                = "../security_groups"
  name_prefix           = local.name_prefix
  vpc_id                = module.network.vpc_id
  vpc_cidr              = module.network.vpc_cidr
  s3_prefix_list_id     = module.network.s3_prefix_list_id
  allow_internet_egress = var.enable_nat_gateway
}

module "secrets" {
  source      = "../secrets"
  name_prefix = local.name_prefix
  kms_key_arn = module.kms.key_arn
}
