# All security groups live here, so the rules between them are reviewable in
# one place and the ALB, ECS and RDS modules do not depend on each other.
locals {
  # Roles that run as ECS tasks. Each gets its own group so that, for
  # example, only command-api and read-api accept traffic from the ALB.
  task_roles = toset(["command-api", "read-api", "projections", "migrate"])
  web_roles  = toset(["command-api", "read-api"])
}

resource "aws_security_group" "alb" {
  # checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, ECS services, RDS, and the deploy workflow's run-task for migrate); checkov cannot follow the module outputs.
  name        = "${var.name_prefix}-alb"
  description = "Public ALB: HTTPS and HTTP (redirect only) from the internet"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name_prefix}-alb" }
}

resource "aws_security_group" "task" {
  # checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, ECS services, RDS, and the deploy workflow's run-task for migrate); checkov cannot follow the module outputs.
  for_each = local.task_roles

  name        = "${var.name_prefix}-${each.key}"
  description = "ECS tasks of the ${each.key} role"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name_prefix}-${each.key}" }
}

resource "aws_security_group" "database" {
  # checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, ECS services, RDS, and the deploy workflow's run-task for migrate); checkov cannot follow the module outputs.
  name        = "${var.name_prefix}-database"
  description = "RDS MariaDB: MySQL protocol from Madoguchi tasks only"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name_prefix}-database" }
}
