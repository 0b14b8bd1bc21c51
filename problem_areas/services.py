"""Keeping the list of areas: plain functions the pages, the demo and the tests call.

Areas are governed, not just edited: renaming keeps the ``code``; retiring keeps the area
on what used it; merging moves every label of one area to another and leaves a
``successor`` behind, so a model trained before the merge still predicts the right area.
Each change is audited inside the same transaction as the change itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from problem_areas.models import Label, LabelChange, ProblemArea
from servicedialog import audit
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation, User
from servicedialog.orgs.services import DomainError

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


def now() -> datetime:
    return datetime.now(UTC)


def _forget(organisation_id: int) -> None:
    """The classifier's cached areas of this process are out of date (other workers see
    the change within classify.CHECK_SECONDS)."""
    from problem_areas.classify import forget

    forget(organisation_id)


def code_from(name: str) -> str:
    """A code for a name: "Gata & park" -> "gata_park" (ASCII, lower case, underscores)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:60]
    if not code or not code[0].isalpha():
        code = f"area_{code}".rstrip("_")
    return code if len(code) >= 2 else f"{code}_area"


async def active_areas(organisation: Organisation) -> list[ProblemArea]:
    return list(await ProblemArea.filter(organisation_id=organisation.id, active=True))


async def _free_code(organisation: Organisation, wanted: str) -> str:
    taken: set[str] = set(
        await ProblemArea.filter(
            organisation_id=organisation.id, code__startswith=wanted
        ).values_list("code", flat=True)  # type: ignore[arg-type]
    )
    code, n = wanted, 2
    while code in taken:
        code, n = f"{wanted[:58]}_{n}", n + 1
    return code


async def save_area(
    organisation: Organisation,
    name_sv: str,
    name_en: str,
    description_sv: str = "",
    description_en: str = "",
    area: ProblemArea | None = None,
    *,
    code: str = "",
    parent_id: int | None = None,
    actor: User | None = None,
) -> ProblemArea:
    """Create an area, or rename one (its code stays); two areas of one organisation never
    share a name or a code. ``code`` is derived from the name when not given."""
    clash = ProblemArea.filter(organisation_id=organisation.id, name_sv=name_sv)
    if area is not None:
        clash = clash.exclude(id=area.id)
    if await clash.exists():
        raise DomainError("name_sv", _("There is already a problem area with this name."))
    if code and not CODE_RE.match(code):
        raise DomainError(
            "code", _("Use 2–63 lower-case letters a–z, digits and underscores, first a letter.")
        )
    if (
        area is None
        and code
        and await ProblemArea.filter(organisation_id=organisation.id, code=code).exists()
    ):
        raise DomainError("code", _("There is already a problem area with this code."))
    if parent_id is not None:
        await _check_parent(organisation, area, parent_id)
    async with in_transaction():
        if area is None:
            area = await ProblemArea.create(
                organisation=organisation,
                code=code or await _free_code(organisation, code_from(name_sv)),
                name_sv=name_sv,
                name_en=name_en,
                description_sv=description_sv,
                description_en=description_en,
                parent_id=parent_id,
            )
            action = "problem_area.created"
        else:
            area.name_sv, area.name_en = name_sv, name_en
            area.description_sv, area.description_en = description_sv, description_en
            area.parent_id = parent_id
            await area.save()
            action = "problem_area.changed"
        await audit.record(action, actor=actor, target=area, organisation=organisation)
    _forget(organisation.id)
    return area


async def _check_parent(
    organisation: Organisation, area: ProblemArea | None, parent_id: int
) -> None:
    """The parent is an active area of the same organisation, and never the area itself or
    one of its descendants (the tree has no circles)."""
    parent = await ProblemArea.get_or_none(
        id=parent_id, organisation_id=organisation.id, active=True
    )
    if parent is None:
        raise DomainError("parent", _("Choose one of the options."))
    seen: set[int] = set()
    node: ProblemArea | None = parent
    while node is not None and node.id not in seen:
        if area is not None and node.id == area.id:
            raise DomainError("parent", _("An area cannot be placed under itself."))
        seen.add(node.id)
        node = await ProblemArea.get_or_none(id=node.parent_id) if node.parent_id else None


async def set_active(area: ProblemArea, active: bool, *, actor: User | None) -> None:
    """Retire an area (it stays on what used it and is never predicted) or use it again."""
    if active and area.successor_id is not None:
        raise DomainError("area", _("A merged area cannot be used again."))
    async with in_transaction():
        area.active = active
        await area.save(update_fields=["active"])
        await audit.record(
            "problem_area.activated" if active else "problem_area.retired",
            actor=actor,
            target=area,
            organisation_id=area.organisation_id,
        )
    _forget(area.organisation_id)


