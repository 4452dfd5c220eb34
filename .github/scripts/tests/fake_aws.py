#!/usr/bin/env python3
"""A stand-in for the few `aws` CLI calls that ecs-deploy.sh makes.

State lives in $FAKE_AWS_STATE (JSON) and every call is appended to
$FAKE_AWS_LOG, so a test can assert both the outcome and what was asked.
Scenario switches (environment):
  FAKE_IMAGE_EXISTS=1       the image tag is already in ECR
  FAKE_MIGRATE_EXIT=N       exit code of the migration container (default 0)
  FAKE_CIRCUIT_BREAKER=1    ECS rolls every update back to the old revision
  FAKE_NEVER_STABLE=1       services never settle on a new revision
"""

import json
import os
import sys

STATE = os.environ["FAKE_AWS_STATE"]
LOG = os.environ["FAKE_AWS_LOG"]
REPO = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/madoguchi-dev"
ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/"


def initial_state():
    def app(name, command):
        return {
            "name": name,
            "image": f"{REPO}:0000000000000000000000000000000000000000",
            "command": command,
            "environment": [{"name": "DD_VERSION", "value": "old"}, {"name": "DD_ENV", "value": "dev"}],
            "dockerLabels": {"com.datadoghq.tags.version": "old"},
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "/madoguchi/dev", "awslogs-stream-prefix": "ecs"},
            },
        }

    sidecar = {
        "name": "datadog-agent",
        "image": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/docker-hub/datadog/agent:7",
        "environment": [{"name": "DD_VERSION", "value": "old"}],
    }
    families = {
        "madoguchi-dev-command-api": [app("app", ["command-api"]), sidecar],
        "madoguchi-dev-read-api": [app("app", ["read-api"]), sidecar],
        "madoguchi-dev-projections": [app("app", ["projections"]), sidecar],
        "madoguchi-dev-migrate": [app("migrate", ["migrate"])],
    }
    task_definitions = {}
    for family, containers in families.items():
        task_definitions[f"{ARN}{family}:1"] = {
            "taskDefinitionArn": f"{ARN}{family}:1",
            "family": family,
            "revision": 1,
            "status": "ACTIVE",
            "registeredAt": "2026-11-01T00:00:00Z",
            "compatibilities": ["EC2", "FARGATE"],
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": containers,
        }
    services = {
        name: f"{ARN}madoguchi-dev-{name}:1" for name in ("command-api", "read-api", "projections")
    }
    return {"task_definitions": task_definitions, "services": services, "tasks": {}}


def load():
    if os.path.exists(STATE):
        with open(STATE, encoding="utf-8") as f:
            return json.load(f)
    return initial_state()


def save(state):
    with open(STATE, "w", encoding="utf-8") as f:
        json.dump(state, f)


def option(args, name, many=False):
    if name not in args:
        return [] if many else None
    i = args.index(name) + 1
    if not many:
        return args[i]
    values = []
    while i < len(args) and not args[i].startswith("--"):
        values.append(args[i])
        i += 1
    return values


def resolve(state, ref):
    if ref in state["task_definitions"]:
        return state["task_definitions"][ref]
    family = ref.split("/")[-1].split(":")[0]
    revisions = [t for t in state["task_definitions"].values() if t["family"] == family]
    if not revisions:
        print(f"An error occurred (ClientException): Unable to describe task definition {ref}", file=sys.stderr)
        sys.exit(254)
    return max(revisions, key=lambda t: t["revision"])


def query(value, expression):
    for part in expression.split("."):
        value = value[part]
    return value


def emit(result, args):
    expression = option(args, "--query")
    if expression == "events[].message":
        print("\t".join(e["message"] for e in result["events"]))
        return
    if expression:
        result = query(result, expression)
    if option(args, "--output") == "text" and isinstance(result, str):
        print(result)
    else:
        print(json.dumps(result))


