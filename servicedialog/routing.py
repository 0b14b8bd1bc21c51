"""Bounded path parameters: every parameter of every route names one of these convertors, so
an over-long or out-of-range value never reaches a query (a route that does not match is a
404), and a test fails on a route that uses Starlette's unbounded ``int``, ``str`` or bare
``{name}``.

The bounds follow the columns the values are looked up in: ids are 32-bit integer keys, an
organisation's short name is at most 64 characters (``SLUG_RE``), a service code at most 32,
a tracking token is URL-safe base64 of at most 64 characters.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

MAX_ID = 999_999_999  # nine digits: well inside a 32-bit integer key


class IdConvertor(Convertor[int]):
    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        number = int(value)
        if not 0 <= number <= MAX_ID:
            raise ValueError(f"id out of range: {number}")
        return str(number)


class _Text(Convertor[str]):
    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


class SlugConvertor(_Text):
    """An organisation's or a service package's short name."""

    regex = "[a-z0-9][a-z0-9-]{0,63}"


class CodeConvertor(_Text):
    """A service code (capital letters, digits, - and _, Å Ä Ö; at most 32), or a feedback
    registration number such as SYN-2026-000123 (at most 32): no slash and no dot, so that
    Open311's ``{code}.{format}`` splits where it should."""

    regex = "[^/.\x00-\x1f\x7f]{1,32}"


class TokenConvertor(_Text):
    """A secret link token (URL-safe base64)."""

    regex = "[A-Za-z0-9_-]{1,64}"


class WordConvertor(_Text):
    """An action name, a language code, a file format."""

    regex = "[a-z][a-z_]{0,31}"


CONVERTORS: dict[str, Convertor[object]] = {
    "id": IdConvertor(),  # type: ignore[dict-item]
    "slug": SlugConvertor(),  # type: ignore[dict-item]
    "code": CodeConvertor(),  # type: ignore[dict-item]
    "token": TokenConvertor(),  # type: ignore[dict-item]
    "word": WordConvertor(),  # type: ignore[dict-item]
}
# Route patterns compile when a route is made, so the convertors are registered when this
# package is first imported: before any feature's routes module.
for _name, _convertor in CONVERTORS.items():
    register_url_convertor(_name, _convertor)
