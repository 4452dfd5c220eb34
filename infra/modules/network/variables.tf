variable "name_prefix" {
  description = "Prefix for resource names, e.g. madoguchi-prod."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC; a /16 leaves room for /24 subnets per tier and AZ."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && tonumber(split("/", var.cidr_block)[1]) <= 20
    error_message = "cidr_block must be a valid IPv4 CIDR of /20 or larger."
  }
}

variable "availability_zones" {
  description = "Availability zone names to spread subnets over, listed explicitly so a zone AWS adds later never changes the subnet layout."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "Give 2 or 3 availability zones (the ALB and Multi-AZ RDS need at least two)."
  }
}

variable "enable_nat_gateway" {
  description = "Create one NAT gateway for egress to the internet (for example the Datadog intake when PrivateLink is not used)."
  type        = bool
  default     = false
}

variable "interface_endpoint_services" {
  description = "AWS services reached through interface VPC endpoints, as the suffix of com.amazonaws.<region>.<service>."
  type        = list(string)
  default     = []
}

variable "extra_interface_endpoints" {
  description = "Additional interface endpoints by full service name (for example Datadog's PrivateLink services), keyed by a short name."
  type        = map(string)
  default     = {}
}

variable "endpoint_az_count" {
  description = "How many AZs get an ENI per interface endpoint. Each ENI is billed hourly; 1 halves the cost at the price of cross-AZ traffic and a single-AZ dependency."
  type        = number
  default     = 2

  validation {
    condition     = var.endpoint_az_count >= 1 && var.endpoint_az_count <= 3
    error_message = "endpoint_az_count must be between 1 and 3."
  }
}

variable "flow_log_bucket_arn" {
  description = "ARN of the S3 bucket that receives VPC flow logs."
  type        = string
}
