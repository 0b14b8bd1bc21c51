"""Service packages as code: ``servicedialog packages import FILE`` and ``packages export``.

A package spans several organisations, so it is managed by the installation (like the
organisations themselves), kept in a JSON file under version control:

    {"packages": [{"slug": "oppna-restaurang", "owner": "exempelkommun",
      "name": {"sv": "Öppna restaurang", "en": "Open a restaurant"},
      "description": {"sv": "…", "en": "…"}, "published": true,
      "questions": [{"key": "alkohol", "text": {"sv": "Ska ni servera alkohol?", "en": "…"}}],
      "steps": [{"organisation": "exempelkommun", "service": "LIVS"},
                {"organisation": "exempelkommun", "service": "SERV", "when": "alkohol"}]}]}

Questions and steps are listed in the order the guide shows them. The whole file is checked
before anything is written, and a problem is reported with its place in the file. Importing
the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from commitments.models import PackageQuestion, PackageStep, Service, ServicePackage
from commitments.services import CatalogueError, parse_text, text_pair
from servicedialog.forms import SLUG_RE
from servicedialog.models import Organisation


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text_sv: str
    text_en: str


@dataclass(frozen=True)
class StepSpec:
    organisation: str
    service: str
    when: str | None


@dataclass(frozen=True)
class PackageSpec:
    slug: str
    owner: str
    name_sv: str
    name_en: str
    description_sv: str
    description_en: str
    published: bool
    questions: list[QuestionSpec] = field(default_factory=list)
    steps: list[StepSpec] = field(default_factory=list)


@dataclass
class PackageReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _package(raw: Any, where: str) -> PackageSpec:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where} must be an object")
    slug = raw.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        raise CatalogueError(f"{where}.slug must be lower-case letters, digits and hyphens")
    owner = raw.get("owner")
    if not isinstance(owner, str) or not owner:
        raise CatalogueError(f"{where}.owner must be the slug of an organisation")
    name = parse_text(raw.get("name"), f"{where}.name", required=True)
    description = parse_text(raw.get("description"), f"{where}.description")
    published = raw.get("published", True)
    if not isinstance(published, bool):
        raise CatalogueError(f"{where}.published must be true or false")
    questions = []
    for i, q in enumerate(raw.get("questions", [])):
        place = f"{where}.questions[{i}]"
        if not isinstance(q, dict) or not isinstance(q.get("key"), str) or not q["key"]:
            raise CatalogueError(f"{place}.key is required")
        if len(q["key"]) > 32:
            raise CatalogueError(f"{place}.key must be at most 32 characters")
        questions.append(QuestionSpec(q["key"], *parse_text(q.get("text"), f"{place}.text", True)))
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise CatalogueError(f"{where}.questions: each key must be unique")
    steps = []
    for i, s in enumerate(raw.get("steps", [])):
        place = f"{where}.steps[{i}]"
        if not isinstance(s, dict):
            raise CatalogueError(f"{place} must be an object")
        org, code, when = s.get("organisation"), s.get("service"), s.get("when")
        if not isinstance(org, str) or not isinstance(code, str):
            raise CatalogueError(f"{place} needs an organisation slug and a service code")
        if when is not None and when not in keys:
            raise CatalogueError(f"{place}.when: no question with key {when!r}")
        steps.append(StepSpec(org, code, when))
    if not steps:
        raise CatalogueError(f"{where}.steps: a package needs at least one step")
    return PackageSpec(slug, owner, *name, *description, published, questions, steps)


def parse_packages(data: Any) -> list[PackageSpec]:
    if not isinstance(data, dict) or not isinstance(data.get("packages"), list):
        raise CatalogueError('the file must be {"packages": [ … ]}')
    specs = [_package(raw, f"packages[{i}]") for i, raw in enumerate(data["packages"])]
    slugs = [s.slug for s in specs]
    if len(set(slugs)) != len(slugs):
        raise CatalogueError("packages: each slug must be unique")
    return specs


async def import_packages(data: Any) -> PackageReport:
    """Create or update every package in ``data``, all or nothing."""
    specs = parse_packages(data)
    slugs = {s.organisation for spec in specs for s in spec.steps} | {s.owner for s in specs}
    organisations = {o.slug: o for o in await Organisation.filter(slug__in=sorted(slugs))}
    services = {
        (s.organisation.slug, s.code): s
        for s in await Service.filter(organisation__slug__in=sorted(slugs)).select_related(
            "organisation"
        )
    }
    for i, spec in enumerate(specs):
        if spec.owner not in organisations:
            raise CatalogueError(f"packages[{i}].owner: no organisation {spec.owner!r}")
        for j, step in enumerate(spec.steps):
            if step.organisation not in organisations:
                raise CatalogueError(
                    f"packages[{i}].steps[{j}]: no organisation {step.organisation!r}"
                )
            if (step.organisation, step.service) not in services:
                raise CatalogueError(
                    f"packages[{i}].steps[{j}]: {step.organisation} has no service {step.service!r}"
                )
    report = PackageReport()
    async with in_transaction():
        for spec in specs:
            existing = await ServicePackage.get_or_none(slug=spec.slug)
            if existing is not None and _spec_of(await _load(existing)) == spec:
                report.unchanged += 1
                continue
            await _write(spec, existing, organisations, services)
            if existing is None:
                report.created += 1
            else:
                report.updated += 1
    return report


async def _write(
    spec: PackageSpec,
    package: ServicePackage | None,
    organisations: dict[str, Organisation],
    services: dict[tuple[str, str], Service],
) -> None:
    values: dict[str, Any] = {
        "owner_id": organisations[spec.owner].id,
        "name_sv": spec.name_sv,
        "name_en": spec.name_en,
        "description_sv": spec.description_sv,
        "description_en": spec.description_en,
        "published": spec.published,
    }
    if package is None:
        package = await ServicePackage.create(slug=spec.slug, **values)
    else:
        await ServicePackage.filter(id=package.id).update(**values)
        # Steps refer to questions: replace both, in the file's order.
        await PackageStep.filter(package_id=package.id).delete()
        await PackageQuestion.filter(package_id=package.id).delete()
    questions = {}
    for position, q in enumerate(spec.questions):
        questions[q.key] = await PackageQuestion.create(
            package_id=package.id,
            key=q.key,
            position=position,
            text_sv=q.text_sv,
            text_en=q.text_en,
        )
    await PackageStep.bulk_create(
        [
            PackageStep(
                package_id=package.id,
                position=position,
                service_id=services[(s.organisation, s.service)].id,
                question_id=questions[s.when].id if s.when else None,
            )
            for position, s in enumerate(spec.steps)
        ]
    )


async def _load(package: ServicePackage) -> dict[str, Any]:
    owner = await Organisation.get(id=package.owner_id)
    questions = await PackageQuestion.filter(package_id=package.id).order_by("position")
    keys = {q.id: q.key for q in questions}
    steps = (
        await PackageStep.filter(package_id=package.id)
        .order_by("position")
        .select_related("service__organisation")
    )
    return {
        "slug": package.slug,
        "owner": owner.slug,
        "name": text_pair(package.name_sv, package.name_en),
        "description": text_pair(package.description_sv, package.description_en),
        "published": package.published,
        "questions": [{"key": q.key, "text": text_pair(q.text_sv, q.text_en)} for q in questions],
        "steps": [
            {
                "organisation": s.service.organisation.slug,
                "service": s.service.code,
                **({"when": keys[s.question_id]} if s.question_id in keys else {}),
            }
            for s in steps
        ],
    }


def _spec_of(raw: dict[str, Any]) -> PackageSpec:
    return _package(raw, "stored")


async def export_packages() -> dict[str, Any]:
    """Every package in the import format."""
    return {"packages": [await _load(p) for p in await ServicePackage.all().order_by("slug")]}
