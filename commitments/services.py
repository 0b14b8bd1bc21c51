"""Catalogue as code: import and export services and commitments as JSON.

The file: ``{"services": [{"code": "BYGG", "name": {"sv": "Bygglov", "en": "Building
permit"}, "commitments": [{"promise": {"sv": "…", "en": "…"}, "unit": "working_days",
"threshold": 10, "target_share": 0.9, "period": "month"}]}]}``. Further fields are optional
(see docs/commitments.md). Imported commitments are published. Importing the same file
twice changes nothing; a changed term makes a new version and keeps the old one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from commitments.models import Commitment, CommitmentVersion, Service
from commitments.states import Channel, CommitmentKind, CommitmentStatus, EServiceLevel, Period
from servicedialog.bounds import parse_day
from servicedialog.calendars import today_for
from servicedialog.clock import ClockUnit
from servicedialog.models import Organisation, Unit


class CatalogueError(ValueError):
    """The file breaks a rule; the message names the place, e.g. services[0].code."""


@dataclass(frozen=True)
class Terms:
    """The versioned terms of a commitment, as compared between imports."""

    promise_sv: str
    promise_en: str
    unit: str
    threshold: int
    target_share: float
    period: str
    kind: str = CommitmentKind.TIMELINESS.value
    needs_sv: str = ""
    needs_en: str = ""
    conditions_sv: str = ""
    conditions_en: str = ""
    start_event: str = ""
    stop_event: str = ""
    pause_reasons: list[str] = field(default_factory=list)
    remedy_sv: str = ""
    remedy_en: str = ""
    compensation_sv: str = ""
    compensation_en: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    review_date: date | None = None


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name_sv: str
    name_en: str
    description_sv: str = ""
    description_en: str = ""
    target_group: str = ""
    channels: list[str] = field(default_factory=list)
    eservice_level: str = EServiceLevel.INFORMATION.value
    unit_code: str = ""
    commitments: list[tuple[str, Terms]] = field(default_factory=list)


@dataclass
class ImportReport:
    services_created: int = 0
    services_updated: int = 0
    commitments_created: int = 0
    versions_created: int = 0

    @property
    def changed(self) -> bool:
        return any(asdict(self).values())


# --- parsing ----------------------------------------------------------------------------


def parse_text(value: Any, where: str, required: bool = False) -> tuple[str, str]:
    if value is None and not required:
        return "", ""
    if isinstance(value, str):
        return value, ""
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise CatalogueError(f'{where} must be {{"sv": "…", "en": "…"}}')
    if required and not value.get("sv"):
        raise CatalogueError(f"{where}.sv is required")
    return value.get("sv", ""), value.get("en", "")


def _choice(value: Any, choices: type[Any], where: str, default: str) -> str:
    value = default if value is None else value
    allowed = [c.value for c in choices]
    if value not in allowed:
        raise CatalogueError(f"{where} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    day = parse_day(value)
    if day is None:
        raise CatalogueError(f"{where} must be a date like 2026-01-31 (1970–2100)")
    return day


def parse_terms(raw: Any, where: str) -> Terms:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where} must be an object")
    threshold = raw.get("threshold")
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise CatalogueError(f"{where}.threshold must be a whole number of at least 1")
    share = raw.get("target_share", 0.9)
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 < share <= 1:
        raise CatalogueError(f"{where}.target_share must be a share between 0 and 1, e.g. 0.9")
    pause_reasons = raw.get("pause_reasons", [])
    if not isinstance(pause_reasons, list) or not all(isinstance(p, str) for p in pause_reasons):
        raise CatalogueError(f"{where}.pause_reasons must be a list of texts")
    promise_sv, promise_en = parse_text(raw.get("promise"), f"{where}.promise", required=True)
    needs = parse_text(raw.get("needs"), f"{where}.needs")
    conditions = parse_text(raw.get("conditions"), f"{where}.conditions")
    remedy = parse_text(raw.get("remedy"), f"{where}.remedy")
    compensation = parse_text(raw.get("compensation"), f"{where}.compensation")
    return Terms(
        promise_sv=promise_sv,
        promise_en=promise_en,
        unit=_choice(raw.get("unit"), ClockUnit, f"{where}.unit", "working_days"),
        threshold=threshold,
        target_share=float(share),
        period=_choice(raw.get("period"), Period, f"{where}.period", "month"),
        kind=_choice(raw.get("kind"), CommitmentKind, f"{where}.kind", "timeliness"),
        needs_sv=needs[0],
        needs_en=needs[1],
        conditions_sv=conditions[0],
        conditions_en=conditions[1],
        start_event=str(raw.get("start_event", "")),
        stop_event=str(raw.get("stop_event", "")),
        pause_reasons=list(pause_reasons),
        remedy_sv=remedy[0],
        remedy_en=remedy[1],
        compensation_sv=compensation[0],
        compensation_en=compensation[1],
        valid_from=_date(raw.get("valid_from"), f"{where}.valid_from"),
        valid_to=_date(raw.get("valid_to"), f"{where}.valid_to"),
        review_date=_date(raw.get("review_date"), f"{where}.review_date"),
    )


def parse_service(raw: Any, where: str) -> ServiceSpec:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where} must be an object")
    code = raw.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 32:
        raise CatalogueError(f"{where}.code must be a text of 1–32 characters")
    name_sv, name_en = parse_text(raw.get("name"), f"{where}.name", required=True)
    description = parse_text(raw.get("description"), f"{where}.description")
    channels = raw.get("channels", [])
    allowed = {c.value for c in Channel}
    if not isinstance(channels, list) or not set(channels) <= allowed:
        raise CatalogueError(f"{where}.channels must be a list of {', '.join(sorted(allowed))}")
    items = raw.get("commitments", [])
    if not isinstance(items, list):
        raise CatalogueError(f"{where}.commitments must be a list")
    commitments = []
    for i, item in enumerate(items):
        key = item.get("key") if isinstance(item, dict) else None
        commitments.append((str(key or i + 1), parse_terms(item, f"{where}.commitments[{i}]")))
    keys = [k for k, _ in commitments]
    if len(set(keys)) != len(keys):
        raise CatalogueError(f"{where}.commitments: each key must be unique")
    return ServiceSpec(
        code=code.strip(),
        name_sv=name_sv,
        name_en=name_en or name_sv,
        description_sv=description[0],
        description_en=description[1],
        target_group=str(raw.get("target_group", "")),
        channels=list(channels),
        eservice_level=_choice(
            raw.get("eservice_level"), EServiceLevel, f"{where}.eservice_level", "information"
        ),
        unit_code=str(raw.get("unit", "")),
        commitments=commitments,
    )


def parse_catalogue(data: Any) -> list[ServiceSpec]:
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise CatalogueError('the file must be {"services": [ … ]}')
    specs = [parse_service(raw, f"services[{i}]") for i, raw in enumerate(data["services"])]
    codes = [s.code for s in specs]
    if len(set(codes)) != len(codes):
        raise CatalogueError("services: each code must be unique")
    return specs


# --- writing ----------------------------------------------------------------------------

SERVICE_FIELDS = (
    "name_sv",
    "name_en",
    "description_sv",
    "description_en",
    "target_group",
    "channels",
    "eservice_level",
)


def terms_of_version(version: CommitmentVersion) -> Terms:
    values = {name: getattr(version, name) for name in Terms.__dataclass_fields__}
    values["unit"], values["period"], values["kind"] = (
        str(version.unit.value),
        str(version.period.value),
        str(version.kind.value),
    )
    return Terms(**values)


async def import_catalogue(organisation: Organisation, data: Any) -> ImportReport:
    """Validate the whole file first, then write it in one transaction."""
    specs = parse_catalogue(data)
    units = {u.code: u for u in await Unit.filter(organisation_id=organisation.id)}
    for i, spec in enumerate(specs):
        if spec.unit_code and spec.unit_code not in units:
            raise CatalogueError(f"services[{i}].unit: no unit with code {spec.unit_code!r}")
    report = ImportReport()
    async with in_transaction():
        for spec in specs:
            service = await _upsert_service(organisation, spec, units, report)
            for key, terms in spec.commitments:
                await _upsert_commitment(service, key, terms, report)
    return report


async def _upsert_service(
    organisation: Organisation, spec: ServiceSpec, units: dict[str, Unit], report: ImportReport
) -> Service:
    values = {name: getattr(spec, name) for name in SERVICE_FIELDS}
    unit = units.get(spec.unit_code)
    service = await Service.get_or_none(organisation_id=organisation.id, code=spec.code)
    if service is None:
        report.services_created += 1
        return await Service.create(organisation=organisation, code=spec.code, unit=unit, **values)
    changed = [k for k, v in values.items() if getattr(service, k) != v]
    if unit is not None and service.unit_id != unit.id:
        service.unit_id = unit.id
        changed.append("unit_id")
    if changed:
        for name in changed:
            if name != "unit_id":
                setattr(service, name, values[name])
        await service.save(update_fields=changed)
        report.services_updated += 1
    return service


async def _upsert_commitment(
    service: Service, key: str, terms: Terms, report: ImportReport
) -> None:
    commitment, created = await Commitment.get_or_create(
        service=service, key=key, defaults={"status": CommitmentStatus.PUBLISHED}
    )
    report.commitments_created += int(created)
    report.versions_created += int(await change_terms(commitment, terms) is not None)
    await set_status(commitment, CommitmentStatus.PUBLISHED)


def _comparable(terms: Terms) -> Terms:
    """Dates of validity say when terms apply; they are not terms of their own."""
    return replace(terms, valid_from=None, valid_to=None)


async def change_terms(commitment: Commitment, terms: Terms) -> CommitmentVersion | None:
    """A new version when ``terms`` differ from the current ones (None when they do not).
    Earlier versions stay, with the periods measured under them."""
    latest = (
        await CommitmentVersion.filter(commitment_id=commitment.id).order_by("-version").first()
    )
    if latest is not None and _comparable(terms_of_version(latest)) == _comparable(terms):
        return None
    values = asdict(terms)
    if latest is not None and terms.valid_from is None:
        service = await Service.get(id=commitment.service_id).select_related("organisation")
        values["valid_from"] = today_for(service.organisation)
    return await CommitmentVersion.create(
        commitment=commitment, version=(latest.version + 1) if latest else 1, **values
    )


async def set_status(commitment: Commitment, status: CommitmentStatus) -> bool:
    if commitment.status == status:
        return False
    commitment.status = status
    await commitment.save(update_fields=["status"])
    return True


async def save_service(
    organisation: Organisation, spec: ServiceSpec, unit: Unit | None, service: Service | None
) -> Service:
    """Create a service, or update ``service``; its code stays what it was."""
    values = {name: getattr(spec, name) for name in SERVICE_FIELDS}
    if service is None:
        if await Service.exists(organisation_id=organisation.id, code=spec.code):
            raise CatalogueError("code")
        return await Service.create(organisation=organisation, code=spec.code, unit=unit, **values)
    for name, value in values.items():
        setattr(service, name, value)
    service.unit = unit
    await service.save()
    return service


async def export_catalogue(organisation: Organisation) -> dict[str, Any]:
    """The organisation's catalogue in the import format: importing it changes nothing."""
    services = await Service.filter(organisation_id=organisation.id).select_related("unit")
    out = []
    for service in sorted(services, key=lambda s: s.code):
        commitments = []
        for commitment in await Commitment.filter(service_id=service.id).order_by("key"):
            latest = (
                await CommitmentVersion.filter(commitment_id=commitment.id)
                .order_by("-version")
                .first()
            )
            if latest is not None:
                commitments.append(_terms_json(commitment.key, terms_of_version(latest)))
        out.append(_service_json(service, commitments))
    return {"services": out}


def text_pair(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def _terms_json(key: str, t: Terms) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key": key,
        "promise": text_pair(t.promise_sv, t.promise_en),
        "unit": t.unit,
        "threshold": t.threshold,
        "target_share": t.target_share,
        "period": t.period,
        "kind": t.kind,
        "needs": text_pair(t.needs_sv, t.needs_en),
        "conditions": text_pair(t.conditions_sv, t.conditions_en),
        "start_event": t.start_event,
        "stop_event": t.stop_event,
        "pause_reasons": t.pause_reasons,
        "remedy": text_pair(t.remedy_sv, t.remedy_en),
        "compensation": text_pair(t.compensation_sv, t.compensation_en),
    }
    for name in ("valid_from", "valid_to", "review_date"):
        value = getattr(t, name)
        if value is not None:
            item[name] = value.isoformat()
    return item


def _service_json(service: Service, commitments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": text_pair(service.name_sv, service.name_en),
        "description": text_pair(service.description_sv, service.description_en),
        "target_group": service.target_group,
        "channels": service.channels,
        "eservice_level": str(service.eservice_level.value),
        "unit": service.unit.code if service.unit else "",
        "commitments": commitments,
    }
