module "alb" {
  source              = "../alb"
  name_prefix         = local.name_prefix
  vpc_id              = module.network.vpc_id
  public_subnet_ids   = module.network.public_subnet_ids
  security_group_id   = module.security_groups.alb_security_group_id
  hostname            = var.app_hostname
  route53_zone_id     = var.route53_zone_id
  access_logs_bucket  = module.storage.logs_bucket_name
  deletion_protection = var.alb_deletion_protection
  kms_key_arn         = module.kms.key_arn
  waf                 = var.waf_rate_limit_per_5min == null ? null : { rate_limit_per_5min = var.waf_rate_limit_per_5min }
}
