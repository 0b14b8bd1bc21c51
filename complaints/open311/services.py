"""Open311 resources from our records: services and their definitions from the catalogue,
service requests from feedback. Plain async functions, no ``Request``.

What is public follows the organisation's publication setting (``docs/feedback.md``):

* every request, looked up by its id, shows its number, status, service, unit and dates:
  what an app that filed it needs to follow it;
* the request *list* shows only published records: none (``never``), those a handler or a
  quality manager released (``released``, the default), or all (``at_once``);
* a published record shows its published text (or, at once, its text with identity numbers
  masked; of a secret record only the public summary), the public answer its handler
  wrote, and its place. Never contact details, and never the replies to the person (they
  were written to them, not to the public).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from commitments.models import Commitment, CommitmentVersion, Service
from commitments.states import CommitmentStatus
from complaints.handling import SERVICE_CODE as HANDLING_SERVICE
from complaints.models import Feedback, FeedbackEvent
from complaints.open311.documents import Open311Error
from complaints.open311.params import MAX_RESULTS, NewRequest, RequestQuery
from complaints.promises import promise_texts
from complaints.services import NewFeedback, publication_of, register
from complaints.states import (
    KIND_LABELS,
    OPEN_STATUSES,
    Channel,
    EventKind,
    Kind,
    Publication,
    Status,
)
from servicedialog import identity
from servicedialog.bilingual import in_language
from servicedialog.bounds import fits
from servicedialog.calendars import zone_of
from servicedialog.i18n import lazy as _
from servicedialog.i18n import translations
from servicedialog.models import Organisation, Unit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
KIND, COMMITMENT = "kind", "commitment"  # the attribute codes of every service
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def w3c(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


# --- jurisdictions ---------------------------------------------------------------------


async def jurisdiction(jurisdiction_id: str) -> Organisation:
    """The organisation whose slug is ``jurisdiction_id``; without one, the installation's
    only organisation (the argument is required where there are several)."""
    if jurisdiction_id:
        organisation = (
            await Organisation.get_or_none(slug=jurisdiction_id)
            if fits(Organisation, "slug", jurisdiction_id)
            else None
        )
        if organisation is None:
            raise Open311Error(404, f"jurisdiction_id {jurisdiction_id[:64]} was not found")
        return organisation
    organisations = await Organisation.all().limit(2)
    if len(organisations) == 1:
        return organisations[0]
    if not organisations:
        raise Open311Error(404, "this endpoint serves no jurisdiction yet")
    raise Open311Error(
        400, "jurisdiction_id was not provided: this endpoint serves several jurisdictions"
    )


async def discovery(base_url: str, production: bool) -> dict[str, Any]:
    """The service discovery document; its changeset moves when a service or a promise
    (the values of the ``commitment`` attribute) is added."""
    latest = (
        await Service.all().order_by("-created_at").first(),
        await CommitmentVersion.all().order_by("-created_at").first(),
    )
    moments = [row.created_at for row in latest if row is not None]
    changeset = max(moments, default=EPOCH).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "changeset": changeset,
        "contact": f"Each organisation (jurisdiction_id) answers for its own services; "
        f"their pages are at {base_url}/",
        "key_service": "Ask the organisation you report to: its administrators make API keys "
        "under Administration, API keys.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base_url}/open311/v2",
                "changeset": changeset,
                "type": "production" if production else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


# --- services --------------------------------------------------------------------------


def _description(service: Service, language: str) -> str:
    return in_language(service, "description", language)


def _keywords(service: Service, language: str) -> str:
    """The name in the other language: a synonym that helps people search."""
    other = service.name("sv" if language == "en" else "en")
    return other if other != service.name(language) else ""


async def service_list(organisation: Organisation, language: str) -> list[dict[str, Any]]:
    services = await Service.filter(organisation_id=organisation.id).order_by("code")
    units = {u.id: u for u in await Unit.filter(organisation_id=organisation.id)}
    return [
        {
            "service_code": service.code,
            "service_name": service.name(language),
            "description": _description(service, language),
            # Every service asks what kind of feedback it is: see service_definition.
            "metadata": True,
            "type": "realtime",
            "keywords": _keywords(service, language),
            "group": units[service.unit_id].name(language) if service.unit_id in units else "",
        }
        for service in services
    ]


async def _service(organisation: Organisation, code: str) -> Service:
    service = (
        await Service.get_or_none(organisation_id=organisation.id, code=code)
        if fits(Service, "code", code)
        else None
    )
    if service is None:
        raise Open311Error(404, f"service_code {code[:32]} was not found")
    return service


async def _promises(service: Service) -> dict[str, CommitmentVersion]:
    """The service's published commitments by key, each with its current version."""
    versions = (
        await CommitmentVersion.filter(
            commitment__service_id=service.id, commitment__status=CommitmentStatus.PUBLISHED
        )
        .select_related("commitment")
        .order_by("commitment__key", "version")
    )
    return {version.commitment.key: version for version in versions}


