#!/usr/bin/env bash
# Deploys one madoguchi image to one ECS environment, one step per call:
#
#   preflight  check that every required variable is set
#   push       push the locally loaded image to ECR (skipped if the tag exists)
#   render     register new revisions of the services' and the migration
#              task's task definitions with the new image; remember the
#              revisions the services run now
#   migrate    run the migration task once and fail unless it exits 0
#   update     point the services at the new revisions and wait until they are
#              stable on them
#   rollback   point the services back at the remembered revisions
#
# The steps share state through files in $DEPLOY_STATE_DIR, so each can be a
# separate workflow step with its own timeout and log section.
#
# Environment (names match the GitHub environment variables):
#   AWS_REGION, ECS_CLUSTER
#   ECS_SERVICES             service names, separated by spaces or commas
#   ECR_REPOSITORY           repository name, or its full URL
#   ECR_REGISTRY             registry host (push only; from amazon-ecr-login)
#   LOCAL_IMAGE, IMAGE_TAG   the loaded image and the tag to publish
#   MIGRATE_TASK_DEFINITION  family (or ARN) of the one-off `madoguchi migrate` task
#   MIGRATE_SUBNETS          subnet ids for it, comma separated
#   MIGRATE_SECURITY_GROUP   security group id(s) for it, comma separated
#   STABLE_TIMEOUT_SECONDS   how long services may take to settle (default 600)
#   MIGRATE_TIMEOUT_SECONDS  how long the migration may run (default 900)
set -euo pipefail

state_dir=${DEPLOY_STATE_DIR:-${RUNNER_TEMP:-/tmp}/madoguchi-deploy}
mkdir -p "$state_dir"

