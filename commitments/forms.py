"""Parsing the quality managers' service and commitment forms into typed values."""

from __future__ import annotations

from datetime import date

from commitments.services import ServiceSpec, Terms
from commitments.states import Channel, CommitmentKind, EServiceLevel, Period
from servicedialog.bounds import parse_int
from servicedialog.clock import ClockUnit
from servicedialog.forms import Form
from servicedialog.i18n import lazy as _

CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ0123456789-_")


def service_input(form: Form, channels: list[str]) -> ServiceSpec:
    code = form.require("code", 32).upper()
    if code and not set(code) <= CODE_CHARS:
        form.error("code", _("Use capital letters, digits, - and _, for example BYGG."))
    chosen = [c for c in channels if c in {ch.value for ch in Channel}]
    return ServiceSpec(
        code=code,
        name_sv=form.require("name_sv"),
        name_en=form.require("name_en"),
        description_sv=form.get("description_sv"),
        description_en=form.get("description_en"),
        target_group=form.get("target_group")[:200],
        channels=chosen,
        eservice_level=form.choice("eservice_level", tuple(e.value for e in EServiceLevel)),
        unit_code=form.get("unit"),
    )


def _positive_int(form: Form, name: str) -> int:
    raw = form.require(name, 6)
    value = parse_int(raw, 1)
    if raw and value is None:
        form.error(name, _("Write a whole number of at least 1."))
    return value or 0


def _share(form: Form, name: str) -> float:
    raw = form.require(name, 6).replace(",", ".").rstrip("%").strip()
    try:
        percent = float(raw) if raw else 0.0
    except ValueError:
        percent = -1.0
    if raw and not 0 < percent <= 100:
        form.error(name, _("Write a percentage between 1 and 100, for example 90."))
    return percent / 100


def _optional_date(form: Form, name: str) -> date | None:
    return form.day(name)


def terms_input(form: Form) -> Terms:
    return Terms(
        promise_sv=form.require("promise_sv", 1000),
        promise_en=form.get("promise_en"),
        unit=form.choice("unit", tuple(u.value for u in ClockUnit)),
        threshold=_positive_int(form, "threshold"),
        target_share=_share(form, "target_percent"),
        period=form.choice("period", tuple(p.value for p in Period)),
        kind=form.choice("kind", tuple(k.value for k in CommitmentKind)),
        needs_sv=form.get("needs_sv"),
        needs_en=form.get("needs_en"),
        remedy_sv=form.get("remedy_sv"),
        remedy_en=form.get("remedy_en"),
        start_event=form.get("start_event")[:200],
        stop_event=form.get("stop_event")[:200],
        pause_reasons=[r.strip() for r in form.get("pause_reasons").split("\n") if r.strip()],
        valid_from=_optional_date(form, "valid_from"),
        review_date=_optional_date(form, "review_date"),
    )


def terms_values(terms: Terms) -> dict[str, str]:
    """The form fields that show ``terms`` (for editing the current version)."""
    return {
        "promise_sv": terms.promise_sv,
        "promise_en": terms.promise_en,
        "unit": terms.unit,
        "threshold": str(terms.threshold),
        "target_percent": f"{terms.target_share * 100:g}",
        "period": terms.period,
        "kind": terms.kind,
        "needs_sv": terms.needs_sv,
        "needs_en": terms.needs_en,
        "remedy_sv": terms.remedy_sv,
        "remedy_en": terms.remedy_en,
        "start_event": terms.start_event,
        "stop_event": terms.stop_event,
        "pause_reasons": "\n".join(terms.pause_reasons),
        "valid_from": "",
        "review_date": terms.review_date.isoformat() if terms.review_date else "",
    }