def _list_attribute(
    code: str, order: int, required: bool, description: str, values: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": "singlevaluelist",
        "required": required,
        "datatype_description": None,
        "order": order,
        "description": description,
        "values": values,
    }


async def service_definition(
    organisation: Organisation, code: str, language: str
) -> dict[str, Any]:
    """Every service asks what kind of feedback it is, and offers its published promises
    (when it has any) for people to say which one they think was not kept."""
    service = await _service(organisation, code)
    gettext = translations(language).gettext
    kinds = [{"key": kind.value, "name": gettext(KIND_LABELS[kind])} for kind in Kind]
    attributes = [_list_attribute(KIND, 1, True, gettext(_("What kind of feedback is it?")), kinds)]
    promises = [
        {"key": key, "name": version.promise(language)}
        for key, version in (await _promises(service)).items()
    ]
    if promises:
        question = gettext(_("Which promise do you think was not kept?"))
        attributes.append(_list_attribute(COMMITMENT, 2, False, question, promises))
    return {"service_code": service.code, "attributes": attributes}


# --- creating a request ----------------------------------------------------------------


async def service_notice(organisation: Organisation, language: str) -> str | None:
    """The organisation's published promise of when feedback is answered, if it has one."""
    version = (
        await CommitmentVersion.filter(
            commitment__service__organisation_id=organisation.id,
            commitment__service__code=HANDLING_SERVICE,
            commitment__key="answer",
            commitment__status=CommitmentStatus.PUBLISHED,
        )
        .order_by("-version")
        .first()
    )
    return version.promise(language) if version else None


async def _kind_and_commitment(
    service: Service, values: dict[str, list[str]]
) -> tuple[Kind, Commitment | None]:
    problems = []
    kind = (values.get(KIND) or [""])[0]
    if not kind:
        problems.append("attribute[kind] is required: complaint, suggestion, praise or question")
    elif kind not in tuple(Kind):
        problems.append(f"attribute[kind] {kind} is not complaint, suggestion, praise or question")
    commitment = None
    key = (values.get(COMMITMENT) or [""])[0]
    if key:
        version = (await _promises(service)).get(key)
        if version is None:
            problems.append(f"attribute[commitment] {key} is not a promise of this service")
        else:
            commitment = version.commitment
    if problems:
        raise Open311Error(400, *problems)
    return Kind(kind), commitment


async def create(organisation: Organisation, new: NewRequest, language: str) -> dict[str, Any]:
    """Register the request as feedback at once (type realtime): its number is the
    service_request_id, so no token is returned (the specification: never both)."""
    service = await _service(organisation, new.service_code)
    kind, commitment = await _kind_and_commitment(service, new.attributes)
    details = {"media_url": new.media_url, "address_id": new.address_id}
    registered = await register(
        organisation,
        NewFeedback(
            kind=kind,
            text=new.description,
            service=service,
            commitment=commitment,
            place=new.address_string,
            latitude=new.latitude,
            longitude=new.longitude,
            anonymous=not (new.email or new.phone or new.name),
            contact_name=new.name,
            contact_email=new.email,
            contact_phone=new.phone,
            language=language,
            channel=Channel.OPEN311,
            open311_token=secrets.token_urlsafe(24),
            details={key: value for key, value in details.items() if value},
        ),
    )
    return {
        "service_request_id": registered.number,
        "service_notice": await service_notice(organisation, language),
        "account_id": None,
    }


async def token(organisation: Organisation, value: str) -> dict[str, Any]:
    number = (
        await Feedback.filter(organisation_id=organisation.id, open311_token=value)
        .first()
        .values_list("number", flat=True)
        if fits(Feedback, "open311_token", value)
        else None
    )
    if number is None:
        raise Open311Error(404, f"token {value} was not found")
    return {"service_request_id": number, "token": value}


# --- reading requests ------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What the requests of one answer share."""

    organisation: Organisation
    language: str
    zone: ZoneInfo
    notice: str | None
    units: dict[int, Unit]
    publication: Publication


async def _context(organisation: Organisation, language: str) -> _Context:
    return _Context(
        organisation,
        language,
        zone_of(organisation),
        await service_notice(organisation, language),
        {u.id: u for u in await Unit.filter(organisation_id=organisation.id)},
        await publication_of(organisation.id),
    )


