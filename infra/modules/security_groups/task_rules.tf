resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  for_each = local.web_roles

  security_group_id            = aws_security_group.task[each.key].id
  description                  = "From the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.alb.id
}

# Egress is limited to what the tasks actually talk to. DNS needs no rule:
# security groups do not filter traffic to the VPC resolver.
resource "aws_vpc_security_group_egress_rule" "tasks_to_endpoints" {
  for_each = local.task_roles

  security_group_id = aws_security_group.task[each.key].id
  description       = "HTTPS to interface endpoints and PrivateLink services in the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_s3" {
  for_each = local.task_roles

  security_group_id = aws_security_group.task[each.key].id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_database" {
  for_each = local.task_roles

  security_group_id            = aws_security_group.task[each.key].id
  description                  = "MySQL protocol to RDS"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_internet" {
  # checkov:skip=CKV_AWS_382:Created only where a NAT gateway replaces interface endpoints (dev); HTTPS only, for AWS APIs and the Datadog intake.
  for_each = var.allow_internet_egress ? local.task_roles : toset([])

  security_group_id = aws_security_group.task[each.key].id
  description       = "HTTPS to the internet through the NAT gateway"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