log() { printf '%s\n' "$*" >&2; }
die() {
  printf '::error::%s\n' "$*" >&2
  exit 1
}
summary() {
  if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"; fi
}
require() {
  local name missing=()
  for name in "$@"; do
    [[ -n ${!name:-} ]] || missing+=("$name")
  done
  ((${#missing[@]} == 0)) || die "missing configuration: ${missing[*]} (set them as GitHub environment variables; see docs/delivery.md)"
}
aws_json() { aws --output json "$@"; }

# "a, b c" -> "a b c"
services() { tr ',' ' ' <<<"$ECS_SERVICES" | xargs; }

# The repository URL without tag, from ECR_REPOSITORY (name or URL).
repository_url() {
  case "$ECR_REPOSITORY" in
    */*) printf '%s\n' "$ECR_REPOSITORY" ;;
    *) printf '%s/%s\n' "${ECR_REGISTRY:?ECR_REGISTRY is required when ECR_REPOSITORY is a bare name}" "$ECR_REPOSITORY" ;;
  esac
}

cmd_preflight() {
  require AWS_REGION ECR_REPOSITORY ECS_CLUSTER ECS_SERVICES MIGRATE_TASK_DEFINITION \
    MIGRATE_SUBNETS MIGRATE_SECURITY_GROUP IMAGE_TAG LOCAL_IMAGE
  [[ $IMAGE_TAG =~ ^[0-9a-f]{40}$ ]] || die "IMAGE_TAG must be a full commit SHA, got '$IMAGE_TAG'"
  log "deploying ${IMAGE_TAG} to ${DEPLOY_ENVIRONMENT:-?}: cluster ${ECS_CLUSTER}, services $(services)"
}

cmd_push() {
  require ECR_REPOSITORY IMAGE_TAG LOCAL_IMAGE
  local url name image
  url=$(repository_url)
  name=${url#*/}
  image="${url}:${IMAGE_TAG}"
  # Tags are immutable in ECR, so a re-run of the same commit reuses the image.
  if aws ecr describe-images --repository-name "$name" --image-ids "imageTag=${IMAGE_TAG}" >/dev/null 2>&1; then
    log "${image} is already in ECR; not pushing it again"
  else
    docker tag "$LOCAL_IMAGE" "$image"
    docker push "$image"
  fi
  printf '%s\n' "$image" >"$state_dir/image"
  summary "### ${DEPLOY_ENVIRONMENT:-deploy}" "" "Image: \`${image}\`" ""
}

# register_revision SOURCE_TASK_DEFINITION IMAGE FILE_STEM -> new ARN on stdout.
# Copies the task definition and replaces the image of every container that
# comes from our repository (the Datadog sidecar keeps its own image). DD_VERSION
# and the Datadog version label become the commit in every container that has
# them, so traces, metrics and logs name the release.
register_revision() {
  local source=$1 image=$2 stem=$3 repo described rendered_file
  repo=${image%:*}
  described=$(aws_json ecs describe-task-definition --task-definition "$source")
  rendered_file="$state_dir/${stem}.json"
  jq --arg image "$image" --arg repo "$repo" --arg version "$IMAGE_TAG" '
    def repository: sub("[@:][^/]*$"; "");
    .taskDefinition
    | del(.taskDefinitionArn, .revision, .status, .requiresAttributes,
          .compatibilities, .registeredAt, .registeredBy, .deregisteredAt)
    | .containerDefinitions |= map(
        if (.image | repository) == $repo then
          .image = $image
          | .environment = ([(.environment // [])[] | select(.name != "DD_VERSION")]
                            + [{name: "DD_VERSION", value: $version}])
        elif has("environment") then
          .environment |= map(if .name == "DD_VERSION" then .value = $version else . end)
        else . end
        | if (.dockerLabels // {}) | has("com.datadoghq.tags.version") then
            .dockerLabels["com.datadoghq.tags.version"] = $version
          else . end)
  ' <<<"$described" >"$rendered_file"
  if ! jq -e --arg image "$image" 'any(.containerDefinitions[]; .image == $image)' "$rendered_file" >/dev/null; then
    die "task definition ${source} has no container from ${repo}; is ECR_REPOSITORY right?"
  fi
  aws ecs register-task-definition --cli-input-json "file://${rendered_file}" \
    --query 'taskDefinition.taskDefinitionArn' --output text
}

cmd_render() {
  require ECS_CLUSTER ECS_SERVICES MIGRATE_TASK_DEFINITION IMAGE_TAG
  [[ -s $state_dir/image ]] || die "no pushed image recorded; run 'push' first"
  local image service described current new
  image=$(<"$state_dir/image")
  : >"$state_dir/services.tsv"
  summary "| service | previous | new |" "|---|---|---|"
  for service in $(services); do
    described=$(aws_json ecs describe-services --cluster "$ECS_CLUSTER" --services "$service")
    current=$(jq -r '.services[0] | select(.status == "ACTIVE") | .taskDefinition' <<<"$described")
    [[ $current == arn:* ]] || die "service ${service} is not active in cluster ${ECS_CLUSTER}"
    new=$(register_revision "$current" "$image" "service-${service}")
    printf '%s\t%s\t%s\n' "$service" "$current" "$new" >>"$state_dir/services.tsv"
    log "${service}: ${current##*/} -> ${new##*/}"
    summary "| ${service} | ${current##*/} | ${new##*/} |"
  done
  # The family name resolves to its latest ACTIVE revision.
  new=$(register_revision "$MIGRATE_TASK_DEFINITION" "$image" migrate)
  printf '%s\n' "$new" >"$state_dir/migrate-task-definition"
  log "migration task: ${new##*/}"
  summary "| (migration task) | | ${new##*/} |" ""
}

# Prints the last lines of a stopped task's container log, when the task
# definition logs to CloudWatch and the deploy role may read it.
print_task_log() {
  local task_arn=$1 task_definition=$2 container=$3 options group prefix stream
  options=$(aws_json ecs describe-task-definition --task-definition "$task_definition" |
    jq -c --arg name "$container" '.taskDefinition.containerDefinitions[] | select(.name == $name) | .logConfiguration.options // {}')
  group=$(jq -r '.["awslogs-group"] // empty' <<<"$options")
  prefix=$(jq -r '.["awslogs-stream-prefix"] // empty' <<<"$options")
  [[ -n $group && -n $prefix ]] || return 0
  stream="${prefix}/${container}/${task_arn##*/}"
  echo "::group::last log lines of ${container} (${group} ${stream})"
  aws logs get-log-events --log-group-name "$group" --log-stream-name "$stream" \
    --limit 50 --query 'events[].message' --output text ||
    log "(could not read the log; look in CloudWatch: ${group} ${stream})"
  echo "::endgroup::"
}

cmd_migrate() {
  require ECS_CLUSTER MIGRATE_SUBNETS MIGRATE_SECURITY_GROUP
  [[ -s $state_dir/migrate-task-definition ]] || die "no migration task definition; run 'render' first"
  local task_definition image network run task_arn deadline stopped exit_code container
  task_definition=$(<"$state_dir/migrate-task-definition")
  image=$(<"$state_dir/image")
  network=$(jq -cn --arg subnets "$MIGRATE_SUBNETS" --arg groups "$MIGRATE_SECURITY_GROUP" '
    def ids: split(",") | map(gsub("\\s"; "")) | map(select(length > 0));
    {awsvpcConfiguration: {subnets: ($subnets | ids), securityGroups: ($groups | ids),
                           assignPublicIp: "DISABLED"}}')

  run=$(aws_json ecs run-task --cluster "$ECS_CLUSTER" --task-definition "$task_definition" \
    --launch-type FARGATE --count 1 --network-configuration "$network" \
    --started-by "deploy-${IMAGE_TAG:0:12}")
  if jq -e '(.failures // []) | length > 0' <<<"$run" >/dev/null; then
    jq '.failures' <<<"$run" >&2
    die "the migration task could not be started"
  fi
  task_arn=$(jq -r '.tasks[0].taskArn' <<<"$run")
  log "migration task started: ${task_arn}"

  # The waiter gives up after 10 minutes; keep waiting up to our own deadline.
  deadline=$((SECONDS + ${MIGRATE_TIMEOUT_SECONDS:-900}))
  until aws ecs wait tasks-stopped --cluster "$ECS_CLUSTER" --tasks "$task_arn"; do
    # Not stopped on purpose: killing a migration half way can leave a
    # half-applied schema. An operator decides (docs/runbook.md#database).
    ((SECONDS < deadline)) || die "migration task ${task_arn} still running after ${MIGRATE_TIMEOUT_SECONDS:-900}s; services were not updated"
    log "migration still running..."
    sleep 10
  done

  stopped=$(aws_json ecs describe-tasks --cluster "$ECS_CLUSTER" --tasks "$task_arn")
  jq -r '.tasks[0] | "stopCode=\(.stopCode // "-") stoppedReason=\(.stoppedReason // "-")",
         (.containers[] | "  container \(.name): exitCode=\(.exitCode // "none") \(.reason // "")")' <<<"$stopped" >&2
  container=$(jq -r --arg image "$image" '[.tasks[0].containers[] | select(.image == $image)][0].name // empty' <<<"$stopped")
  exit_code=$(jq -r --arg image "$image" '[.tasks[0].containers[] | select(.image == $image)][0].exitCode // "none"' <<<"$stopped")
  if [[ $exit_code != 0 ]]; then
    [[ -n $container ]] && print_task_log "$task_arn" "$task_definition" "$container"
    die "migration failed (exit code ${exit_code}); services were not updated"
  fi
  log "migrations applied"
  summary "Migrations: applied by \`${task_arn##*/}\`" ""
}

# wait_for_revisions COLUMN: waits until every service in services.tsv is
# stable and its single deployment runs the task definition in COLUMN
# (2 = previous, 3 = new).
wait_for_revisions() {
  local column=$1 deadline remaining names described bad
  mapfile -t names < <(cut -f1 "$state_dir/services.tsv")
  deadline=$((SECONDS + ${STABLE_TIMEOUT_SECONDS:-600}))
  while :; do
    remaining=$((deadline - SECONDS))
    ((remaining > 0)) || {
      log "services did not become stable within ${STABLE_TIMEOUT_SECONDS:-600}s"
      return 1
    }
    if timeout "$remaining" aws ecs wait services-stable --cluster "$ECS_CLUSTER" --services "${names[@]}"; then
      break
    fi
    sleep 5
  done
  # Stable is not enough: the circuit breaker may have settled a service back
  # on its old revision.
  described=$(aws_json ecs describe-services --cluster "$ECS_CLUSTER" --services "${names[@]}")
  bad=$(jq -r --rawfile table "$state_dir/services.tsv" --argjson column "$column" '
    ($table | split("\n") | map(select(length > 0) | split("\t") | {key: .[0], value: .[$column - 1]}) | from_entries) as $want
    | .services[]
    | select(.taskDefinition != $want[.serviceName]
             or ([.deployments[] | select(.status == "PRIMARY") | .rolloutState][0] // "COMPLETED") != "COMPLETED")
    | "\(.serviceName) runs \(.taskDefinition | split("/") | last), expected \($want[.serviceName] | split("/") | last)"
  ' <<<"$described")
  if [[ -n $bad ]]; then
    log "$bad"
    return 1
  fi
}

cmd_update() {
  require ECS_CLUSTER
  [[ -s $state_dir/services.tsv ]] || die "no task definitions registered; run 'render' first"
  local service previous new
  while IFS=$'\t' read -r service previous new; do
    aws ecs update-service --cluster "$ECS_CLUSTER" --service "$service" \
      --task-definition "$new" --query 'service.serviceName' --output text >/dev/null
    log "${service}: deploying ${new##*/} (was ${previous##*/})"
  done <"$state_dir/services.tsv"
  if ! wait_for_revisions 3; then
    die "services did not stabilise on the new revisions; rolling back"
  fi
  log "all services stable on the new revisions"
  summary "Services: stable on the new revisions" ""
}

cmd_rollback() {
  require ECS_CLUSTER
  if [[ ! -s $state_dir/services.tsv ]]; then
    log "nothing to roll back"
    return 0
  fi
  local service previous new
  while IFS=$'\t' read -r service previous new; do
    aws ecs update-service --cluster "$ECS_CLUSTER" --service "$service" \
      --task-definition "$previous" --query 'service.serviceName' --output text >/dev/null
    log "${service}: rolling back to ${previous##*/}"
  done <"$state_dir/services.tsv"
  if ! wait_for_revisions 2; then
    summary "**Rollback did not stabilise.** Follow docs/runbook.md#rollback." ""
    die "rollback did not stabilise; follow docs/runbook.md#rollback"
  fi
  summary "**Rolled back** to the previous task definitions. Migrations stay applied." ""
  log "rolled back to the previous task definitions"
}

case "${1:-}" in
  preflight | push | render | migrate | update | rollback) "cmd_$1" ;;
  *)
    log "usage: $0 preflight|push|render|migrate|update|rollback"
    exit 2
    ;;
esac
