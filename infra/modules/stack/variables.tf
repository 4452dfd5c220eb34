# Inputs of one Madoguchi environment. envs/dev and envs/prod set the
# policy-level values (sizes, redundancy) in their main.tf and take the
# deployment-specific ones (domain, zone, repository) from terraform.tfvars.

variable "environment" {
  description = "Environment name, used in resource names and tags."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

# --- network -----------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones (two or three) for subnets, tasks and the database standby."
  type        = list(string)
}

variable "enable_nat_gateway" {
  description = "Give private subnets internet egress through one NAT gateway."
  type        = bool

  validation {
    # Tasks must reach AWS APIs and the Datadog intake one way or the other.
    condition     = var.enable_nat_gateway || (length(var.interface_endpoint_services) > 0 && length(var.datadog_privatelink_services) > 0)
    error_message = "Without a NAT gateway, interface_endpoint_services and datadog_privatelink_services must both be set."
  }
}

variable "interface_endpoint_services" {
  description = "AWS services reached through interface endpoints (suffix of com.amazonaws.<region>.<service>)."
  type        = list(string)
  default     = []
}

variable "endpoint_az_count" {
  description = "AZs that get an ENI for each interface endpoint."
  type        = number
  default     = 2
}

variable "datadog_privatelink_services" {
  description = "Datadog PrivateLink endpoint service names for the site and region (metrics, traces, api, ...), keyed by short name."
  type        = map(string)
  default     = {}
}

# --- DNS and mail ------------------------------------------------------

variable "domain" {
  description = "Mail domain of LifestyleMart (SES identity, DKIM, DMARC)."
  type        = string
}

variable "route53_zone_id" {
  description = "Public hosted zone of the domain."
  type        = string
}

variable "app_hostname" {
  description = "Public hostname of Madoguchi (ACM certificate and ALB alias)."
  type        = string

  validation {
    condition     = endswith(var.app_hostname, var.domain)
    error_message = "app_hostname must be inside the domain's hosted zone."
  }
}

variable "mail_from_address" {
  description = "Sender address of outbound mail (MADOGUCHI_MAIL_FROM)."
  type        = string

  validation {
    condition     = endswith(var.mail_from_address, "@${var.domain}")
    error_message = "mail_from_address must be an address at the SES identity's domain."
  }
}

variable "inbound_address" {
  description = "Address customers reply to (MADOGUCHI_MAIL_REPLY_TO), received by SES."
  type        = string
}

variable "manage_inbound_mx" {
  description = "Create the MX record routing the inbound address's domain to SES."
  type        = bool
  default     = true
}

variable "manage_dmarc_record" {
  description = "Create the domain's _dmarc TXT record."
  type        = bool
  default     = true
}

variable "activate_receipt_rule_set" {
  description = "Activate this environment's receipt rule set (one active set per account and region)."
  type        = bool
  default     = true
}

variable "dmarc_policy" {
  description = "DMARC policy (p=)."
  type        = string
}

variable "dmarc_report_address" {
  description = "Mailbox for DMARC aggregate reports."
  type        = string
}

variable "raw_mail_retention_days" {
  description = "Days raw inbound mail is kept in S3."
  type        = number
  default     = 400
}

variable "event_archive_retention_days" {
  description = "Days the EventBridge archive keeps events."
  type        = number
  default     = 90
}

# --- compute -----------------------------------------------------------

variable "ecr_repository_name" {
  description = "Name of the application image repository."
  type        = string
  default     = "madoguchi"
}

variable "image_tag" {
  description = "Image tag (commit SHA) in task definitions Terraform registers. Deploys register their own revisions; see docs/infrastructure.md."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,128}$", var.image_tag))
    error_message = "image_tag must be a valid image tag."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the image (X86_64 or ARM64)."
  type        = string
  default     = "X86_64"
}

variable "web_capacity" {
  description = "Task count bounds of the two web roles (command-api, read-api)."
  type = map(object({
    min = number
    max = number
  }))

  validation {
    condition     = alltrue([for r in ["command-api", "read-api"] : contains(keys(var.web_capacity), r)])
    error_message = "web_capacity needs entries for command-api and read-api."
  }

  validation {
    condition     = alltrue([for c in values(var.web_capacity) : c.min >= 1 && c.max >= c.min])
    error_message = "Each web role needs min >= 1 (always at least one task) and max >= min."
  }
}

