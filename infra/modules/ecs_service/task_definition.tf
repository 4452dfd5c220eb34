locals {
  family         = "${var.name_prefix}-${var.role}"
  log_group_name = "/ecs/${var.name_prefix}/${var.role}"
  region         = data.aws_region.current.name

  # Unified service tagging: the same env/service/version on traces, metrics
  # and logs. The agent listens on localhost inside the task.
  app_environment = merge(
    {
      MADOGUCHI_BIND       = "0.0.0.0:${var.container_port}"
      MADOGUCHI_LOG_FORMAT = "json"
      DD_ENV               = var.datadog.env
      DD_SERVICE           = var.datadog.service
      DD_VERSION           = var.datadog.version
      DD_TAGS              = "role:${var.role}"
      DD_AGENT_HOST        = "127.0.0.1"
      DD_TRACE_AGENT_URL   = "http://127.0.0.1:8126"
      DD_DOGSTATSD_PORT    = "8125"
    },
    var.environment,
  )

  # The app serves Prometheus text at GET /metrics in every role; the agent
  # sidecar scrapes it with its OpenMetrics (v2) check, configured by the
  # autodiscovery label on the app container below.
  #
  # Why the names are mapped: Prometheus names use underscores
  # (madoguchi_projection_lag_seconds), while the Datadog monitors in
  # infra/modules/datadog query dotted names under the namespace
  # (madoguchi.projection.lag_seconds). The check prepends "madoguchi." to
  # each right-hand side; a metric missing from this map is not collected.
  # Rename one here only together with the monitors that read it.
  #   - Counters are keyed without "_total" (the check's parser drops the
  #     suffix) and arrive as monotonic counts named <name>.count.
  #   - The latency histogram arrives as a distribution (its buckets) plus
  #     monotonic counts <name>.sum and <name>.count.
  #   - Labels become tags unchanged: projection, status, kind, outcome,
  #     route, method (bucket bounds become lower_bound/upper_bound).
  openmetrics_metrics = {
    madoguchi_event_log_head                = "event_log.head"
    madoguchi_projection_position           = "projection.position"
    madoguchi_projection_lag_events         = "projection.lag_events"
    madoguchi_projection_lag_seconds        = "projection.lag_seconds"
    madoguchi_projection_halted             = "projection.halted"
    madoguchi_mail_outbox                   = "mail.outbox"
    madoguchi_mail_retrying                 = "mail.retrying"
    madoguchi_sla_breached_open             = "sla.breached_open"
    madoguchi_http_requests                 = "http.requests"
    madoguchi_http_request_duration_seconds = "http.request_duration_seconds"
    madoguchi_events_appended               = "events.appended"
    madoguchi_mail_inbound                  = "mail.inbound"
  }

  openmetrics_check = {
    openmetrics = {
      init_config = {}
      instances = [{
        # %%host%% is the task's own address; the agent shares the task.
        openmetrics_endpoint                = "http://%%host%%:${var.container_port}/metrics"
        namespace                           = "madoguchi"
        metrics                             = [local.openmetrics_metrics]
        histogram_buckets_as_distributions  = true
        collect_counters_with_distributions = true
        # Fargate metrics carry no hostname, so the endpoint tag (the task's
        # address) is what keeps two tasks' counters apart instead of one
        # overwriting the other. The database-derived gauges are the same in
        # every task: the monitors take their max.
        tag_by_endpoint = true
        tags            = ["role:${var.role}"]
      }]
    }
  }

  log_options = {
    awslogs-group  = local.log_group_name
    awslogs-region = local.region
    # Never block the app on a slow log pipe; a full buffer drops lines instead.
    mode            = "non-blocking"
    max-buffer-size = "4m"
  }

  app_container = {
    name      = "app"
    image     = var.image
    essential = true
    command   = var.command
    # distroless "nonroot" user; the image has no shell and no package manager.
    user                   = "65532:65532"
    readonlyRootFilesystem = true
    portMappings = [{
      containerPort = var.container_port
      protocol      = "tcp"
    }]
    environment = [for k in sort(keys(local.app_environment)) : { name = k, value = local.app_environment[k] }]
    secrets     = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]
    mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    linuxParameters = {
      initProcessEnabled = true
      capabilities       = { drop = ["ALL"] }
    }
    # The runtime image has no curl; the binary probes its own /healthz.
    healthCheck = {
      command     = ["CMD", "/usr/local/bin/madoguchi", "healthcheck"]
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 30
    }
    stopTimeout = 30
    dependsOn   = [{ containerName = "datadog-agent", condition = "START" }]
    dockerLabels = {
      "com.datadoghq.tags.env"     = var.datadog.env
      "com.datadoghq.tags.service" = var.datadog.service
      "com.datadoghq.tags.version" = var.datadog.version
      # Autodiscovery check template (agent 7.36+): scrape /metrics.
      "com.datadoghq.ad.checks" = jsonencode(local.openmetrics_check)
    }
    logConfiguration = {
      logDriver = "awslogs"
      options   = merge(local.log_options, { awslogs-stream-prefix = "app" })
    }
  }

  # Not essential: if the agent dies the app keeps serving customers and
  # only telemetry is lost (the Datadog monitors then report no data).
  datadog_container = {
    name              = "datadog-agent"
    image             = var.datadog.agent_image
    essential         = false
    memoryReservation = 128
    environment = [
      { name = "DD_SITE", value = var.datadog.site },
      { name = "ECS_FARGATE", value = "true" },
      { name = "DD_APM_ENABLED", value = "true" },
      { name = "DD_DOGSTATSD_NON_LOCAL_TRAFFIC", value = "false" },
      { name = "DD_PROCESS_AGENT_ENABLED", value = "false" },
      { name = "DD_LOGS_ENABLED", value = "false" },
      { name = "DD_ENV", value = var.datadog.env },
      { name = "DD_SERVICE", value = var.datadog.service },
      { name = "DD_VERSION", value = var.datadog.version },
      { name = "DD_TAGS", value = "role:${var.role}" },
    ]
    secrets = [{ name = "DD_API_KEY", valueFrom = var.datadog.api_key_secret_arn }]
    healthCheck = {
      command     = ["CMD", "agent", "health"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 15
    }
    logConfiguration = {
      logDriver = "awslogs"
      options   = merge(local.log_options, { awslogs-stream-prefix = "datadog" })
    }
  }
}

data "aws_region" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_task_definition" "this" {
  # checkov:skip=CKV_AWS_336:The app container has a read-only root filesystem; the vendor Datadog agent writes its runtime state under /etc and /opt and cannot.
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  # 0.25 vCPU / 512 MiB per task: the load tests under perf/ saturate one
  # task well above the recall-day peak of 0.8 req/s (the measured figure is
  # recorded in docs/), so scaling out adds small tasks instead of paying
  # for idle large ones.
  cpu                = var.cpu
  memory             = var.memory
  task_role_arn      = var.task_role_arn
  execution_role_arn = var.execution_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Writable scratch space for the read-only root filesystem.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([local.app_container, local.datadog_container])
}
