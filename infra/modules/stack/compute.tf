module "ecr" {
  source          = "../ecr"
  repository_name = var.ecr_repository_name
  kms_key_arn     = module.kms.key_arn
}

module "ecs_cluster" {
  source      = "../ecs_cluster"
  name_prefix = local.name_prefix
  kms_key_arn = module.kms.key_arn
}

module "iam" {
  source                      = "../iam"
  name_prefix                 = local.name_prefix
  kms_key_arn                 = module.kms.key_arn
  secret_arns                 = module.secrets.arns
  ecr_repository_arn          = module.ecr.repository_arn
  ecr_pull_through_prefix     = module.ecr.pull_through_prefix
  raw_mail_bucket_arn         = module.storage.raw_mail_bucket_arn
  inbound_queue_arn           = module.ses.inbound_queue_arn
  event_bus_arn               = module.eventbridge.bus_arn
  ses_identity_arn            = module.ses.identity_arn
  ses_configuration_set_arn   = module.ses.configuration_set_arn
  mail_from_address           = var.mail_from_address
  ecs_cluster_arn             = module.ecs_cluster.cluster_arn
  ecs_cluster_name            = module.ecs_cluster.cluster_name
  ecs_service_names           = local.service_roles
  task_definition_families    = local.families
  migrate_task_family         = local.migrate_family
  github_repository           = var.github_repository
  github_environment          = var.environment
  create_github_oidc_provider = var.create_github_oidc_provider
  enable_execute_command      = var.enable_execute_command
}

module "web_service" {
  source   = "../ecs_service"
  for_each = toset(["command-api", "read-api"])

  name_prefix        = local.name_prefix
  role               = each.key
  cluster_arn        = module.ecs_cluster.cluster_arn
  cluster_name       = module.ecs_cluster.cluster_name
  image              = local.image
  command            = [each.key]
  cpu_architecture   = var.cpu_architecture
  environment        = local.app_environment
  secrets            = local.app_secrets
  task_role_arn      = module.iam.task_role_arns[each.key]
  execution_role_arn = module.iam.execution_role_arns["services"]
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.security_groups.task_security_group_ids[each.key]]
  kms_key_arn        = module.kms.key_arn
  target_group_arn   = module.alb.target_group_arns[each.key]
  desired_count      = var.web_capacity[each.key].min
  datadog            = local.datadog

  enable_execute_command = var.enable_execute_command

  autoscaling = {
    min_capacity        = var.web_capacity[each.key].min
    max_capacity        = var.web_capacity[each.key].max
    cpu_target_percent  = var.cpu_target_percent
    requests_per_target = var.requests_per_target
    alb_resource_label  = module.alb.request_count_resource_labels[each.key]
  }
  scheduled_windows      = var.sales_windows
  scale_out_lead_minutes = var.scale_out_lead_minutes
}

# No load balancer and no auto scaling: the workers are paced by the event
# store and the mail queue, not by request traffic.
module "projections" {
  source = "../ecs_service"

  name_prefix        = local.name_prefix
  role               = "projections"
  cluster_arn        = module.ecs_cluster.cluster_arn
  cluster_name       = module.ecs_cluster.cluster_name
  image              = local.image
  command            = ["projections"]
  cpu_architecture   = var.cpu_architecture
  environment        = local.app_environment
  secrets            = local.app_secrets
  task_role_arn      = module.iam.task_role_arns["projections"]
  execution_role_arn = module.iam.execution_role_arns["services"]
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.security_groups.task_security_group_ids["projections"]]
  kms_key_arn        = module.kms.key_arn
  desired_count      = var.projections_count
  use_spot           = var.projections_use_spot
  datadog            = local.datadog

  enable_execute_command = var.enable_execute_command
}

# Run by the deploy workflow before the services are updated:
#   aws ecs run-task --task-definition <family> --launch-type FARGATE ...
# with the subnets and security group from the migrate_* outputs.
module "migrate" {
  source = "../ecs_oneoff_task"

  name_prefix        = local.name_prefix
  name               = "migrate"
  image              = local.image
  command            = ["migrate"]
  cpu_architecture   = var.cpu_architecture
  environment        = { AWS_REGION = local.region }
  secrets            = { DATABASE_URL = module.secrets.arns["migrator-database-url"] }
  task_role_arn      = module.iam.task_role_arns["migrate"]
  execution_role_arn = module.iam.execution_role_arns["migrate"]
  kms_key_arn        = module.kms.key_arn
}
