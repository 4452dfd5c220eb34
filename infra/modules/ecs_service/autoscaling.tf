locals {
  autoscaling_enabled = var.autoscaling != null
  scale_requests      = local.autoscaling_enabled && try(var.autoscaling.requests_per_target != null && var.autoscaling.alb_resource_label != null, false)

  # Windows are given in JST (+09:00); at() takes local time without offset
  # and the action's timezone says which zone that is.
  windows = { for w in var.scheduled_windows : w.name => w }
}

resource "aws_appautoscaling_target" "this" {
  count = local.autoscaling_enabled ? 1 : 0

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  min_capacity       = var.autoscaling.min_capacity
  max_capacity       = var.autoscaling.max_capacity
}

resource "aws_appautoscaling_policy" "cpu" {
  count = local.autoscaling_enabled ? 1 : 0

  name               = "${local.family}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.cpu_target_percent
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# Request count reacts to a recall-day spike before CPU does: ALB counts
# arrive each minute, while CPU averages lag behind queued requests.
resource "aws_appautoscaling_policy" "requests" {
  count = local.scale_requests ? 1 : 0

  name               = "${local.family}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.requests_per_target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = var.autoscaling.alb_resource_label
    }
  }
}

resource "aws_appautoscaling_scheduled_action" "sale_scale_out" {
  for_each = local.autoscaling_enabled ? local.windows : {}

  name               = "${local.family}-${each.key}-scale-out"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  timezone           = "Asia/Tokyo"
  schedule           = "at(${formatdate("YYYY-MM-DD'T'hh:mm:ss", timeadd(each.value.start, "-${var.scale_out_lead_minutes}m"))})"

  scalable_target_action {
    min_capacity = each.value.min_capacity
    max_capacity = max(each.value.min_capacity, var.autoscaling.max_capacity)
  }
}

resource "aws_appautoscaling_scheduled_action" "sale_restore" {
  for_each = local.autoscaling_enabled ? local.windows : {}

  name               = "${local.family}-${each.key}-restore"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  timezone           = "Asia/Tokyo"
  schedule           = "at(${formatdate("YYYY-MM-DD'T'hh:mm:ss", each.value.end)})"

  # Only the floor is restored; target tracking scales in gradually from
  # whatever the sale needed.
  scalable_target_action {
    min_capacity = var.autoscaling.min_capacity
    max_capacity = var.autoscaling.max_capacity
  }

  # Two scheduled actions on one target cannot be written concurrently.
  depends_on = [aws_appautoscaling_scheduled_action.sale_scale_out]
}
