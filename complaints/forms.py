"""Reading the feedback forms into :class:`NewFeedback`, with errors per field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import Any

from starlette.requests import Request

from commitments.models import Commitment, CommitmentVersion, Service
from commitments.queries import CATALOGUE_TTL_SECONDS, catalogue_cache_key
from commitments.states import CommitmentStatus
from complaints.services import NewFeedback, publication_of
from complaints.states import KIND_LABELS, Channel, Kind, Publication
from servicedialog.bounds import parse_int
from servicedialog.calendars import today_for, zone_of
from servicedialog.forms import EMAIL_RE, Form
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation

MAX_TEXT = 5000
MAX_DAYS_BACK = 366  # feedback registered by staff arrived at most a year ago


@dataclass(frozen=True)
class FormCatalogue:
    """The organisation's services and published promises, as the feedback forms offer and
    check them."""

    services: list[Service]  # by Swedish name
    promises: dict[int, CommitmentVersion]  # commitment id -> its latest version

    def service(self, service_id: int) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def choices(self, language: str, service_id: str = "") -> dict[str, Any]:
        """The service list and the promises grouped by service, for the form template:
        of the chosen service only, when one is chosen (without JavaScript the form is
        sent once to show them; with it, the list follows the service at once)."""
        grouped: dict[int, list[tuple[int, str]]] = {}
        for commitment_id, version in self.promises.items():
            grouped.setdefault(version.commitment.service_id, []).append(
                (commitment_id, version.promise(language))
            )
        chosen = parse_int(service_id)
        shown = [s for s in self.services if s.id in grouped and chosen in (None, s.id)]
        every = [s for s in self.services if s.id in grouped]
        return {
            "services": [(s.id, s.name(language)) for s in self.services],
            "promises": [(s.id, s.name(language), grouped[s.id]) for s in shown],
            "all_promises": [
                {
                    "service": s.id,
                    "name": s.name(language),
                    "promises": [{"id": i, "promise": p} for i, p in grouped[s.id]],
                }
                for s in every
            ],
            "kind_labels": KIND_LABELS,
        }


async def load_form_catalogue(organisation: Organisation) -> FormCatalogue:
    services = await Service.filter(organisation_id=organisation.id).order_by("name_sv")
    versions = (
        await CommitmentVersion.filter(
            commitment__service__organisation_id=organisation.id,
            commitment__status=CommitmentStatus.PUBLISHED,
        )
        .order_by("commitment_id", "version")
        .select_related("commitment")
    )
    return FormCatalogue(services, {v.commitment_id: v for v in versions})


async def form_catalogue(request: Request, organisation: Organisation) -> FormCatalogue:
    """The catalogue, kept with the organisation's public catalogue in this worker's cache:
    every submission checks its service and promise against it, and the commitments pages
    drop it when they change the services or the commitments (other workers follow within
    a minute)."""
    catalogue: FormCatalogue = await request.app.state.cache.get_or_set(
        catalogue_cache_key(organisation) + "feedback-form",
        CATALOGUE_TTL_SECONDS,
        lambda: load_form_catalogue(organisation),
    )
    return catalogue


PUBLICATION_KEY = "feedback:publication:"


async def publication(request: Request, organisation: Organisation) -> Publication:
    """The organisation's publication choice, kept a minute in this worker (the form says
    what will be public, on every visit)."""
    chosen: Publication = await request.app.state.cache.get_or_set(
        f"{PUBLICATION_KEY}{organisation.id}",
        CATALOGUE_TTL_SECONDS,
        lambda: publication_of(organisation.id),
    )
    return chosen


def publication_changed(request: Request, organisation: Organisation) -> None:
    request.app.state.cache.invalidate(f"{PUBLICATION_KEY}{organisation.id}")


def _number(form: Form, name: str, low: float, high: float) -> float | None:
    raw = form.get(name).replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        form.error(
            name, _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
        return None
    return value


MATTER_YEARS_BACK = 10


def _matter_started(form: Form, today: date) -> date | None:
    """The optional day the matter began: a date, not in the future, at most ten years back."""
    day = form.day("started_on")
    if day is None:
        return None
    if day > today:
        form.error("started_on", _("The date cannot be in the future."))
        return None
    if (today - day).days > MATTER_YEARS_BACK * 366:
        form.error("started_on", _("The date can be at most ten years back."))
        return None
    return day


def read_feedback(
    form: Form,
    organisation: Organisation,
    catalogue: FormCatalogue,
    language: str,
    staff: bool = False,
) -> NewFeedback:
    if not form.get("kind"):
        form.error("kind", _("Choose what kind of feedback it is."))
    kind = form.choice("kind", tuple(Kind))
    text = form.require("text", MAX_TEXT)
    service: Service | None = None
    commitment: Commitment | None = None
    if form.get("service"):
        service_id = parse_int(form.get("service"))
        if service_id is not None:
            service = catalogue.service(service_id)
        if service is None:
            form.error("service", _("Choose one of the options."))
    if form.get("commitment") and kind != Kind.COMPLAINT:
        form.values.pop("commitment")  # only a complaint names a broken promise
    if form.get("commitment"):
        version = None
        commitment_id = parse_int(form.get("commitment"))
        if commitment_id is not None:
            version = catalogue.promises.get(commitment_id)
        if version is None:
            form.error("commitment", _("Choose one of the options."))
        else:
            commitment = version.commitment
            if service is None:
                service = catalogue.service(commitment.service_id)
            elif commitment.service_id != service.id:
                form.error("commitment", _("This promise belongs to another service."))
    started = _matter_started(form, today_for(organisation)) if commitment is not None else None
    anonymous = form.get("anonymous") == "yes"
    email = form.get("contact_email").lower()
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        form.error("contact_email", _("Enter an e-mail address like name@example.se."))
    phone = form.get("contact_phone")
    if len(phone) > 40:
        form.error("contact_phone", _("This is too long."))
    name = form.get("contact_name")
    if len(name) > 200:
        form.error("contact_name", _("This is too long."))
    if anonymous and (email or phone or name):
        form.error(
            "anonymous",
            _("You chose to be anonymous: remove your contact details, or untick anonymous."),
        )
    if not staff and (email or phone) and form.get("consent") != "yes":
        form.error(
            "consent", _("Tick the box so that we may use your contact details to answer you.")
        )
    preferred = form.get("language") or language
    if preferred not in ("sv", "en"):
        form.error("language", _("Choose one of the options."))
    place = form.get("place")
    if len(place) > 300:
        form.error("place", _("This is too long."))
    latitude = _number(form, "latitude", -90, 90)
    longitude = _number(form, "longitude", -180, 180)
    if (latitude is None) != (longitude is None) and not form.errors.get("latitude"):
        form.error("latitude", _("Give both latitude and longitude, or neither."))
    new = NewFeedback(
        kind=Kind(kind) if kind in tuple(Kind) else Kind.COMPLAINT,
        text=text,
        service=service,
        commitment=commitment,
        matter_started_on=started,
        place=place,
        latitude=latitude,
        longitude=longitude,
        anonymous=anonymous,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        language=preferred if preferred in ("sv", "en") else language,
    )
    if staff:
        channel = form.choice("channel", tuple(c for c in Channel if c is not Channel.OPEN311))
        if channel:
            new.channel = Channel(channel)
        day = form.day("received_on")
        today = today_for(organisation)
        if day is not None and day > today:
            form.error("received_on", _("The date cannot be in the future."))
        elif day is not None and (today - day).days > MAX_DAYS_BACK:
            # Deadlines count from this day and the number's year is its year: a date
            # years back is a typing error (the year 1 once gave SYN-1-000001).
            form.error("received_on", _("The date can be at most a year back."))
        elif day is not None and day < today:
            new.received_at = datetime.combine(
                day, clock_time(12), zone_of(organisation)
            ).astimezone(UTC)
    return new
