variable "name_prefix" {
  description = "Prefix for resource names, e.g. madoguchi-prod (ALB names allow 32 characters)."
  type        = string

  validation {
    condition     = length(var.name_prefix) <= 24
    error_message = "name_prefix must be at most 24 characters so ALB and target group names fit in 32."
  }
}

variable "vpc_id" {
  description = "VPC of the target groups."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets for the ALB, one per AZ."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the ALB."
  type        = string
}

variable "hostname" {
  description = "Public hostname of Madoguchi, e.g. support.lifestylemart.example."
  type        = string
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone that holds the hostname and the certificate validation records."
  type        = string
}

variable "access_logs_bucket" {
  description = "S3 bucket (SSE-S3) for ALB access logs."
  type        = string
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener. The default allows only TLS 1.3 and TLS 1.2 with forward secrecy."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "ssl_policy must be one of the ELBSecurityPolicy-TLS13-* policies."
  }
}

variable "deletion_protection" {
  description = "Protect the ALB against deletion."
  type        = bool
  default     = true
}

variable "container_port" {
  description = "Port the tasks listen on."
  type        = number
  default     = 8080
}

variable "waf" {
  description = "WAF settings; null disables the web ACL."
  type = object({
    rate_limit_per_5min = optional(number, 100)
    rate_limited_paths  = optional(list(string), ["/contact", "/api/v1/inquiries"])
  })
  default = {}

  validation {
    # WAF's or_statement needs at least two statements.
    condition     = var.waf == null || try(length(var.waf.rate_limited_paths) >= 2 && var.waf.rate_limit_per_5min >= 10, false)
    error_message = "waf needs at least two rate_limited_paths and a rate_limit_per_5min of 10 or more."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the WAF log group."
  type        = string
}

variable "waf_log_retention_days" {
  description = "Retention of WAF logs."
  type        = number
  default     = 30
}
