resource "aws_lb" "this" {
  name               = var.name_prefix
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [var.security_group_id]

  drop_invalid_header_fields = true
  desync_mitigation_mode     = "strictest"
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 60

  access_logs {
    bucket  = var.access_logs_bucket
    prefix  = "alb"
    enabled = true
  }
}

locals {
  target_groups = toset(["command-api", "read-api"])
}

resource "aws_lb_target_group" "this" {
  # checkov:skip=CKV_AWS_378:TLS ends at the ALB; the hop to tasks stays inside private subnets, and tasks hold no certificates.
  for_each = local.target_groups

  name                 = "${var.name_prefix}-${each.key == "command-api" ? "cmd" : "read"}"
  vpc_id               = var.vpc_id
  target_type          = "ip"
  port                 = var.container_port
  protocol             = "HTTP"
  deregistration_delay = 30

  # /readyz also checks the database and applied migrations, so a task is
  # only sent traffic once it can answer. If every target fails (database
  # down), the ALB fails open and routes to all of them.
  health_check {
    path                = "/readyz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}
