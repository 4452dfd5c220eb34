variable "name_prefix" {
  description = "Prefix for resource names, e.g. madoguchi-prod."
  type        = string
}

variable "vpc_id" {
  description = "VPC that holds the security groups."
  type        = string
}

variable "vpc_cidr" {
  description = "VPC CIDR; tasks reach interface endpoints (and PrivateLink services) inside it."
  type        = string
}

variable "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint (ECR layers, raw mail bucket)."
  type        = string
}

variable "allow_internet_egress" {
  description = "Allow tasks HTTPS to the internet. Needed only when a NAT gateway replaces the interface endpoints."
  type        = bool
  default     = false
}

variable "container_port" {
  description = "Port every Madoguchi role listens on."
  type        = number
  default     = 8080
}
