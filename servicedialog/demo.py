"""Demo data: an example Swedish municipality and a Finnish city, one user per role.

Idempotent: running it again leaves what exists and adds what is missing. Later features
extend the demo with their own data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from servicedialog import audit
from servicedialog.features import discover
from servicedialog.mail import queue_mail
from servicedialog.models import Organisation, OutboxMessage, OutboxStatus, Unit, User
from servicedialog.orgs.services import create_organisation, create_unit, create_user, grant_role
from servicedialog.roles import Role

DEMO_PASSWORD = "demo-servicedialog"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    unit_code: str | None = None
    superuser: bool = False


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name_sv: str
    name_en: str
    country: str
    kind: str
    units: list[tuple[str, str, str]]  # code, Swedish name, English name
    users: list[DemoUser]
    population: int | None = None  # the dashboards show feedback per 1,000 inhabitants


ORGANISATIONS = [
    DemoOrganisation(
        slug="exempelkommun",
        name_sv="Exempelkommun",
        name_en="Exempelkommun Municipality",
        country="SE",
        kind="municipality",
        population=48_500,
        units=[
            ("bygg", "Stadsbyggnadsförvaltningen", "City Planning and Building Department"),
            ("miljo", "Miljöförvaltningen", "Environment Department"),
            ("teknik", "Tekniska förvaltningen", "Technical Services Department"),
            ("social", "Socialförvaltningen", "Social Services Department"),
            ("kontaktcenter", "Kontaktcenter", "Contact Centre"),
        ],
        users=[
            DemoUser("admin@exempelkommun.se", "Alva Admin", Role.ADMIN, superuser=True),
            DemoUser("kvalitet@exempelkommun.se", "Kim Kvalitet", Role.QUALITY_MANAGER),
            DemoUser("handlaggare@exempelkommun.se", "Hugo Handläggare", Role.HANDLER, "bygg"),
            DemoUser(
                "kontaktcenter@exempelkommun.se",
                "Karin Kontakt",
                Role.CONTACT_CENTRE,
                "kontaktcenter",
            ),
            DemoUser("ledning@exempelkommun.se", "Leila Ledning", Role.LEADERSHIP),
        ],
    ),
    DemoOrganisation(
        slug="esimerkkikaupunki",
        name_sv="Exempelstad (Esimerkkikaupunki)",
        name_en="Example City (Esimerkkikaupunki)",
        country="FI",
        kind="municipality",
        population=31_200,
        units=[
            ("rakennusvalvonta", "Byggnadstillsynen", "Building Control"),
            ("ymparisto", "Miljötjänster", "Environmental Services"),
            ("asiakaspalvelu", "Kundtjänst", "Customer Service"),
        ],
        users=[
            DemoUser("admin@esimerkki.fi", "Aino Admin", Role.ADMIN),
            DemoUser("laatu@esimerkki.fi", "Lauri Laatu", Role.QUALITY_MANAGER),
            DemoUser(
                "kasittelija@esimerkki.fi", "Kaisa Käsittelijä", Role.HANDLER, "rakennusvalvonta"
            ),
            DemoUser(
                "asiakaspalvelu@esimerkki.fi",
                "Aleksi Asiakas",
                Role.CONTACT_CENTRE,
                "asiakaspalvelu",
            ),
            DemoUser("johto@esimerkki.fi", "Johanna Johto", Role.LEADERSHIP),
        ],
    ),
]


async def seed(
    progress: Callable[[int], None] | None = None, features: bool = True
) -> list[tuple[str, str, str]]:
    """Create the demo organisations, units and users, and (``features``) each feature's
    demo data; return (email, org, role) rows. Tests of one feature seed the core's part
    alone and then that feature's own seeder."""
    credentials: list[tuple[str, str, str]] = []
    for spec in ORGANISATIONS:
        org = await Organisation.get_or_none(slug=spec.slug)
        if org is None:
            org = await create_organisation(
                spec.slug, spec.name_sv, spec.name_en, spec.country, spec.kind
            )
            await audit.record("organisation.created", target=org, via="demo")
        if spec.population and org.population is None:
            org.population = spec.population
            await org.save(update_fields=["population"])
        units: dict[str, Unit] = {}
        for code, name_sv, name_en in spec.units:
            unit = await Unit.get_or_none(organisation=org, code=code)
            units[code] = unit or await create_unit(org, code, name_sv, name_en)
        for person in spec.users:
            user = await User.get_or_none(email=person.email)
            if user is None:
                user = await create_user(
                    person.email, DEMO_PASSWORD, person.name, is_superuser=person.superuser
                )
            unit = units.get(person.unit_code) if person.unit_code else None
            await grant_role(user, org, person.role, unit)
            credentials.append((person.email, org.slug, person.role.value))
        await seed_outbox(org)
        for feature in discover() if features else ():
            if feature.seed_demo is not None:
                await feature.seed_demo(org)
        if progress:
            progress(1)
    return credentials


async def seed_outbox(org: Organisation) -> None:
    """Two example messages in the outbox (to example.com, a domain reserved for examples),
    so that the demo shows what Administration → Outgoing e-mail looks like."""
    if await OutboxMessage.exists(organisation_id=org.id, reference__startswith="demo:"):
        return
    body = (
        f"Hej!\n\nTack för att du hörde av dig till {org.name_sv}. Vi har tagit emot din "
        "synpunkt och svarar inom tio arbetsdagar.\n\n"
        f"Med vänlig hälsning\n{org.name_sv}\n\n"
        "(Ett exempel i demonstrationen av Servicedialog.)"
    )
    subject = "Vi har tagit emot din synpunkt"
    await queue_mail("invanare@example.com", subject, body, organisation=org, reference="demo:1")
    refused = await queue_mail(
        "okand@example.com", subject, body, organisation=org, reference="demo:2"
    )
    await OutboxMessage.filter(id=refused.id).update(
        status=OutboxStatus.FAILED,
        attempts=1,
        last_error="550 5.1.1 <okand@example.com>: Recipient address rejected: User unknown",
    )
