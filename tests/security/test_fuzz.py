"""A bounded fuzzing pass with schemathesis against the running server (uvicorn, one worker):
the JSON API from its own OpenAPI description, and Open311 GeoReport v2 from the
description below. Positive and negative cases; any 5xx fails. The budget: FUZZ_EXAMPLES
cases per operation and mode (set the variable to fuzz harder locally)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from commitments.services import import_catalogue
from servicedialog.apikeys import create_key
from tests.conftest import run

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FORMATS = {"type": "string", "enum": ["json", "xml"]}
TEXT = {"type": "string"}
FORMAT = {"name": "format", "in": "path", "required": True, "schema": FORMATS}
OPEN311: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Open311 GeoReport v2 (as served here)", "version": "2"},
    "paths": {
        "/open311/v2/discovery.{format}": {
            "get": {"parameters": [FORMAT],
                    "responses": {"200": {"description": "ok"}}}
        },
        "/open311/v2/services.{format}": {
            "get": {"parameters": [
                FORMAT,
                {"name": "jurisdiction_id", "in": "query", "schema": TEXT}],
                "responses": {"200": {"description": "ok"}}}
        },
        "/open311/v2/services/{code}.{format}": {
            "get": {"parameters": [
                {"name": "code", "in": "path", "required": True, "schema": TEXT},
                FORMAT,
                {"name": "jurisdiction_id", "in": "query", "schema": TEXT}],
                "responses": {"200": {"description": "ok"}}}
        },
        "/open311/v2/requests.{format}": {
            "get": {"parameters": [
                FORMAT,
                {"name": "jurisdiction_id", "in": "query", "schema": TEXT},
                {"name": "service_request_id", "in": "query", "schema": TEXT},
                {"name": "service_code", "in": "query", "schema": TEXT},
                {"name": "start_date", "in": "query", "schema": TEXT},
                {"name": "end_date", "in": "query", "schema": TEXT},
                {"name": "status", "in": "query", "schema": TEXT}],
                "responses": {"200": {"description": "ok"}}},
            "post": {
                "parameters": [FORMAT],
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                    "type": "object",
                    "properties": {
                        "api_key": TEXT, "jurisdiction_id": TEXT, "service_code": TEXT,
                        "lat": TEXT, "long": TEXT, "address_string": TEXT, "address_id": TEXT,
                        "email": TEXT, "first_name": TEXT, "last_name": TEXT, "phone": TEXT,
                        "description": TEXT, "media_url": TEXT,
                        "attribute[kind]": TEXT, "attribute[commitment]": TEXT},
                }}}},
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/open311/v2/requests/{id}.{format}": {
            "get": {"parameters": [
                {"name": "id", "in": "path", "required": True, "schema": TEXT},
                FORMAT,
                {"name": "jurisdiction_id", "in": "query", "schema": TEXT}],
                "responses": {"200": {"description": "ok"}}}
        },
        "/open311/v2/tokens/{token}.{format}": {
            "get": {"parameters": [
                {"name": "token", "in": "path", "required": True, "schema": TEXT},
                FORMAT,
                {"name": "jurisdiction_id", "in": "query", "schema": TEXT}],
                "responses": {"200": {"description": "ok"}}}
        },
    },
}  # fmt: skip


def _fuzz(operation, base_url: str, headers: dict[str, str]) -> tuple[list[str], int]:
    """The 5xx answers to generated cases, and how many cases were sent."""
    failures: list[str] = []
    sent = [0]
    session = requests.Session()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(base_url=base_url, headers=headers, session=session, timeout=30)
            sent[0] += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}")

        check()
    session.close()
    return failures, sent[0]


@pytest.fixture
def fuzzed_server(client, org, live_server):
    catalogue = {"services": [{"code": "GATA", "name": {"sv": "Gator", "en": "Streets"}}]}
    run(client, import_catalogue, org, catalogue)
    _record, key = run(client, create_key, org, "fuzzer")
    return live_server(workers=1), key


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_json_api_never_answers_5xx(fuzzed_server):
    base, key = fuzzed_server
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    failures, sent = [], 0
    for operation in _operations(schema):
        found, count = _fuzz(operation, f"{base}/api/v1", {"Authorization": f"Bearer {key}"})
        failures, sent = failures + found, sent + count
    assert failures == []
    assert sent >= 4 * EXAMPLES  # it did fuzz: four operations, two modes


def test_open311_never_answers_5xx(fuzzed_server):
    base, key = fuzzed_server
    schema = schemathesis.openapi.from_dict(OPEN311)
    failures, sent = [], 0
    for operation in _operations(schema):
        found, count = _fuzz(operation, base, {"Authorization": f"Bearer {key}"})
        failures, sent = failures + found, sent + count
    assert failures == []
    assert sent >= 7 * EXAMPLES