def main():
    args = sys.argv[1:]
    with open(LOG, "a", encoding="utf-8") as f:
        f.write(" ".join(args) + "\n")
    state = load()
    # Skip the values of global options placed before the service name.
    positional = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("--"):
            skip = a in ("--output", "--query", "--region")
            continue
        positional.append(a)
    service, command = positional[0], positional[1]
    if command == "wait":
        command = "wait " + positional[2]

    if (service, command) == ("ecr", "describe-images"):
        if os.environ.get("FAKE_IMAGE_EXISTS") == "1":
            emit({"imageDetails": [{"imageDigest": "sha256:abc"}]}, args)
            return 0
        print("An error occurred (ImageNotFoundException)", file=sys.stderr)
        return 254

    if (service, command) == ("ecs", "describe-services"):
        names = option(args, "--services", many=True)
        found = []
        for name in names:
            if name not in state["services"]:
                continue
            found.append({
                "serviceName": name,
                "status": "ACTIVE",
                "taskDefinition": state["services"][name],
                "deployments": [{"status": "PRIMARY", "taskDefinition": state["services"][name],
                                 "rolloutState": "COMPLETED"}],
            })
        emit({"services": found, "failures": []}, args)
        return 0

    if (service, command) == ("ecs", "describe-task-definition"):
        emit({"taskDefinition": resolve(state, option(args, "--task-definition"))}, args)
        return 0

    if (service, command) == ("ecs", "register-task-definition"):
        path = option(args, "--cli-input-json").removeprefix("file://")
        with open(path, encoding="utf-8") as f:
            definition = json.load(f)
        for forbidden in ("taskDefinitionArn", "revision", "status", "registeredAt", "compatibilities"):
            if forbidden in definition:
                print(f"Unknown parameter in input: \"{forbidden}\"", file=sys.stderr)
                return 252
        revision = 1 + max(t["revision"] for t in state["task_definitions"].values()
                           if t["family"] == definition["family"])
        arn = f"{ARN}{definition['family']}:{revision}"
        state["task_definitions"][arn] = {**definition, "taskDefinitionArn": arn, "revision": revision,
                                          "status": "ACTIVE"}
        save(state)
        emit({"taskDefinition": state["task_definitions"][arn]}, args)
        return 0

    if (service, command) == ("ecs", "run-task"):
        definition = resolve(state, option(args, "--task-definition"))
        network = json.loads(option(args, "--network-configuration"))
        assert network["awsvpcConfiguration"]["subnets"], "no subnets"
        arn = "arn:aws:ecs:ap-northeast-1:123456789012:task/madoguchi-dev/0123456789abcdef"
        state["tasks"][arn] = definition["taskDefinitionArn"]
        save(state)
        emit({"tasks": [{"taskArn": arn}], "failures": []}, args)
        return 0

    if (service, command) == ("ecs", "wait tasks-stopped"):
        return 0

    if (service, command) == ("ecs", "describe-tasks"):
        arn = option(args, "--tasks", many=True)[0]
        definition = state["task_definitions"][state["tasks"][arn]]
        code = int(os.environ.get("FAKE_MIGRATE_EXIT", "0"))
        containers = [{"name": c["name"], "image": c["image"], "exitCode": code}
                      for c in definition["containerDefinitions"]]
        emit({"tasks": [{"taskArn": arn, "stopCode": "EssentialContainerExited",
                         "stoppedReason": "Essential container in task exited",
                         "containers": containers}]}, args)
        return 0

    if (service, command) == ("ecs", "update-service"):
        name = option(args, "--service")
        target = option(args, "--task-definition")
        resolve(state, target)
        # The breaker puts the service back on what it ran before this test.
        rolled_back = os.environ.get("FAKE_CIRCUIT_BREAKER") == "1" and resolve(state, target)["revision"] > 1
        if not rolled_back:
            state["services"][name] = target
        save(state)
        emit({"service": {"serviceName": name}}, args)
        return 0

    if (service, command) == ("ecs", "wait services-stable"):
        # Never settles while any service runs a revision this test registered.
        on_new = any(resolve(state, arn)["revision"] > 1 for arn in state["services"].values())
        return 255 if os.environ.get("FAKE_NEVER_STABLE") == "1" and on_new else 0

    if (service, command) == ("logs", "get-log-events"):
        emit({"events": [{"message": '{"level":"ERROR","msg":"migration 0007 failed"}'}]}, args)
        return 0

    print(f"fake aws: unexpected call: {' '.join(args)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
