resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

# Everything that is not a write goes to read-api (GET, HEAD, OPTIONS).
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = aws_acm_certificate_validation.this.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this["read-api"].arn
  }
}

resource "aws_lb_listener_rule" "writes" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  condition {
    http_request_method {
      values = ["POST", "PUT", "PATCH", "DELETE"]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this["command-api"].arn
  }
}

# The agent console is served whole by read-api: its pages and their form
# posts, which run commands through the same library as command-api. Its
# posts must therefore not follow the other writes to command-api.
resource "aws_lb_listener_rule" "console" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 5

  condition {
    path_pattern {
      values = ["/login", "/logout", "/console", "/console/*"]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this["read-api"].arn
  }
}

# Every role serves its Prometheus metrics at /metrics on the container
# port. The Datadog agent sidecar scrapes them at the task's own address
# (infra/modules/ecs_service/task_definition.tf), never through the load
# balancer, so the ALB answers 404 itself and never forwards these paths.
# Priority 1 puts this rule ahead of every routing rule.
resource "aws_lb_listener_rule" "metrics" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 1

  condition {
    path_pattern {
      values = ["/metrics", "/metrics/*"]
    }
  }

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "Not Found"
      status_code  = "404"
    }
  }
}
