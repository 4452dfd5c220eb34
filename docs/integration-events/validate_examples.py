#!/usr/bin/env python3
"""Checks the integration-event examples against their JSON Schemas.

Standard library only. Implements the subset of JSON Schema (draft 2020-12)
that the schemas in this folder use, and refuses any schema keyword outside
it, so a schema can never be "checked" by a keyword this script ignores.

    python3 docs/integration-events/validate_examples.py

For every `<detail-type>.v1.schema.json` it checks:

  * the schema follows the contract rules (closed object, the common fields
    required, schema_version const "1", no personal-data field names);
  * `examples/<detail-type>.v1.json` validates;
  * mutated copies of the example are rejected: an extra personal-data
    field, each required field removed in turn, a malformed event_id.

Prints one line per check and `N passed, M failed` last; exits 1 on any
failure.
"""

import copy
import datetime
import json
import math
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLES = HERE / "examples"

COMMON_FIELDS = [
    "schema_version",
    "event_id",
    "ticket_id",
    "inquiry_number",
    "position",
    "occurred_at",
]

# Field names that would mean personal data in a detail. Matched as
# substrings of property names, case-insensitively.
PERSONAL_DATA_NAMES = [
    "name",
    "email",
    "mail_address",
    "address",
    "phone",
    "subject",
    "body",
    "order_number",
    "customer",
    "attachment_key",
    "storage_key",
    "filename",
]

ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "examples"}
ASSERTIONS = {
    "type",
    "required",
    "properties",
    "additionalProperties",
    "enum",
    "const",
    "format",
    "minimum",
    "pattern",
}

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# RFC 3339 date-time (section 5.6), with a numeric offset or Z.
DATE_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


class SchemaError(Exception):
    """The schema itself uses something this validator does not implement."""


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if math.isfinite(value) and value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {value!r}")


def has_type(value, expected):
    actual = json_type(value)
    return actual == expected or (expected == "number" and actual == "integer")


def json_equal(a, b):
    """Equality as JSON Schema defines it: 1 == 1.0, but true != 1."""
    ta, tb = json_type(a), json_type(b)
    numeric = {"integer", "number"}
    if ta in numeric and tb in numeric:
        return a == b
    if ta != tb:
        return False
    if ta == "array":
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if ta == "object":
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return a == b


def valid_date_time(text):
    match = DATE_TIME_RE.match(text)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    # A leap second (:60) is legal RFC 3339; nothing here produces one.
    if hour > 23 or minute > 59 or second > 60:
        return False
    offset = match.group(8)
    if offset not in ("Z", "z"):
        oh, om = int(offset[1:3]), int(offset[4:6])
        if oh > 23 or om > 59:
            return False
    return True


FORMATS = {
    "uuid": lambda s: bool(UUID_RE.match(s)),
    "date-time": valid_date_time,
}


def validate(instance, schema, path="$"):
    """Returns a list of error strings; empty means valid."""
    if schema is True:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    if not isinstance(schema, dict):
        raise SchemaError(f"{path}: a schema must be an object or a boolean")
    unknown = set(schema) - ANNOTATIONS - ASSERTIONS
    if unknown:
        raise SchemaError(f"{path}: unsupported keywords {sorted(unknown)}")

    errors = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(has_type(instance, t) for t in types):
            errors.append(f"{path}: expected {' or '.join(types)}, got {json_type(instance)}")
            return errors  # the other keywords would only repeat the point
    if "const" in schema and not json_equal(instance, schema["const"]):
        errors.append(f"{path}: must be {json.dumps(schema['const'], ensure_ascii=False)}")
    if "enum" in schema and not any(json_equal(instance, v) for v in schema["enum"]):
        errors.append(
            f"{path}: {json.dumps(instance, ensure_ascii=False)} is not one of "
            f"{json.dumps(schema['enum'], ensure_ascii=False)}"
        )
    if "minimum" in schema and json_type(instance) in ("integer", "number"):
        if instance < schema["minimum"]:
            errors.append(f"{path}: {instance} is below the minimum {schema['minimum']}")
    if isinstance(instance, str):
        if "format" in schema:
            check = FORMATS.get(schema["format"])
            if check is None:
                raise SchemaError(f"{path}: unsupported format {schema['format']!r}")
            if not check(instance):
                errors.append(f"{path}: {instance!r} is not a valid {schema['format']}")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{path}: {instance!r} does not match {schema['pattern']!r}")
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            if name not in instance:
                errors.append(f"{path}: missing required property {name!r}")
        properties = schema.get("properties", {})
        for name, value in instance.items():
            if name in properties:
                errors.extend(validate(value, properties[name], f"{path}.{name}"))
            elif "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    errors.append(f"{path}: unexpected property {name!r}")
                else:
                    errors.extend(validate(value, extra, f"{path}.{name}"))
    return errors


