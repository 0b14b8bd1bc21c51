"""Demo data: an example Swedish municipality and a Finnish city, one user per role.

Idempotent: running it again leaves what exists and adds what is missing. Later features
extend the demo with their own data.
"""

from __future__ import annotations

from collections.abc import Callable

from servicedialog import audit
from servicedialog.models import Organisation, Unit, User
from servicedialog.orgs.services import create_organisation, create_unit, create_user, grant_role
from servicedialog.roles import Role

DEMO_PASSWORD = "demo-servicedialog"

ORGANISATIONS = [
    {
        "slug": "exempelkommun", "name_sv": "Exempelkommun", "name_en": "Exempelkommun Municipality",
        "country": "SE", "kind": "municipality",
        "units": [
            ("bygg", "Stadsbyggnadsförvaltningen", "City Planning and Building Department"),
            ("miljo", "Miljöförvaltningen", "Environment Department"),
            ("teknik", "Tekniska förvaltningen", "Technical Services Department"),
            ("social", "Socialförvaltningen", "Social Services Department"),
            ("kontaktcenter", "Kontaktcenter", "Contact Centre"),
        ],
        "users": [
            ("admin@exempelkommun.se", "Alva Admin", Role.ADMIN, None, True),
            ("kvalitet@exempelkommun.se", "Kim Kvalitet", Role.QUALITY_MANAGER, None, False),
            ("handlaggare@exempelkommun.se", "Hugo Handläggare", Role.HANDLER, "bygg", False),
            ("kontaktcenter@exempelkommun.se", "Karin Kontakt", Role.CONTACT_CENTRE,
             "kontaktcenter", False),
            ("ledning@exempelkommun.se", "Leila Ledning", Role.LEADERSHIP, None, False),
        ],
    },
    {
        "slug": "esimerkkikaupunki", "name_sv": "Exempelstad (Esimerkkikaupunki)",
        "name_en": "Example City (Esimerkkikaupunki)", "country": "FI", "kind": "municipality",
        "units": [
            ("rakennusvalvonta", "Byggnadstillsynen", "Building Control"),
            ("ymparisto", "Miljötjänster", "Environmental Services"),
            ("asiakaspalvelu", "Kundtjänst", "Customer Service"),
        ],
        "users": [
            ("admin@esimerkki.fi", "Aino Admin", Role.ADMIN, None, False),
            ("laatu@esimerkki.fi", "Lauri Laatu", Role.QUALITY_MANAGER, None, False),
            ("kasittelija@esimerkki.fi", "Kaisa Käsittelijä", Role.HANDLER, "rakennusvalvonta",
             False),
            ("asiakaspalvelu@esimerkki.fi", "Aleksi Asiakas", Role.CONTACT_CENTRE,
             "asiakaspalvelu", False),
            ("johto@esimerkki.fi", "Johanna Johto", Role.LEADERSHIP, None, False),
        ],
    },
]


async def seed(progress: Callable[[int], None] | None = None) -> list[tuple[str, str, str]]:
    """Create the demo organisations, units and users; return (email, org, role) rows."""
    credentials: list[tuple[str, str, str]] = []
    for spec in ORGANISATIONS:
        org = await Organisation.get_or_none(slug=spec["slug"])
        if org is None:
            org = await create_organisation(
                spec["slug"], spec["name_sv"], spec["name_en"], spec["country"], spec["kind"]
            )
            await audit.record("organisation.created", target=org, via="demo")
        units = {}
        for code, name_sv, name_en in spec["units"]:
            unit = await Unit.get_or_none(organisation=org, code=code)
            units[code] = unit or await create_unit(org, code, name_sv, name_en)
        for email, name, role, unit_code, superuser in spec["users"]:
            user = await User.get_or_none(email=email)
            if user is None:
                user = await create_user(email, DEMO_PASSWORD, name, is_superuser=superuser)
            await grant_role(user, org, role, units.get(unit_code) if unit_code else None)
            credentials.append((email, org.slug, role.value))
        if progress:
            progress(1)
    return credentials
