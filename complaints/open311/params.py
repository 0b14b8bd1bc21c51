"""Reading an Open311 request's parameters into typed values, or an :class:`Open311Error`
(400) that lists every problem at once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from complaints.open311.documents import Open311Error
from servicedialog.bounds import moment_in_range
from servicedialog.forms import EMAIL_RE

MAX_RESULTS = 1000  # the specification's default query limit
MAX_SPAN = timedelta(days=90)  # and the longest date range of one query
MAX_DESCRIPTION = 4000  # "free form text limited to 4,000 characters"
STATUSES = ("open", "closed")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def optional(params: Mapping[str, object], name: str) -> str:
    """An optional argument: an empty value counts as absent (the specification: "a null
    parameter should be treated as equivalent to a non-declared parameter"); a file where
    text belongs, too."""
    value = params.get(name)
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def comma_list(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def w3c_datetime(name: str, raw: str, zone: ZoneInfo) -> datetime:
    """A W3C date-time (e.g. 2010-01-01T00:00:00Z or +01:00). Its time zone must be given;
    a bare date (2010-01-01, also W3C) is the start of that day in the organisation's zone."""
    try:
        if len(raw) == 10:
            moment = datetime.combine(date.fromisoformat(raw), time(0), zone)
        else:
            moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Open311Error(
            400, f"{name} is not a W3C date-time like 2010-01-01T00:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name} needs a time zone, e.g. 2010-01-01T00:00:00Z")
    try:
        in_range = moment_in_range(moment)
    except OverflowError:  # the year 1 east of Greenwich
        in_range = False
    if not in_range:
        raise Open311Error(400, f"{name} must be between 1970 and 2100")
    return moment


@dataclass(frozen=True)
class RequestQuery:
    """GET requests: either the ids (which override every other filter) or the filters."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None


def request_query(params: Mapping[str, object], now: datetime, zone: ZoneInfo) -> RequestQuery:
    ids = comma_list(optional(params, "service_request_id"))
    if ids:
        return RequestQuery(ids=ids[:MAX_RESULTS])
    statuses = comma_list(optional(params, "status").lower())
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise Open311Error(400, f"status must be open or closed, not {', '.join(unknown)}")
    start_raw, end_raw = optional(params, "start_date"), optional(params, "end_date")
    start = w3c_datetime("start_date", start_raw, zone) if start_raw else None
    end = w3c_datetime("end_date", end_raw, zone) if end_raw else None
    # Without both dates the range is 90 days: the most recent ones, or from/to the date given.
    if start is None:
        end = end or now
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    return RequestQuery(
        service_codes=comma_list(optional(params, "service_code")),
        statuses=statuses,
        start=start,
        end=end,
    )


@dataclass
class NewRequest:
    """POST requests: what the app sent, checked for shape (the service and attribute
    values are checked against the organisation's catalogue later)."""

    service_code: str
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    name: str = ""
    phone: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def _coordinate(
    params: Mapping[str, object], name: str, limit: float, problems: list[str]
) -> float:
    try:
        value = float(optional(params, name))
    except ValueError:
        value = limit + 1
    if not -limit <= value <= limit:
        problems.append(f"{name} must be a number between -{limit:g} and {limit:g} (WGS84)")
    return value


def _location(params: Mapping[str, object], new: NewRequest, problems: list[str]) -> None:
    has_lat, has_long = bool(optional(params, "lat")), bool(optional(params, "long"))
    if has_lat != has_long:
        problems.append("lat and long must be sent together")
    elif has_lat:
        new.latitude = _coordinate(params, "lat", 90, problems)
        new.longitude = _coordinate(params, "long", 180, problems)
    if not (has_lat or new.address_string or new.address_id):
        problems.append("a location is required: lat and long, address_string or address_id")


def _too_long(values: Iterable[tuple[str, str, int]], problems: list[str]) -> None:
    for name, value, limit in values:
        if len(value) > limit:
            problems.append(f"{name} is longer than {limit} characters")


def attributes(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """``attribute[code]=value`` and ``attribute[code][]=value`` pairs, by code."""
    found: dict[str, list[str]] = {}
    for key, value in items:
        match = _ATTRIBUTE.match(key)
        if match and value.strip():
            found.setdefault(match.group(1), []).append(value.strip())
    return found


def new_request(params: Mapping[str, object], items: Iterable[tuple[str, str]]) -> NewRequest:
    """The POST form (``params`` its single values, ``items`` every pair)."""
    problems: list[str] = []
    new = NewRequest(
        service_code=optional(params, "service_code"),
        description=optional(params, "description").replace("\r\n", "\n"),
        address_string=optional(params, "address_string"),
        address_id=optional(params, "address_id"),
        email=optional(params, "email").lower(),
        name=" ".join(
            filter(None, (optional(params, "first_name"), optional(params, "last_name")))
        ),
        phone=optional(params, "phone"),
        media_url=optional(params, "media_url"),
        attributes=attributes(items),
    )
    if not new.service_code:
        problems.append("service_code was not provided")
    _location(params, new, problems)
    if new.email and not EMAIL_RE.match(new.email):
        problems.append("email is not an e-mail address")
    if new.media_url and not new.media_url.lower().startswith(("https://", "http://")):
        problems.append("media_url must be an http or https URL")
    _too_long(
        (
            ("description", new.description, MAX_DESCRIPTION),
            ("address_string", new.address_string, 300),
            ("address_id", new.address_id, 100),
            ("email", new.email, 254),
            ("first_name and last_name", new.name, 200),
            ("phone", new.phone, 40),
            ("media_url", new.media_url, 1000),
        ),
        problems,
    )
    if problems:
        raise Open311Error(400, *problems)
    return new
