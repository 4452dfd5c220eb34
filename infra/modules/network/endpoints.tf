# Endpoints versus NAT, in ap-northeast-1 list prices:
#   - S3 gateway endpoint: free. ECR image layers come from S3, so every
#     image pull bypasses the NAT. Always on.
#   - Interface endpoint: about $0.014/hour per AZ (~$10/month) plus
#     $0.01/GB. Eight services in two AZs cost ~$165/month.
#   - NAT gateway: about $0.062/hour (~$45/month) plus $0.062/GB.
# At our traffic (0.08-0.8 req/s) one NAT gateway is cheaper than a full
# set of interface endpoints. Endpoints win on security: tasks then have
# no route to the internet, and the inbound-mail worker's constant SQS long
# polls and the log stream never leave AWS's network. So dev runs a NAT
# gateway and no interface endpoints, while prod runs interface endpoints
# (with Datadog's PrivateLink) and no NAT gateway. See docs/infrastructure.md.
data "aws_region" "current" {}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]

  tags = { Name = "${var.name_prefix}-s3" }
}

locals {
  interface_endpoints = merge(
    { for svc in var.interface_endpoint_services : svc => "com.amazonaws.${data.aws_region.current.name}.${svc}" },
    var.extra_interface_endpoints,
  )
  endpoint_subnet_ids = slice(aws_subnet.private[*].id, 0, min(var.endpoint_az_count, local.az_count))
}

resource "aws_security_group" "endpoints" {
  count = length(local.interface_endpoints) > 0 ? 1 : 0

  name        = "${var.name_prefix}-endpoints"
  description = "Interface VPC endpoints: HTTPS from inside the VPC only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}-endpoints" }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  count = length(local.interface_endpoints) > 0 ? 1 : 0

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from resources in the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = aws_vpc.this.cidr_block
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = aws_vpc.this.id
  service_name        = each.value
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.endpoint_subnet_ids
  security_group_ids  = [aws_security_group.endpoints[0].id]

  tags = { Name = "${var.name_prefix}-${each.key}" }
}
