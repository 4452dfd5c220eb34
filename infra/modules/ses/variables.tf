variable "name_prefix" {
  description = "Prefix for resource names, e.g. madoguchi-prod."
  type        = string
}

variable "domain" {
  description = "Sending domain verified in SES (the domain of MADOGUCHI_MAIL_FROM)."
  type        = string
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of the domain; DKIM, MAIL FROM, DMARC and MX records go there."
  type        = string
}

variable "mail_from_subdomain" {
  description = "Subdomain used as the custom MAIL FROM (envelope sender), so SPF aligns with our domain."
  type        = string
  default     = "bounce"
}

variable "dmarc_policy" {
  description = "DMARC policy: none while monitoring (dev), quarantine in prod."
  type        = string

  validation {
    condition     = contains(["none", "quarantine", "reject"], var.dmarc_policy)
    error_message = "dmarc_policy must be none, quarantine or reject."
  }
}

variable "dmarc_report_address" {
  description = "Mailbox for DMARC aggregate reports (rua)."
  type        = string
}

variable "manage_dmarc_record" {
  description = "Create the _dmarc TXT record. Turn off when the domain's DMARC record is managed elsewhere (one per domain)."
  type        = bool
  default     = true
}

variable "inbound_address" {
  description = "Address customers reply to (MADOGUCHI_MAIL_REPLY_TO); the receipt rule matches it."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.inbound_address))
    error_message = "inbound_address must be an email address."
  }
}

variable "manage_inbound_mx" {
  description = "Create the MX record that routes the inbound address's domain to SES. Off when that domain's mail is routed elsewhere (then forward to SES)."
  type        = bool
  default     = true
}

variable "receipt_rule_set_name" {
  description = "Name of the receipt rule set."
  type        = string
}

variable "receipt_rule_name" {
  description = "Name of the receipt rule for the inbound address."
  type        = string
}

variable "activate_receipt_rule_set" {
  description = "Make the rule set the active one. A region has one active rule set per account, so only one environment per account may do this."
  type        = bool
  default     = true
}

variable "raw_mail_bucket_name" {
  description = "Bucket the raw messages are stored in."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the SNS topics and SQS queues."
  type        = string
}

variable "queue_visibility_timeout_seconds" {
  description = "How long a received message stays hidden while mail-ingest parses it."
  type        = number
  default     = 120
}

variable "max_receive_count" {
  description = "Receives before a message that keeps failing moves to the dead-letter queue."
  type        = number
  default     = 5
}
