"""Open311 documents and errors, written as the specification's XML or JSON.

A document is a root element name and its data: a list for the list resources (``services``,
``service_requests``, ``errors``) and a dict for the others (``service_definition``,
``discovery``). JSON is the Spark convention's mapping of the XML: lists become arrays
(without the item element), empty elements become ``null``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
FALLBACK_FORMAT = "xml"  # the format every GeoReport server must speak

# The element of one item of each list, as in the specification's XML.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

# Characters XML 1.0 cannot carry at all (most control characters).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


@dataclass(frozen=True)
class Document:
    root: str
    data: list[Any] | dict[str, Any]
    status: int = 200


class Open311Error(Exception):
    """A request the server cannot fulfil: 400 (bad or missing parameter), 403 (api_key),
    404 (no such resource). Each description is meant to be shown to the app's user."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(status, *descriptions)
        self.status = status
        self.descriptions = descriptions

    def document(self) -> Document:
        errors = [{"code": self.status, "description": d} for d in self.descriptions]
        return Document("errors", errors, self.status)


def format_of(name: str) -> str | None:
    """``json`` or ``xml`` for a resource name's extension, or None."""
    return name if name in FORMATS else None


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, list):
        item = ITEM_TAGS[tag]
        element.extend(_element(item, entry) for entry in value)
    elif isinstance(value, dict):
        element.extend(_element(key, entry) for key, entry in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
    return element


def to_xml(document: Document) -> bytes:
    body: bytes = ET.tostring(_element(document.root, document.data), encoding="utf-8")
    return _DECLARATION + body


def to_json(document: Document) -> bytes:
    return json.dumps(document.data, ensure_ascii=False).encode("utf-8")


def response(document: Document, format: str) -> Response:
    format = format_of(format) or FALLBACK_FORMAT
    body = to_json(document) if format == "json" else to_xml(document)
    return Response(
        body,
        status_code=document.status,
        media_type=FORMATS[format],
        # Public data and API-key requests only (no cookies): any web app may read them.
        headers={"Access-Control-Allow-Origin": "*"},
    )


def error(status: int, format: str, *descriptions: str) -> Response:
    return response(Open311Error(status, *descriptions).document(), format)
