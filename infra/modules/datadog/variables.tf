variable "env" {
  description = "Environment tag (DD_ENV): dev or prod."
  type        = string
}

variable "service" {
  description = "Datadog service name (DD_SERVICE)."
  type        = string
  default     = "madoguchi"
}

variable "alb_name" {
  description = "Name of the ALB, as tagged on Datadog's AWS integration metrics (name:<alb>)."
  type        = string
}

variable "inbound_queue_name" {
  description = "Name of the inbound mail queue (queuename tag)."
  type        = string
}

variable "db_instance_identifier" {
  description = "RDS instance identifier (dbinstanceidentifier tag)."
  type        = string
}

variable "runbook_url" {
  description = "Browsable URL of docs/runbook.md; monitors link to <runbook_url>#<anchor>."
  type        = string

  validation {
    condition     = startswith(var.runbook_url, "https://") && endswith(var.runbook_url, "docs/runbook.md")
    error_message = "runbook_url must be an https URL ending in docs/runbook.md."
  }
}

variable "notify" {
  description = "Datadog notification handles added to every monitor, e.g. [\"@slack-madoguchi-alerts\", \"@pagerduty-madoguchi\"]."
  type        = list(string)
  default     = []
}

variable "availability_target" {
  description = "Availability SLO over 30 days, in percent (5xx responses are bad events)."
  type        = number
  default     = 99.5
}

variable "latency_target" {
  description = "Share of 5-minute slices, in percent over 30 days, whose p95 must meet the latency threshold."
  type        = number
  default     = 99.5
}

variable "api_latency_p95_seconds" {
  description = "API p95 latency objective in seconds."
  type        = number
  default     = 1
}

variable "screen_latency_p95_seconds" {
  description = "Screen (HTML page) p95 latency objective in seconds."
  type        = number
  default     = 3
}

variable "apm_operation" {
  description = "Operation name of inbound HTTP server spans; its trace metrics (trace.<operation>) carry latency."
  type        = string
  default     = "http.server.request"
}

variable "api_resource_filter" {
  description = "Tag filter selecting API requests among the server spans (the JSON API lives under /api/)."
  type        = string
  default     = "resource_name:*/api/*"
}

variable "screen_resource_filter" {
  description = "Tag filter selecting screen requests: everything that is not API, health or metrics."
  type        = string
  default     = "!resource_name:*/api/*,!resource_name:*/healthz,!resource_name:*/readyz,!resource_name:*/metrics"
}

variable "projection_lag_seconds" {
  description = "Projection lag (critical) in seconds; warning fires at half."
  type        = number
  default     = 120
}

variable "inbound_queue_age_seconds" {
  description = "Age of the oldest inbound mail message (critical) in seconds."
  type        = number
  default     = 900
}

variable "inbound_rejected_percent" {
  description = "Share of inbound mails in an hour, in percent, that the parser rejected (critical); warning fires at half."
  type        = number
  default     = 10
}
