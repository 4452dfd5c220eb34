variable "aws_region" {
  description = "AWS region of the environment. SES email receiving must be available there."
  type        = string
  default     = "ap-northeast-1"

  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as ap-northeast-1."
  }
}

variable "availability_zones" {
  description = "Two availability zones of aws_region. In ap-northeast-1, 1b is closed to new accounts."
  type        = list(string)
  default     = ["ap-northeast-1a", "ap-northeast-1c"]

  validation {
    condition     = length(var.availability_zones) == 2 && alltrue([for az in var.availability_zones : startswith(az, var.aws_region)])
    error_message = "availability_zones must be two zones of aws_region."
  }
}

variable "aws_account_id" {
  description = "AWS account the environment lives in (the provider refuses any other)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "domain" {
  description = "Mail domain with a Route 53 public hosted zone, e.g. lifestylemart.example."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be a lowercase DNS name."
  }
}

variable "route53_zone_id" {
  description = "ID of the domain's public hosted zone."
  type        = string

  validation {
    condition     = can(regex("^Z[A-Z0-9]+$", var.route53_zone_id))
    error_message = "route53_zone_id must be a Route 53 zone ID (Z...)."
  }
}

variable "app_hostname" {
  description = "Public hostname of Madoguchi in this environment."
  type        = string
}

variable "mail_from_address" {
  description = "Sender of outbound mail (MADOGUCHI_MAIL_FROM)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+$", var.mail_from_address))
    error_message = "mail_from_address must be an email address."
  }
}

variable "inbound_address" {
  description = "Address customers reply to (MADOGUCHI_MAIL_REPLY_TO)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+$", var.inbound_address))
    error_message = "inbound_address must be an email address."
  }
}

variable "manage_inbound_mx" {
  description = "Create the MX record of the inbound address's domain (off if that domain already receives mail elsewhere)."
  type        = bool
  default     = true
}

variable "manage_dmarc_record" {
  description = "Create the domain's _dmarc record (off if it is managed elsewhere)."
  type        = bool
  default     = true
}

variable "activate_receipt_rule_set" {
  description = "Activate the SES receipt rule set (one active set per account and region)."
  type        = bool
  default     = true
}

variable "dmarc_report_address" {
  description = "Mailbox receiving DMARC aggregate reports."
  type        = string
}

variable "image_tag" {
  description = "Image tag Terraform writes into task definitions; deploys replace it with each commit SHA."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository allowed to deploy, owner/name."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the GitHub OIDC provider (false if the account already has one)."
  type        = bool
  default     = true
}

variable "alert_emails" {
  description = "Addresses for CloudWatch alarm notifications."
  type        = list(string)
  default     = []
}

variable "datadog_site" {
  description = "Datadog site, e.g. ap1.datadoghq.com."
  type        = string
  default     = "ap1.datadoghq.com"

  validation {
    condition     = can(regex("datadoghq\\.(com|eu)$|ddog-gov\\.com$", var.datadog_site))
    error_message = "datadog_site must be a Datadog site host name."
  }
}

variable "datadog_api_url" {
  description = "Datadog API URL of the site, e.g. https://api.ap1.datadoghq.com/."
  type        = string
  default     = "https://api.ap1.datadoghq.com/"
}

variable "datadog_agent_image_tag" {
  description = "Pinned Datadog agent version."
  type        = string
  default     = "7.66.1"
}

variable "datadog_notify" {
  description = "Datadog notification handles."
  type        = list(string)
  default     = []
}

variable "runbook_url" {
  description = "Browsable URL of docs/runbook.md on main."
  type        = string
}

variable "sales_windows" {
  description = "Announced sales windows that pre-scale the web roles (JST, +09:00)."
  type = list(object({
    name         = string
    start        = string
    end          = string
    min_capacity = number
  }))
  default = []
}

variable "datadog_privatelink_services" {
  description = "Datadog PrivateLink endpoint service names for the site in this region (one per intake: metrics, traces, api, ...), from Datadog's PrivateLink documentation."
  type        = map(string)

  validation {
    condition     = length(var.datadog_privatelink_services) > 0 && alltrue([for s in values(var.datadog_privatelink_services) : startswith(s, "com.amazonaws.vpce.")])
    error_message = "datadog_privatelink_services must list Datadog's com.amazonaws.vpce.* endpoint service names; prod tasks have no other route to Datadog."
  }
}
