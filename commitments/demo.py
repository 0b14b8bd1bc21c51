"""Demo catalogue and two years of generated case data for Exempelkommun.

Load varies with the seasons (more building permits in spring) and handling slows down in
the summer holidays, so the figures tell a story a quality manager would recognise."""

from __future__ import annotations

import io
from datetime import date, timedelta

import numpy as np

from commitments.imports import import_cases
from commitments.models import CaseRecord
from commitments.queries import recompute_organisation
from commitments.services import import_catalogue
from servicedialog.models import Organisation

CATALOGUE = {
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

# service code: (cases per year, typical handling days, extra days in July)
PROFILE = {"BYGG": (900, 45, 25), "LIVS": (150, 7, 8), "EPOST": (6000, 1, 3)}


def generate_csv(today: date, seed: int = 2026) -> str:
    rng = np.random.default_rng(seed)
    start = today - timedelta(days=730)
    lines = ["service_code,case_ref,received_at,completed_at,pauses"]
    for code, (per_year, typical, summer) in PROFILE.items():
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


async def seed(org: Organisation, today: date | None = None) -> None:
    today = today or date.today()
    await import_catalogue(org, CATALOGUE)
    if not await CaseRecord.filter(service__organisation_id=org.id).exists():
        await import_cases(org, io.StringIO(generate_csv(today)))
    await recompute_organisation(org, today)