def load_json(path):
    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen[key] = value
        return seen

    with path.open(encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=no_duplicates)


def contract_problems(detail_type, schema):
    """The rules every detail schema in this folder must follow."""
    problems = []
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        problems.append("$schema is not draft 2020-12")
    if schema.get("$id") != f"urn:lifestylemart:madoguchi:{detail_type}:v1":
        problems.append(f"$id is not urn:lifestylemart:madoguchi:{detail_type}:v1")
    if schema.get("type") != "object":
        problems.append("type is not object")
    if schema.get("additionalProperties") is not False:
        problems.append("additionalProperties is not false")
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    for field in COMMON_FIELDS:
        if field not in properties or field not in required:
            problems.append(f"common field {field!r} is not a required property")
    if properties.get("schema_version", {}).get("const") != "1":
        problems.append("schema_version is not const \"1\"")
    for name in required:
        if name not in properties:
            problems.append(f"required {name!r} has no property schema")
    for name in properties:
        lowered = name.lower()
        hits = [word for word in PERSONAL_DATA_NAMES if word in lowered]
        if hits:
            problems.append(f"property {name!r} looks like personal data ({', '.join(hits)})")
    return problems


def main():
    results = []  # (ok, label, detail)

    def check(label, ok, detail=""):
        results.append((ok, label, detail))
        print(f"{'PASS' if ok else 'FAIL'}  {label}{'' if ok or not detail else ': ' + detail}")

    schema_paths = sorted(HERE.glob("*.v1.schema.json"))
    detail_types = [p.name[: -len(".v1.schema.json")] for p in schema_paths]
    example_types = sorted(p.name[: -len(".v1.json")] for p in EXAMPLES.glob("*.v1.json"))

    check("schemas found", bool(schema_paths), f"no *.v1.schema.json in {HERE}")
    missing = sorted(set(detail_types) - set(example_types))
    orphans = sorted(set(example_types) - set(detail_types))
    check("every schema has an example", not missing, f"no example for {missing}")
    check("every example has a schema", not orphans, f"no schema for {orphans}")

    common_shapes = {}
    for detail_type, schema_path in zip(detail_types, schema_paths):
        try:
            schema = load_json(schema_path)
        except (OSError, ValueError) as e:
            check(f"{detail_type}: schema parses", False, str(e))
            continue
        problems = contract_problems(detail_type, schema)
        check(f"{detail_type}: schema follows the contract rules", not problems, "; ".join(problems))
        for field in COMMON_FIELDS:
            if field in schema.get("properties", {}):
                common_shapes.setdefault(field, []).append(
                    (detail_type, json.dumps(schema["properties"][field], sort_keys=True))
                )

        example_path = EXAMPLES / f"{detail_type}.v1.json"
        if not example_path.exists():
            continue
        try:
            example = load_json(example_path)
        except (OSError, ValueError) as e:
            check(f"{detail_type}: example parses", False, str(e))
            continue

        try:
            errors = validate(example, schema)
        except SchemaError as e:
            check(f"{detail_type}: schema uses only the supported subset", False, str(e))
            continue
        check(f"{detail_type}: example is valid", not errors, "; ".join(errors))

        # The validator must reject what the contract forbids.
        mutants = []
        leaked = copy.deepcopy(example)
        leaked["customer_email"] = "taro@example.jp"
        mutants.append(("an extra personal-data field", leaked))
        for name in schema.get("required", []):
            dropped = copy.deepcopy(example)
            dropped.pop(name, None)
            mutants.append((f"{name} missing", dropped))
        bad_id = copy.deepcopy(example)
        bad_id["event_id"] = "019ac9a2-5c40-7d21-8a3e"
        mutants.append(("a malformed event_id", bad_id))
        for what, mutant in mutants:
            rejected = bool(validate(mutant, schema))
            check(f"{detail_type}: rejects {what}", rejected, "accepted an invalid detail")

    for field, shapes in sorted(common_shapes.items()):
        distinct = {shape for _, shape in shapes}
        check(
            f"common field {field!r} is declared identically in every schema",
            len(distinct) == 1,
            f"differs across {[t for t, _ in shapes]}",
        )

    passed = sum(1 for ok, _, _ in results if ok)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
