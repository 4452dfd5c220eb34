data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# The regional Elastic Load Balancing account that writes ALB access logs.
data "aws_elb_service_account" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
}
