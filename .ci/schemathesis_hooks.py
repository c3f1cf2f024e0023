"""Schemathesis hooks for `.ci/fuzz`, loaded through SCHEMATHESIS_HOOKS.

Adds the check `problem_json_errors`: every response with a status of 400 or more must be an
`application/problem+json` (README "Conventions", SPEC §9) whose body carries `type`, `title`, `status` (equal to
the HTTP status) and `detail`.
"""

import atexit
import json

import schemathesis

PROBLEM_JSON = "application/problem+json"
REQUIRED_STRINGS = ("type", "title", "detail")


@schemathesis.check
def problem_json_errors(ctx, response, case):
    """Every 4xx/5xx is an application/problem+json with type, title, status and detail."""
    status = response.status_code
    if status < 400:
        return None
    where = f"{case.method.upper()} {case.path} answered {status}"
    content_types = response.headers.get("content-type") or []
    content_type = content_types[0] if content_types else ""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != PROBLEM_JSON:
        raise AssertionError(f"{where} with Content-Type {content_type!r}, not {PROBLEM_JSON}")
    try:
        body = json.loads(response.content)
    except ValueError as e:
        raise AssertionError(f"{where}: the problem body is not JSON ({e})") from None
    if not isinstance(body, dict):
        raise AssertionError(f"{where}: the problem body is not a JSON object")
    missing = [field for field in REQUIRED_STRINGS if not isinstance(body.get(field), str) or not body[field]]
    if missing:
        raise AssertionError(f"{where}: the problem lacks {', '.join(missing)}")
    if body.get("status") != status:
        raise AssertionError(f"{where}: the problem's status is {body.get('status')!r}, not {status}")
    return None


# `positive_data_acceptance` (ST202) expects every schema-valid request to be accepted. Some refusals depend on
# what the service holds or on other fields, which no JSON Schema can express; the service answers them 400 with
# an `invalidParams` code each (SPEC §9). Those, and only when every invalid parameter is one of them, are not
# failures. Everything a schema can say (ranges, lengths, patterns, enums) is in the document instead.
STATE_DEPENDENT_CODES = {
    # A referenced id (municipalityId, areaId, organisationId, …) that does not exist or lies outside the scope.
    "unknown",
    "unknown_goal",
    "not_in_municipality",
    # `cursor` is opaque: only the `next` links the service hands out are valid.
    "invalid_cursor",
    # Relative to the current time (`expiresAt` must lie in the future, a check-in not in the future).
    "in_the_past",
    "in_future",
    # Rules between fields (only a residents_group has a groupType, an admin token has no municipality, an
    # amount needs a unit, an area_editor token lists its areas, validUntil not before validFrom, …) and against
    # stored data (an area code unique within its municipality, a partner added once).
    "not_allowed",
    "duplicate",
    "before_valid_from",
    "before_start",
    "before_since",
    "before_period_start",
    # An area's own due date lies within two years of the cycle year the same request names.
    "too_far_from_year",
}
# `required` is state-dependent only when one field requires another (an amount needs a unit, a residents' group a
# groupType, an area_editor token its areaIds); an empty text ("must not be empty") or a field left out ("missing
# field") is what the schema says, and stays a failure.
SCHEMA_REQUIRED_REASONS = ("must not be empty", "missing field")
# The CSV of POST /contributions/imports has a header line and columns described in prose; a text/csv body has no
# JSON Schema to generate a valid file from, so schemathesis' random text is rightly refused. `case.path` is the
# document's path, relative to its server `/api/v1`.
CSV_IMPORT = "POST /contributions/imports"
# An Idempotency-Key reused with another body is 422 (SPEC §9); schemathesis draws keys independently of bodies.
IDEMPOTENCY_KEY_REUSED = "urn:gebiedscyclus:problem:idempotency-key-reused"

dropped = {}


def _problem(response):
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _state_dependent(param):
    code = param.get("code")
    if code == "required":
        return not str(param.get("reason", "")).startswith(SCHEMA_REQUIRED_REASONS)
    return code in STATE_DEPENDENT_CODES


# A version's content is one of four shapes, and which one depends on the kind of its document, which the
# request does not carry (the document says so: `content` is a union of the four). Content of another kind's
# shape is schema-valid and refused with the shape problems of the right kind, all under `content.`.
SAVE_VERSION = "PUT /documents/{id}/versions/{n}"
CONTENT_SHAPE_CODES = {"unknown_field", "invalid_type", "invalid_value", "required"}


def _content_of_another_kind(case, problem):
    params = problem.get("invalidParams") or []
    return (
        f"{case.method.upper()} {case.path}" == SAVE_VERSION
        and bool(params)
        and all(str(p.get("name", "")).startswith("content.") and p.get("code") in CONTENT_SHAPE_CODES for p in params)
    )


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if failure.code != "ST202":
        return True
    problem = _problem(response)
    if problem is None:
        return True
    if response.status_code == 422 and problem.get("type") == IDEMPOTENCY_KEY_REUSED:
        reason = "idempotency-key-reused"
    elif response.status_code == 400 and f"{case.method.upper()} {case.path}" == CSV_IMPORT:
        reason = "csv-import"
    elif response.status_code == 400 and _content_of_another_kind(case, problem):
        reason = "content-of-another-kind"
    elif response.status_code == 400:
        params = problem.get("invalidParams") or []
        if not params or not all(_state_dependent(p) for p in params):
            return True
        reason = ",".join(sorted({p.get("code") for p in params}))
    else:
        return True
    dropped[reason] = dropped.get(reason, 0) + 1
    return False


def _report_dropped():
    if dropped:
        summary = ", ".join(f"{reason}: {n}" for reason, n in sorted(dropped.items()))
        print(f"Schema-valid requests refused for state-dependent reasons (not failures): {summary}")


atexit.register(_report_dropped)
