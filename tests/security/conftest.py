"""A small world to attack: two organisations, two units, records of every kind of
sensitivity, one person per role, and one object of every kind in the other organisation."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from servicedialog.roles import Role
from tests.conftest import PASSWORD, create_member, create_org, login, run

PNR = "19900101-0017"  # a valid personnummer (a test number)
SECRET_WORDS = "hemligheten om grannens hund"
EMAIL = "karin.k@example.se"


@dataclass
class World:
    org: Any
    other_org: Any
    bygg: Any  # the handler's unit
    miljo: Any  # another unit of the same organisation
    own: Any  # a record of the handler's unit: an identity number, an e-mail, a file
    own_secret: Any  # a secret record of the handler's unit
    other_unit: Any  # a record of the other unit, with a file
    other_unit_secret: Any
    unrouted: Any  # no unit
    other_org_record: Any
    files: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    foreign: dict[str, int] = field(default_factory=dict)  # the other org's object ids


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.filename = name
        self._data = io.BytesIO(data)

    async def read(self, size: int = -1) -> bytes:
        return self._data.read(size)

    async def seek(self, offset: int) -> None:
        self._data.seek(offset)


async def _build(var_dir: Any) -> World:
    from commitments.models import Commitment, Service
    from complaints import attachments, services
    from complaints.models import ReplyTemplate
    from complaints.services import NewFeedback
    from complaints.states import Kind
    from problem_areas.models import Candidate, ProblemArea
    from servicedialog import uploads
    from servicedialog.apikeys import create_key
    from servicedialog.mail import queue_mail
    from servicedialog.models import ClosedDay
    from servicedialog.orgs.services import create_unit

    org = await create_org("exempelkommun")
    other = await create_org("grannkommun")
    bygg = await create_unit(org, "bygg", "Bygg", "Building")
    miljo = await create_unit(org, "miljo", "Miljö", "Environment")
    permits = await Service.create(
        organisation=org, unit=bygg, code="BYGG", name_sv="Bygglov", name_en="Permits"
    )
    food = await Service.create(
        organisation=org, unit=miljo, code="LIVS", name_sv="Livsmedel", name_en="Food"
    )

    async def record(service: Any, text: str, files: bool = False, **kw: Any) -> Any:
        stored = []
        if files:
            stored = await uploads.store([_Upload("bild.png", png_bytes())], var_dir)
        new = NewFeedback(
            kind=Kind.COMPLAINT,
            text=text,
            service=service,
            contact_name="Karin K",
            contact_email=EMAIL,
            attachments=stored,
            **kw,
        )
        return await (await services.register(org, new)).record()

    own = await record(permits, f"Bygglovet dröjer. Mitt nummer {PNR}.", files=True)
    own_secret = await record(permits, f"Om {SECRET_WORDS} på tomten.")
    other_unit = await record(food, f"Maten var kall. {PNR}", files=True)
    other_unit_secret = await record(food, f"Om {SECRET_WORDS} i köket.")
    unrouted = await record(None, "Var ska jag vända mig?")
    users = {
        role.value: await create_member(
            f"{role.value}@example.se", org, role, unit=bygg if role is Role.HANDLER else None
        )
        for role in Role
    }
    for secret in (own_secret, other_unit_secret):
        await services.set_secrecy(secret, users["handler"], True, "Synpunkt om en granne")
    other_unit_2 = await create_unit(other, "gata", "Gata", "Streets")
    other_service = await Service.create(
        organisation=other, unit=other_unit_2, code="GATA", name_sv="Gator", name_en="Streets"
    )
    other_record = await (
        await services.register(
            other,
            NewFeedback(kind=Kind.COMPLAINT, text="Grannkommunens ärende", service=other_service),
        )
    ).record()
    stored = await uploads.store([_Upload("b.png", png_bytes())], var_dir)
    from complaints.models import Attachment

    other_file = attachments.row(stored[0], other_record)
    await other_file.save()
    stranger = await create_member("stranger@example.se", other, Role.ADMIN)
    key, _secret = await create_key(other, "their app")
    mail = await queue_mail("x@example.se", "Hej", "Text", organisation=other)
    commitment = await Commitment.create(service=other_service, key="k")
    closed = await ClosedDay.create(organisation=other, day=date(2026, 12, 24))
    area = await ProblemArea.create(organisation=other, name_sv="Väntetider", code="vantetider")
    candidate = await Candidate.create(
        organisation=other,
        terms=["snö"],
        label_ids=[],
        representative_ids=[],
        size=0,
        found_at=datetime.now(UTC),
    )
    template = await ReplyTemplate.create(organisation=other, title="T", body_sv="Hej")
    world = World(
        org,
        other,
        bygg,
        miljo,
        own,
        own_secret,
        other_unit,
        other_unit_secret,
        unrouted,
        other_record,
    )
    world.users = users
    world.files = {
        "own": (await Attachment.filter(feedback_id=own.id).first()),
        "other_unit": (await Attachment.filter(feedback_id=other_unit.id).first()),
        "other_org": other_file,
    }
    world.foreign = {
        "unit": other_unit_2.id,
        "user": stranger.id,
        "api_key": key.id,
        "outbox": mail.id,
        "service": other_service.id,
        "commitment": commitment.id,
        "closed_day": closed.id,
        "problem_area": area.id,
        "candidate": candidate.id,
        "template": template.id,
        "feedback": other_record.id,
        "attachment": other_file.id,
    }
    return world


@pytest.fixture
def world(client: Any, settings: Any) -> World:
    return run(client, _build, settings.var_dir)


@pytest.fixture
def as_role(client: Any, world: World) -> Any:
    """as_role("handler") signs in as the world's holder of that role."""

    def sign_in(role: str) -> Any:
        login(client, f"{role}@example.se", PASSWORD)
        return world.users[role]

    return sign_in
