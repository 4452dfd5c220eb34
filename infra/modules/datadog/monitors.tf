resource "datadog_monitor" "projection_lag" {
  name     = "[${var.env}] Madoguchi projection lag on {{projection.name}}"
  type     = "metric alert"
  priority = 2
  query    = "max(last_5m):max:madoguchi.projection.lag_seconds{${local.scope}} by {projection} > ${var.projection_lag_seconds}"

  message = <<-EOT
    Projection {{projection.name}} is {{value}}s behind the event store; agents see stale screens.
    Runbook: ${var.runbook_url}#projection-lag
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = var.projection_lag_seconds
    warning  = var.projection_lag_seconds / 2
  }

  notify_no_data    = true
  no_data_timeframe = 10
  renotify_interval = 30
  tags              = local.tags
}

resource "datadog_monitor" "projection_halted" {
  name     = "[${var.env}] Madoguchi projection halted: {{projection.name}}"
  type     = "metric alert"
  priority = 1
  query    = "max(last_5m):max:madoguchi.projection.halted{${local.scope}} by {projection} >= 1"

  message = <<-EOT
    Projection {{projection.name}} stopped on an event it cannot apply and will not retry by itself.
    Runbook: ${var.runbook_url}#projection-halted
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = 1
  }

  renotify_interval = 30
  tags              = local.tags
}

resource "datadog_monitor" "mail_failures" {
  name     = "[${var.env}] Madoguchi outbound mail failures"
  type     = "metric alert"
  priority = 2
  query    = "sum(last_15m):sum:madoguchi.mail.failed{${local.scope}}.as_count() > 5"

  message = <<-EOT
    {{value}} outbound mails failed in 15 minutes (SES errors, rejects or exhausted retries). Customers may be missing replies.
    Runbook: ${var.runbook_url}#mail-failures
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = 5
    warning  = 1
  }

  require_full_window = false
  tags                = local.tags
}

resource "datadog_monitor" "sla_breach" {
  name     = "[${var.env}] Madoguchi inquiry SLA breached"
  type     = "metric alert"
  priority = 3
  query    = "sum(last_30m):sum:madoguchi.sla.breached{${local.scope}}.as_count() > 0"

  message = <<-EOT
    {{value}} inquiries passed their response deadline in the last 30 minutes.
    Runbook: ${var.runbook_url}#sla-breach
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = 0
  }

  require_full_window = false
  tags                = local.tags
}

resource "datadog_monitor" "inbound_queue_age" {
  name     = "[${var.env}] Madoguchi inbound mail queue is backing up"
  type     = "metric alert"
  priority = 2
  query    = "max(last_10m):max:aws.sqs.approximate_age_of_oldest_message{queuename:${lower(var.inbound_queue_name)}} > ${var.inbound_queue_age_seconds}"

  message = <<-EOT
    The oldest inbound mail has waited {{value}}s: mail-ingest is down or failing. Customer replies are not reaching tickets.
    Runbook: ${var.runbook_url}#inbound-queue-age
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = var.inbound_queue_age_seconds
    warning  = var.inbound_queue_age_seconds / 3
  }

  # AWS integration metrics arrive with a delay; evaluate settled data only.
  evaluation_delay = 900
  tags             = local.tags
}

resource "datadog_monitor" "database" {
  name     = "[${var.env}] Madoguchi database CPU high"
  type     = "metric alert"
  priority = 2
  query    = "avg(last_15m):avg:aws.rds.cpuutilization{dbinstanceidentifier:${var.db_instance_identifier}} > 85"

  message = <<-EOT
    RDS ${var.db_instance_identifier} CPU is {{value}}%.
    Runbook: ${var.runbook_url}#database
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = 85
    warning  = 70
  }

  evaluation_delay = 900
  tags             = local.tags
}
