output "slo_ids" {
  description = "Datadog SLO IDs: availability, api-latency, screen-latency."
  value       = { for k, slo in local.slos : k => slo.id }
}
