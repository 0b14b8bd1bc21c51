"""Keeping the list: plain functions the pages, the demo and the tests call."""

from __future__ import annotations

from problem_areas.models import ProblemArea
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation
from servicedialog.orgs.services import DomainError


async def active_areas(organisation: Organisation) -> list[ProblemArea]:
    return list(await ProblemArea.filter(organisation_id=organisation.id, active=True))


async def save_area(
    organisation: Organisation,
    name_sv: str,
    name_en: str,
    description_sv: str = "",
    description_en: str = "",
    area: ProblemArea | None = None,
) -> ProblemArea:
    """Create an area, or rename one; two areas of one organisation never share a name."""
    clash = ProblemArea.filter(organisation_id=organisation.id, name_sv=name_sv)
    if area is not None:
        clash = clash.exclude(id=area.id)
    if await clash.exists():
        raise DomainError("name_sv", _("There is already a problem area with this name."))
    if area is None:
        return await ProblemArea.create(
            organisation=organisation,
            name_sv=name_sv,
            name_en=name_en,
            description_sv=description_sv,
            description_en=description_en,
        )
    area.name_sv, area.name_en = name_sv, name_en
    area.description_sv, area.description_en = description_sv, description_en
    await area.save()
    return area


DEMO_AREAS = [
    ("Långa handläggningstider", "Long processing times"),
    ("Otydlig information", "Unclear information"),
    ("Svårt att nå oss", "Hard to reach us"),
    ("Bemötande", "How we treated you"),
    ("E-tjänsten fungerar dåligt", "The e-service does not work well"),
    ("Felaktigt beslut", "Wrong decision"),
    ("Avgifter", "Fees"),
    ("Fysisk miljö och tillgänglighet", "Premises and accessibility"),
]


async def seed_demo(organisation: Organisation) -> None:
    for sv, en in DEMO_AREAS:
        await ProblemArea.get_or_create(
            organisation=organisation, name_sv=sv, defaults={"name_en": en}
        )