def published_description(feedback: Feedback, publication: Publication) -> str | None:
    """The text of ``feedback`` that is public under ``publication``, or None."""
    if publication is Publication.NEVER or feedback.anonymised_at is not None:
        return None
    if feedback.published_at is not None:
        return feedback.published_text
    if publication is Publication.AT_ONCE:
        return identity.mask(feedback.public_summary if feedback.secret else feedback.text)
    return None


async def _details(ids: list[int]) -> dict[int, dict[str, Any]]:
    """What an app sent beyond our fields (media_url, address_id)."""
    events = await FeedbackEvent.filter(
        feedback_id__in=ids, kind=EventKind.REGISTERED, feedback__channel=Channel.OPEN311
    ).values("feedback_id", "data")
    return {row["feedback_id"]: row["data"] or {} for row in events}


def _notice(feedback: Feedback, context: _Context, promises: dict[int, str]) -> str | None:
    """The organisation's answer promise, and the promise the request says was not kept."""
    named = promises.get(feedback.commitment_id or 0)
    if not named:
        return context.notice
    label = translations(context.language).gettext(_("The promise not kept: %(promise)s"))
    return " ".join(filter(None, (context.notice, label % {"promise": named})))


def _public(
    feedback: Feedback, context: _Context, details: dict[str, Any], promises: dict[int, str]
) -> dict[str, Any]:
    service: Service | None = feedback.service
    unit = context.units.get(feedback.unit_id or 0)
    closed = feedback.status is Status.CLOSED
    description = published_description(feedback, context.publication)
    # The place is shown with a published text only, and never of a secret record.
    located = description is not None and not feedback.secret
    answer = feedback.published_answer if feedback.published_at is not None else ""
    expected = None
    if not closed and feedback.answer_due is not None:
        expected = datetime.combine(feedback.answer_due, time(23, 59, 59), context.zone)
    return {
        "service_request_id": feedback.number,
        "status": "closed" if closed else "open",
        "status_notes": answer if description is not None and answer else None,
        "service_name": service.name(context.language) if service else None,
        "service_code": service.code if service else None,
        "description": description,
        "agency_responsible": (unit or context.organisation).name(context.language),
        "service_notice": _notice(feedback, context, promises),
        "requested_datetime": w3c(feedback.received_at, context.zone),
        "updated_datetime": w3c(
            feedback.closed_at if closed and feedback.closed_at else feedback.updated_at,
            context.zone,
        ),
        "expected_datetime": w3c(expected, context.zone),
        "address": (feedback.place or None) if located else None,
        "address_id": details.get("address_id") if located else None,
        "zipcode": None,
        "lat": feedback.latitude if located else None,
        "long": feedback.longitude if located else None,
        "media_url": details.get("media_url") if located else None,
    }


async def _described(
    organisation: Organisation, records: list[Feedback], language: str
) -> list[dict[str, Any]]:
    context = await _context(organisation, language)
    details = await _details([f.id for f in records])
    named = {f.commitment_id for f in records if f.commitment_id}
    promises = await promise_texts(named, language)
    return [_public(f, context, details.get(f.id, {}), promises) for f in records]


async def find_requests(
    organisation: Organisation, query: RequestQuery, language: str
) -> list[dict[str, Any]]:
    records = Feedback.filter(organisation_id=organisation.id)
    publication = await publication_of(organisation.id)
    if not query.ids:  # the public list: published records only
        if publication is Publication.NEVER:
            return []
        if publication is Publication.RELEASED:
            records = records.filter(published_at__not_isnull=True)
    if query.ids:
        records = records.filter(
            number__in=[n for n in query.ids if fits(Feedback, "number", n)] or [""]
        )
    else:
        records = records.filter(received_at__gte=query.start, received_at__lte=query.end)
        if query.service_codes:
            codes = [c for c in query.service_codes if fits(Service, "code", c)]
            records = records.filter(service__code__in=codes or [""])
        if set(query.statuses) == {"open"}:
            records = records.filter(status__in=OPEN_STATUSES)
        elif set(query.statuses) == {"closed"}:
            records = records.filter(status=Status.CLOSED)
    found = (
        await records.select_related("service").order_by("-received_at", "-id").limit(MAX_RESULTS)
    )
    return await _described(organisation, list(found), language)


async def one_request(
    organisation: Organisation, number: str, language: str
) -> list[dict[str, Any]]:
    found = await find_requests(organisation, RequestQuery(ids=(number,)), language)
    if not found:
        raise Open311Error(404, f"service_request_id {number} was not found")
    return found