async def merge(source: ProblemArea, target: ProblemArea, *, actor: User | None) -> int:
    """Every label of ``source`` becomes ``target``; ``source`` is retired with ``target``
    as its successor. Returns the number of labels moved."""
    if source.id == target.id or source.organisation_id != target.organisation_id:
        raise DomainError("target", _("Choose another area of your organisation."))
    if not target.active:
        raise DomainError("target", _("Choose an area that is in use."))
    moved_at = now()
    async with in_transaction():
        label_ids: list[int] = list(
            await Label.filter(
                organisation_id=source.organisation_id, area_id=source.id
            ).values_list("id", flat=True)  # type: ignore[arg-type]
        )
        await _history(label_ids, source.id, target.id, "merged", actor, moved_at)
        await Label.filter(id__in=label_ids).update(area_id=target.id)
        await Label.filter(organisation_id=source.organisation_id, hint_area_id=source.id).update(
            hint_area_id=target.id
        )
        # Earlier merges into the source now lead to the target directly.
        await ProblemArea.filter(successor_id=source.id).update(successor_id=target.id)
        await ProblemArea.filter(parent_id=source.id).update(parent_id=target.id)
        source.active, source.successor_id = False, target.id
        await source.save(update_fields=["active", "successor_id"])
        await audit.record(
            "problem_area.merged",
            actor=actor,
            target=source,
            organisation_id=source.organisation_id,
            into=target.code,
            labels=len(label_ids),
        )
    _forget(source.organisation_id)
    return len(label_ids)


async def reassign(
    organisation_id: int,
    label_ids: Sequence[int],
    area: ProblemArea,
    *,
    actor: User | None,
    kind: str = "corrected",
) -> int:
    """A person sets the area of these labels (a correction, a split, a new area from a
    discovered candidate): each change is kept in the history. Returns how many changed."""
    if area.organisation_id != organisation_id or not area.active:
        raise DomainError("area", _("Choose an area that is in use."))
    from problem_areas.models import LabelState

    at = now()
    async with in_transaction():
        rows = await Label.filter(organisation_id=organisation_id, id__in=list(label_ids)).values(
            "id", "area_id", "predicted_area_id"
        )
        for row in rows:
            await LabelChange.create(
                label_id=row["id"],
                area_id=area.id,
                previous_area_id=row["area_id"],
                kind=kind,
                by_user=actor,
                at=at,
            )
        confirmed = [r["id"] for r in rows if r["predicted_area_id"] == area.id]
        corrected = [r["id"] for r in rows if r["predicted_area_id"] != area.id]
        for ids, state in ((confirmed, LabelState.CONFIRMED), (corrected, LabelState.CORRECTED)):
            if ids:
                await Label.filter(id__in=ids).update(
                    area_id=area.id, state=state, set_by_id=actor.id if actor else None, set_at=at
                )
    return len(rows)


async def _history(
    label_ids: Sequence[int],
    previous: int | None,
    area_id: int | None,
    kind: str,
    actor: User | None,
    at: datetime,
) -> None:
    if label_ids:
        await LabelChange.bulk_create(
            [
                LabelChange(
                    label_id=label_id,
                    area_id=area_id,
                    previous_area_id=previous,
                    kind=kind,
                    by_user=actor,
                    at=at,
                )
                for label_id in label_ids
            ]
        )


async def successors(organisation_id: int) -> dict[int, ProblemArea]:
    """Each area of the organisation mapped to the area that stands for it now: itself
    when active, its last successor when merged; retired areas without one are left out."""
    areas = {a.id: a for a in await ProblemArea.filter(organisation_id=organisation_id)}
    result: dict[int, ProblemArea] = {}
    for area in areas.values():
        node, seen = area, set()
        while node.successor_id is not None and node.successor_id in areas and node.id not in seen:
            seen.add(node.id)
            node = areas[node.successor_id]
        if node.active:
            result[area.id] = node
    return result


def area_choices(areas: Sequence[ProblemArea], language: str) -> list[dict[str, Any]]:
    """The areas in use as options for a select, in the reader's language."""
    return [{"value": str(a.id), "label": a.name(language)} for a in areas if a.active]


async def seed_demo(organisation: Organisation) -> None:
    """The demo taxonomy: the starter model's areas, with their codes."""
    from problem_areas.starter.demo_texts import AREAS

    for code, (name_sv, name_en, description_sv, description_en) in AREAS.items():
        await ProblemArea.get_or_create(
            organisation=organisation,
            code=code,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "description_sv": description_sv,
                "description_en": description_en,
            },
        )
