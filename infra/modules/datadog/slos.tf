locals {
  scope          = "env:${var.env},service:${var.service}"
  alb_scope      = "name:${lower(var.alb_name)}"
  tags           = ["service:${var.service}", "env:${var.env}", "team:customer-support", "managed-by:terraform"]
  latency_metric = "trace.${var.apm_operation}"
}

# Availability measured at the ALB, so requests that never reached a task
# (ELB 5xx: no healthy target, timeouts) count against us too.
resource "datadog_service_level_objective" "availability" {
  name        = "Madoguchi ${var.env}: availability"
  type        = "metric"
  description = "Share of requests not answered with 5xx, over 30 days. Runbook: ${var.runbook_url}#error-budget-burn"

  query {
    numerator   = "sum:aws.applicationelb.request_count{${local.alb_scope}}.as_count() - sum:aws.applicationelb.httpcode_target_5xx{${local.alb_scope}}.as_count() - sum:aws.applicationelb.httpcode_elb_5xx{${local.alb_scope}}.as_count()"
    denominator = "sum:aws.applicationelb.request_count{${local.alb_scope}}.as_count()"
  }

  thresholds {
    timeframe = "30d"
    target    = var.availability_target
    warning   = min(var.availability_target + 0.2, 99.99)
  }

  timeframe        = "30d"
  target_threshold = var.availability_target
  tags             = local.tags
}

# Latency objectives are time-slice SLOs: a 5-minute slice is good when its
# p95 meets the threshold. APM trace metrics are distributions, so the
# percentile is exact across tasks.
resource "datadog_service_level_objective" "api_latency" {
  name        = "Madoguchi ${var.env}: API p95 <= ${var.api_latency_p95_seconds}s"
  type        = "time_slice"
  description = "JSON API requests answered within ${var.api_latency_p95_seconds}s at p95. Runbook: ${var.runbook_url}#error-budget-burn"

  sli_specification {
    time_slice {
      query {
        formula {
          formula_expression = "query1"
        }
        query {
          metric_query {
            name  = "query1"
            query = "p95:${local.latency_metric}{${local.scope},${var.api_resource_filter}}"
          }
        }
      }
      comparator             = "<="
      threshold              = var.api_latency_p95_seconds
      query_interval_seconds = 300
    }
  }

  thresholds {
    timeframe = "30d"
    target    = var.latency_target
  }

  timeframe        = "30d"
  target_threshold = var.latency_target
  tags             = local.tags
}

resource "datadog_service_level_objective" "screen_latency" {
  name        = "Madoguchi ${var.env}: screens p95 <= ${var.screen_latency_p95_seconds}s"
  type        = "time_slice"
  description = "HTML screens answered within ${var.screen_latency_p95_seconds}s at p95. Runbook: ${var.runbook_url}#error-budget-burn"

  sli_specification {
    time_slice {
      query {
        formula {
          formula_expression = "query1"
        }
        query {
          metric_query {
            name  = "query1"
            query = "p95:${local.latency_metric}{${local.scope},${var.screen_resource_filter}}"
          }
        }
      }
      comparator             = "<="
      threshold              = var.screen_latency_p95_seconds
      query_interval_seconds = 300
    }
  }

  thresholds {
    timeframe = "30d"
    target    = var.latency_target
  }

  timeframe        = "30d"
  target_threshold = var.latency_target
  tags             = local.tags
}
