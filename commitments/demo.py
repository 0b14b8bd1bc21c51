"""Demo catalogue and two years of generated case data for Exempelkommun.

Load varies with the seasons (more building permits in spring) and handling slows down in
the summer holidays, so the figures tell a story a quality manager would recognise."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import numpy as np

from commitments.imports import import_cases
from commitments.models import CaseRecord
from commitments.package_files import import_packages
from commitments.queries import recompute_organisation
from commitments.services import import_catalogue
from servicedialog.calendars import today_for
from servicedialog.models import Organisation
from servicedialog.orgs.services import create_organisation

CATALOGUE: dict[str, Any] = {
    "services": [
        {
            "code": "BYGG",
            "unit": "bygg",
            "name": {"sv": "Bygglov", "en": "Building permit"},
            "channels": ["web", "letter"],
            "eservice_level": "transaction",
            "commitments": [
                {
                    "key": "beslut",
                    "promise": {
                        "sv": "Du får beslut om bygglov inom 10 veckor från att ansökan är komplett.",
                        "en": "You get a decision on your building permit within 10 weeks of a complete application.",
                    },
                    "needs": {
                        "sv": "En komplett ansökan med ritningar.",
                        "en": "A complete application with drawings.",
                    },
                    "unit": "weeks",
                    "threshold": 10,
                    "target_share": 0.9,
                    "period": "month",
                    "pause_reasons": ["Väntar på komplettering"],
                    "remedy": {
                        "sv": "Avgiften sänks med en femtedel för varje påbörjad vecka (PBL 12 kap. 8 a §).",
                        "en": "The fee is cut by a fifth for each week begun (PBL 12:8 a).",
                    },
                }
            ],
        },
        {
            "code": "LIVS",
            "unit": "miljo",
            "name": {
                "sv": "Registrering av livsmedelsanläggning",
                "en": "Registration of food premises",
            },
            "channels": ["web"],
            "eservice_level": "transaction",
            "commitments": [
                {
                    "key": "registrering",
                    "promise": {
                        "sv": "Vi registrerar din livsmedelsanläggning inom 10 arbetsdagar.",
                        "en": "We register your food premises within 10 working days.",
                    },
                    "unit": "working_days",
                    "threshold": 10,
                    "target_share": 0.9,
                    "period": "quarter",
                }
            ],
        },
        {
            "code": "EPOST",
            "unit": "kontaktcenter",
            "name": {"sv": "Frågor via e-post", "en": "Questions by e-mail"},
            "channels": ["email"],
            "eservice_level": "interaction",
            "commitments": [
                {
                    "key": "svar",
                    "promise": {
                        "sv": "Vi svarar på din e-post inom 2 arbetsdagar.",
                        "en": "We answer your e-mail within 2 working days.",
                    },
                    "unit": "working_days",
                    "threshold": 2,
                    "target_share": 0.95,
                    "period": "month",
                }
            ],
        },
    ]
}

MORE_SERVICES = [
    {
        "code": "SKYLT",
        "unit": "bygg",
        "name": {"sv": "Skyltlov", "en": "Sign permit"},
        "channels": ["web"],
        "eservice_level": "transaction",
        "commitments": [
            {
                "key": "beslut",
                "promise": {
                    "sv": "Du får beslut om skyltlov inom 5 veckor.",
                    "en": "You get a decision on a sign permit within 5 weeks.",
                },
                "unit": "weeks",
                "threshold": 5,
                "target_share": 0.9,
                "period": "quarter",
            }
        ],
    },
    {
        "code": "SERV",
        "unit": "social",
        "name": {"sv": "Serveringstillstånd", "en": "Licence to serve alcohol"},
        "channels": ["web", "letter"],
        "eservice_level": "interaction",
        "commitments": [
            {
                "key": "beslut",
                "promise": {
                    "sv": "Du får beslut om serveringstillstånd inom 8 veckor från komplett ansökan.",
                    "en": "You get a decision on a licence to serve alcohol within 8 weeks of a complete application.",
                },
                "unit": "weeks",
                "threshold": 8,
                "target_share": 0.9,
                "period": "quarter",
            }
        ],
    },
    {
        "code": "BRAND",
        "unit": "teknik",
        "name": {"sv": "Tillstånd för brandfarliga varor", "en": "Permit for flammable goods"},
        "channels": ["web"],
        "eservice_level": "interaction",
        "commitments": [
            {
                "key": "beslut",
                "promise": {
                    "sv": "Du får beslut inom 20 arbetsdagar.",
                    "en": "You get a decision within 20 working days.",
                },
                "unit": "working_days",
                "threshold": 20,
                "target_share": 0.9,
                "period": "quarter",
            }
        ],
    },
]
CATALOGUE["services"].extend(MORE_SERVICES)

# Authorities outside the municipality that the service packages need.
PARTNERS: list[dict[str, Any]] = [
    {
        "slug": "lansstyrelsen-exempellan",
        "name_sv": "Länsstyrelsen i Exempellän",
        "name_en": "County Administrative Board of Exempellän",
        "kind": "agency",
        "catalogue": {
            "services": [
                {
                    "code": "MILJO",
                    "name": {
                        "sv": "Tillstånd för miljöfarlig verksamhet",
                        "en": "Environmental permit",
                    },
                    "channels": ["web", "letter"],
                    "eservice_level": "interaction",
                    "commitments": [
                        {
                            "key": "beslut",
                            "promise": {
                                "sv": "Du får beslut om tillstånd inom 39 veckor från komplett ansökan.",
                                "en": "You get a decision within 39 weeks of a complete application.",
                            },
                            "unit": "weeks",
                            "threshold": 39,
                            "target_share": 0.8,
                            "period": "year",
                        }
                    ],
                }
            ]
        },
    },
    {
        "slug": "bolagsverket",
        "name_sv": "Bolagsverket",
        "name_en": "Swedish Companies Registration Office",
        "kind": "agency",
        "catalogue": {
            "services": [
                {
                    "code": "AB",
                    "name": {
                        "sv": "Registrering av aktiebolag",
                        "en": "Registration of a limited company",
                    },
                    "channels": ["web"],
                    "eservice_level": "integration",
                    "commitments": [
                        {
                            "key": "registrering",
                            "promise": {
                                "sv": "Vi registrerar ditt aktiebolag inom 5 arbetsdagar.",
                                "en": "We register your limited company within 5 working days.",
                            },
                            "unit": "working_days",
                            "threshold": 5,
                            "target_share": 0.9,
                            "period": "month",
                        }
                    ],
                }
            ]
        },
    },
]

# service code: (cases per year, typical handling days, extra days in July)
PROFILE = {
    "BYGG": (900, 45, 25),
    "LIVS": (150, 7, 8),
    "EPOST": (6000, 1, 3),
    "SKYLT": (120, 20, 10),
    "SERV": (40, 40, 14),
    "BRAND": (30, 18, 10),
    "MILJO": (25, 200, 20),
    "AB": (5000, 3, 2),
}

PACKAGES: list[dict[str, Any]] = [
    {
        "slug": "oppna-restaurang",
        "name": ("Öppna restaurang", "Open a restaurant"),
        "description": (
            "Det här behöver du för att öppna en restaurang eller ett kafé.",
            "What you need to open a restaurant or a café.",
        ),
        "questions": [
            ("bolag", "Startar du ett nytt aktiebolag?", "Are you starting a new limited company?"),
            ("ombyggnad", "Ska du bygga om lokalen?", "Will you rebuild the premises?"),
            ("alkohol", "Ska du servera alkohol?", "Will you serve alcohol?"),
            ("skylt", "Ska du sätta upp en skylt?", "Will you put up a sign?"),
        ],
        "steps": [
            ("bolagsverket", "AB", "bolag"),
            ("exempelkommun", "BYGG", "ombyggnad"),
            ("exempelkommun", "LIVS", None),
            ("exempelkommun", "SERV", "alkohol"),
            ("exempelkommun", "SKYLT", "skylt"),
        ],
    },
    {
        "slug": "produktionsanlaggning",
        "name": ("Bygga en produktionsanläggning", "Build a production plant"),
        "description": (
            "Tillstånd för att bygga och driva en industriell produktionsanläggning.",
            "Permits to build and run an industrial production plant.",
        ),
        "questions": [
            ("bolag", "Startar du ett nytt aktiebolag?", "Are you starting a new limited company?"),
            (
                "brandfarligt",
                "Kommer ni att hantera brandfarliga varor?",
                "Will you handle flammable goods?",
            ),
        ],
        "steps": [
            ("bolagsverket", "AB", "bolag"),
            ("lansstyrelsen-exempellan", "MILJO", None),
            ("exempelkommun", "BYGG", None),
            ("exempelkommun", "BRAND", "brandfarligt"),
        ],
    },
]


def generate_csv(today: date, codes: list[str], seed: int = 2026) -> str:
    rng = np.random.default_rng(seed)
    start = today - timedelta(days=730)
    lines = ["service_code,case_ref,received_at,completed_at,pauses"]
    for code in codes:
        per_year, typical, summer = PROFILE[code]
        n = per_year * 2
        day = rng.integers(0, 730, n)
        received = np.datetime64(start) + day.astype("timedelta64[D]")
        months = received.astype("datetime64[M]").astype(int) % 12 + 1
        spring = (months >= 3) & (months <= 5)
        handling = rng.gamma(2.0, typical / 2.0, n) + np.where(months == 7, summer, 0)
        handling = handling * np.where(spring & (code == "BYGG"), 1.15, 1.0)
        completed = received + np.ceil(handling).astype("timedelta64[D]")
        for i in range(n):
            done = completed[i] <= np.datetime64(today)
            lines.append(
                f"{code},{code}-{i:05d},{received[i]}T09:00:00,"
                f"{str(completed[i]) + 'T15:00:00' if done else ''},"
            )
    return "\n".join(lines) + "\n"


async def _seed_organisation(
    org: Organisation, catalogue: dict[str, Any], today: date, cases: bool
) -> None:
    await import_catalogue(org, catalogue)
    if not cases:
        return
    if not await CaseRecord.filter(service__organisation_id=org.id).exists():
        codes = [s["code"] for s in catalogue["services"]]
        await import_cases(org, io.StringIO(generate_csv(today, codes)))
        await _channels(org, today)
    await recompute_organisation(org, today)


async def _channels(org: Organisation, today: date, seed: int = 2027) -> None:
    """The channel each demo case came in by: the web's share grows from about 45 % two
    years ago to 70 % now (the e-services' story on the dashboards)."""
    rng = np.random.default_rng(seed)
    rows = await CaseRecord.filter(service__organisation_id=org.id).values_list("id", "received_at")
    others = ["phone", "email", "letter", "visit"]
    chosen: dict[str, list[int]] = {}
    for case_id, received_at in rows:
        age = max(0, (today - received_at.date()).days) / 730
        web = 0.7 - 0.25 * age
        channel = "web" if rng.random() < web else others[int(rng.integers(0, len(others)))]
        chosen.setdefault(channel, []).append(case_id)
    for channel, ids in chosen.items():
        for start in range(0, len(ids), 500):
            await CaseRecord.filter(id__in=ids[start : start + 500]).update(channel=channel)


def packages_file(owner: Organisation) -> dict[str, Any]:
    """The demo packages in the format of ``servicedialog packages import``."""
    return {
        "packages": [
            {
                "slug": spec["slug"],
                "owner": owner.slug,
                "name": {"sv": spec["name"][0], "en": spec["name"][1]},
                "description": {"sv": spec["description"][0], "en": spec["description"][1]},
                "questions": [
                    {"key": key, "text": {"sv": sv, "en": en}} for key, sv, en in spec["questions"]
                ],
                "steps": [
                    {"organisation": slug, "service": code, **({"when": when} if when else {})}
                    for slug, code, when in spec["steps"]
                ],
            }
            for spec in PACKAGES
        ]
    }


async def seed(org: Organisation, today: date | None = None, cases: bool = True) -> None:
    """The demo catalogue of ``org`` and its partners, two years of case data for each
    (``cases=False``: the catalogues and packages only, for tests that need no figures),
    and the service packages that span them."""
    today = today or today_for(org)
    await _seed_organisation(org, CATALOGUE, today, cases)
    for partner in PARTNERS:
        other = await Organisation.get_or_none(slug=partner["slug"])
        if other is None:
            other = await create_organisation(
                partner["slug"], partner["name_sv"], partner["name_en"], "SE", partner["kind"]
            )
        await _seed_organisation(other, partner["catalogue"], today, cases)
    await import_packages(packages_file(org))
