# Multi-window burn-rate alerts (Google SRE workbook): the fast pair pages
# when 2% of the 30-day budget burns in an hour (burn rate 14.4); the slow
# pair warns when 5% burns in six hours (burn rate 6). The short window
# makes the alert clear quickly once the burning stops.
locals {
  slos = {
    availability   = datadog_service_level_objective.availability
    api-latency    = datadog_service_level_objective.api_latency
    screen-latency = datadog_service_level_objective.screen_latency
  }
  burn_windows = {
    fast = { long = "1h", short = "5m", rate = 14.4, priority = 1 }
    slow = { long = "6h", short = "30m", rate = 6, priority = 3 }
  }
  burn_alerts = merge([
    for slo_key, slo in local.slos : {
      for w_key, w in local.burn_windows : "${slo_key}-${w_key}" => {
        slo_id   = slo.id
        slo_name = slo.name
        window   = w
        speed    = w_key
      }
    }
  ]...)
  notify = join(" ", var.notify)
}

resource "datadog_monitor" "burn_rate" {
  for_each = local.burn_alerts

  name     = "[${var.env}] ${each.value.slo_name}: ${each.value.speed} error-budget burn"
  type     = "slo alert"
  priority = each.value.window.priority
  query    = "burn_rate(\"${each.value.slo_id}\").over(\"30d\").long_window(\"${each.value.window.long}\").short_window(\"${each.value.window.short}\") > ${each.value.window.rate}"

  message = <<-EOT
    The error budget of "${each.value.slo_name}" is burning ${each.value.window.rate}x faster than sustainable (${each.value.window.long} and ${each.value.window.short} windows).
    If a deploy just happened, roll back first: ${var.runbook_url}#rollback
    Runbook: ${var.runbook_url}#error-budget-burn
    ${local.notify}
  EOT

  monitor_thresholds {
    critical = each.value.window.rate
  }

  tags = local.tags
}
