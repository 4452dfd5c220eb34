# The madoguchi.* metrics here come from the app's GET /metrics through the
# agent's OpenMetrics check, which maps the Prometheus names to these dotted
# ones (infra/modules/ecs_service/task_definition.tf). Every task reports the
# database-derived gauges (projection.*, mail.outbox, mail.retrying,
# sla.breached_open) with the same value, so they are aggregated with max.

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

# mail.outbox{status:failed} counts outbox rows that failed for good (a
# permanent SES error or attempts exhausted); rows stay failed, so the
# monitor alerts on its growth.
resource "datadog_monitor" "mail_failures" {
  name     = "[${var.env}] Madoguchi outbound mail failed permanently"
  type     = "metric alert"
  priority = 2
  query    = "change(max(last_15m),last_15m):max:madoguchi.mail.outbox{${local.scope},status:failed} > 5"

  message = <<-EOT
    {{value}} more outbound mails failed permanently in 15 minutes (SES rejected them or retries ran out). Customers are missing replies.
    Runbook: ${var.runbook_url}#mail-failures
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = 5
    warning  = 0
  }

  require_full_window = false
  tags                = local.tags
}

resource "datadog_monitor" "mail_retrying" {
  name     = "[${var.env}] Madoguchi outbound mail stuck in retries"
  type     = "metric alert"
  priority = 2
  query    = "min(last_30m):max:madoguchi.mail.retrying{${local.scope}} > 5"

  message = <<-EOT
    Outbound mails that failed to send have been waiting for a retry for 30 minutes (at least {{value}} throughout): sending to SES keeps failing. Replies are delayed, and fail for good when their attempts run out.
    Runbook: ${var.runbook_url}#mail-retrying
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = 5
    warning  = 0
  }

  tags = local.tags
}

resource "datadog_monitor" "sla_breach" {
  name     = "[${var.env}] Madoguchi inquiries past their {{kind.name}} target"
  type     = "metric alert"
  priority = 3
  query    = "max(last_5m):max:madoguchi.sla.breached_open{${local.scope}} by {kind} > 0"

  message = <<-EOT
    {{value}} open inquiries are past their {{kind.name}} target. The alert clears when they are answered or closed.
    Runbook: ${var.runbook_url}#sla-breach
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = 0
  }

  tags = local.tags
}

# Rejected: a mail the parser cannot read (its raw copy is kept). Inbound
# counters come from the mail worker in the projections task.
resource "datadog_monitor" "inbound_rejected" {
  name     = "[${var.env}] Madoguchi inbound mail rejected"
  type     = "metric alert"
  priority = 2
  query    = "sum(last_1h):(sum:madoguchi.mail.inbound.count{${local.scope},outcome:rejected}.as_count() / sum:madoguchi.mail.inbound.count{${local.scope}}.as_count()) * 100 > ${var.inbound_rejected_percent}"

  message = <<-EOT
    {{value}}% of inbound mails in the last hour could not be read and reached no ticket.
    Runbook: ${var.runbook_url}#inbound-mail-rejected
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = var.inbound_rejected_percent
    warning  = var.inbound_rejected_percent / 2
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
