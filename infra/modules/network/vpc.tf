# Looked up (not just taken from the variable) so a misspelt or retired zone
# fails at plan time.
data "aws_availability_zones" "selected" {
  state = "available"

  filter {
    name   = "zone-name"
    values = var.availability_zones
  }

  lifecycle {
    postcondition {
      condition     = length(self.names) == length(var.availability_zones)
      error_message = "Some of the availability_zones do not exist or are not available in this region."
    }
  }
}

locals {
  azs      = var.availability_zones
  az_count = length(var.availability_zones)

  # /24 per subnet: public at .0-.2, private (tasks) at .10-.12, database at .20-.22.
  public_cidrs   = [for i in range(local.az_count) : cidrsubnet(var.cidr_block, 24 - tonumber(split("/", var.cidr_block)[1]), i)]
  private_cidrs  = [for i in range(local.az_count) : cidrsubnet(var.cidr_block, 24 - tonumber(split("/", var.cidr_block)[1]), 10 + i)]
  database_cidrs = [for i in range(local.az_count) : cidrsubnet(var.cidr_block, 24 - tonumber(split("/", var.cidr_block)[1]), 20 + i)]
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true # required for private DNS on interface endpoints

  tags = { Name = var.name_prefix }
}

# Strip the default security group so nothing can use it by accident.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = var.name_prefix }
}

# Public subnets hold only the ALB (and the NAT gateway when enabled).
resource "aws_subnet" "public" {
  count = local.az_count

  vpc_id                  = aws_vpc.this.id
  availability_zone       = local.azs[count.index]
  cidr_block              = local.public_cidrs[count.index]
  map_public_ip_on_launch = false

  tags = { Name = "${var.name_prefix}-public-${local.azs[count.index]}", Tier = "public" }
}

resource "aws_subnet" "private" {
  count = local.az_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = local.private_cidrs[count.index]

  tags = { Name = "${var.name_prefix}-private-${local.azs[count.index]}", Tier = "private" }
}

resource "aws_subnet" "database" {
  count = local.az_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = local.database_cidrs[count.index]

  tags = { Name = "${var.name_prefix}-database-${local.azs[count.index]}", Tier = "database" }
}