variable "requests_per_target" {
  description = "ALBRequestCountPerTarget target (requests per task per minute)."
  type        = number
  default     = 300
}

variable "cpu_target_percent" {
  description = "Average CPU the web roles are scaled to hold."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 20 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 20 and 90."
  }
}

variable "projections_count" {
  description = "Projection worker tasks. 1 normally; 2 is safe because workers hold leases."
  type        = number
  default     = 1

  validation {
    condition     = var.projections_count >= 1 && var.projections_count <= 2
    error_message = "projections_count must be 1 or 2."
  }
}

variable "projections_use_spot" {
  description = "Run projections on Fargate Spot (dev only: a reclaimed task pauses mail and read models for a minute or two)."
  type        = bool
  default     = false

  validation {
    condition     = !(var.projections_use_spot && var.environment == "prod")
    error_message = "Fargate Spot is not allowed for projections in prod."
  }
}

variable "sales_windows" {
  description = "Announced sales windows. Before each, the web roles' minimum capacity is raised to min_capacity. Times are RFC 3339 with +09:00; remove past windows."
  type = list(object({
    name         = string
    start        = string
    end          = string
    min_capacity = number
  }))
  default = []

  validation {
    condition     = alltrue([for w in var.sales_windows : can(regex("^[a-z0-9-]{1,40}$", w.name))])
    error_message = "Sales window names must be 1-40 lowercase letters, digits or hyphens."
  }

  validation {
    condition     = alltrue([for w in var.sales_windows : endswith(w.start, "+09:00") && endswith(w.end, "+09:00") && can(timecmp(w.start, w.end))])
    error_message = "Sales window start and end must be RFC 3339 timestamps in JST, e.g. 2026-11-20T09:00:00+09:00."
  }

  validation {
    condition     = alltrue([for w in var.sales_windows : can(timecmp(w.start, w.end)) ? timecmp(w.start, w.end) < 0 : false])
    error_message = "Each sales window must end after it starts."
  }

  validation {
    condition     = length(distinct([for w in var.sales_windows : w.name])) == length(var.sales_windows)
    error_message = "Sales window names must be unique."
  }
}

variable "scale_out_lead_minutes" {
  description = "Minutes before a sales window starts that capacity is raised."
  type        = number
  default     = 30
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into service tasks."
  type        = bool
  default     = false
}

# --- database ----------------------------------------------------------

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "db_multi_az" {
  description = "Multi-AZ RDS deployment."
  type        = bool

  validation {
    condition     = var.db_multi_az || var.environment != "prod"
    error_message = "prod must run the database Multi-AZ."
  }
}

variable "db_backup_retention_days" {
  description = "Automated backup retention in days (>= 7)."
  type        = number
  default     = 14
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 100
}

# --- edge --------------------------------------------------------------

variable "alb_deletion_protection" {
  description = "Protect the ALB against deletion."
  type        = bool
  default     = true
}

variable "waf_rate_limit_per_5min" {
  description = "Requests per client IP per 5 minutes to /contact and /api/v1/inquiries before WAF blocks; null disables WAF."
  type        = number
  default     = 100
}

# --- observability -----------------------------------------------------

variable "alert_emails" {
  description = "Addresses subscribed to CloudWatch alarm notifications."
  type        = list(string)
  default     = []
}

variable "datadog_site" {
  description = "Datadog site the agent sends to, e.g. ap1.datadoghq.com."
  type        = string
}

variable "datadog_agent_image_tag" {
  description = "Datadog agent image tag, pinned so agent upgrades are reviewed."
  type        = string
}

variable "enable_datadog_monitors" {
  description = "Manage the Datadog SLOs and monitors of this environment."
  type        = bool
  default     = true
}

variable "datadog_notify" {
  description = "Datadog notification handles for monitors."
  type        = list(string)
  default     = []
}

variable "runbook_url" {
  description = "Browsable URL of docs/runbook.md on the main branch."
  type        = string
}

# --- delivery ----------------------------------------------------------

variable "github_repository" {
  description = "GitHub repository (owner/name) allowed to deploy."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false if it already exists)."
  type        = bool
  default     = true
}
