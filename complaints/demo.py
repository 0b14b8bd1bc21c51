"""Demo feedback: two years of realistic Swedish feedback in the example municipality."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from commitments.models import Commitment, Service
from commitments.services import import_catalogue
from complaints import services
from complaints.handling import handling_catalogue
from complaints.models import Feedback, ReplyTemplate
from complaints.services import Closing, NewFeedback
from complaints.states import Channel, Kind, Outcome
from problem_areas.demo import seed as seed_insight
from problem_areas.models import ProblemArea
from problem_areas.services import seed_demo as seed_areas
from problem_areas.starter.demo_texts import demo_texts
from servicedialog.models import Membership, Organisation, User
from servicedialog.roles import Role

ANSWERS = [
    "Tack för att du hörde av dig. Vi har gått igenom ditt ärende och ber om ursäkt för "
    "dröjsmålet. Beslutet skickas till dig denna vecka.",
    "Tack för din synpunkt. Vi har rättat informationen på webbplatsen.",
    "Vi har undersökt saken och bedömer att beslutet är riktigt. Du kan överklaga det.",
]
TEMPLATES = [
    (
        "Tack för synpunkten",
        "Tack för att du hörde av dig. Vi har tagit emot din synpunkt och "
        "återkommer inom tio arbetsdagar.",
        "Thank you for contacting us. We have received your "
        "feedback and will answer within ten working days.",
    ),
    (
        "Komplettering behövs",
        "För att kunna hantera ditt ärende behöver vi mer information: ",
        "To handle your case we need more information: ",
    ),
]


def _root_cause(rng: random.Random, areas: dict[str, ProblemArea], code: str) -> int | None:
    """The handler's root cause: the text's own area, now and then another (people differ)."""
    if not areas:
        return None
    area = areas.get(code) if rng.random() < 0.9 else rng.choice(list(areas.values()))
    return area.id if area is not None else None


IMPROVED_DAYS_AGO = 270
DELAYS = (2, 5, 8, 9, 12, 15, 25)
SLOW_DELAYS = (5, 9, 12, 16, 20, 25, 30)
IMPROVEMENTS = {
    "arendestatus": "Ärendets status och nästa steg visas nu på Mina sidor.",
    "e_tjanster": "Inloggningen med BankID testas nu efter varje uppdatering.",
    "tillganglighet_kontakt": "Telefontiden utökad till 8–17 och återuppringning införd.",
    "gata_park": "Felanmälan kvitteras nu med beräknad åtgärdsdag.",
}


def _improvement(rng: random.Random, code: str, days_ago: int) -> str:
    """What the handler wrote as improvement: the status-on-Mina-sidor change for the case
    status complaints closed just before it, now and then another area's lesson."""
    if code == "arendestatus" and IMPROVED_DAYS_AGO <= days_ago < IMPROVED_DAYS_AGO + 90:
        return IMPROVEMENTS[code] if rng.random() < 0.6 else ""
    if code in IMPROVEMENTS and rng.random() < 0.08:
        return IMPROVEMENTS[code]
    return ""


async def seed(org: Organisation, count: int = 2500, seed_value: int = 2026) -> None:
    if await Feedback.filter(organisation_id=org.id).exists():
        return
    await import_catalogue(org, handling_catalogue())
    for title, sv, en in TEMPLATES:
        await ReplyTemplate.get_or_create(
            organisation_id=org.id, title=title, defaults={"body_sv": sv, "body_en": en}
        )
    rng = random.Random(seed_value)
    service_list = [s for s in await Service.filter(organisation_id=org.id) if s.code != "SYNPUNKT"]
    if not service_list:
        return
    commitments = {
        c.service_id: c
        for c in await Commitment.filter(service__organisation_id=org.id, status="published")
    }
    handler_ids = await Membership.filter(organisation_id=org.id, role=Role.HANDLER).values_list(
        "user_id", flat=True
    )
    handler_list = list(await User.filter(id__in=handler_ids)) or list(
        await User.filter(memberships__organisation_id=org.id)
    )
    await seed_areas(org)  # the features seed in name order; the areas are needed first
    areas = {a.code: a for a in await ProblemArea.filter(organisation_id=org.id)}
    texts = demo_texts(rng, count)
    now = datetime.now(UTC)
    kinds = [Kind.COMPLAINT] * 6 + [Kind.SUGGESTION] * 2 + [Kind.PRAISE, Kind.QUESTION]
    channels = (
        [Channel.WEB] * 6 + [Channel.PHONE] * 2 + [Channel.EMAIL, Channel.VISIT, Channel.LETTER]
    )
    # Oldest first, so that the registration numbers follow the order of arrival.
    ages = sorted((int(730 * (1 - rng.random() ** 1.3)) for _ in range(count)), reverse=True)
    # A rising problem for the insight pages to find: sign-in to the e-services failing
    # this week (a BankID change), far above the area's usual count.
    spike = [t for t in demo_texts(random.Random(seed_value + 1), 600) if t[2] == "e_tjanster"]
    for offset, item in enumerate(spike[:30]):
        ages.append(offset % 6)
        texts.append(item)
    for i, days_ago in enumerate(ages):
        text, language, code = texts[i]
        # An improvement that worked: since the case status is shown on Mina sidor (about
        # nine months ago), far fewer people write to ask how their case stands.
        if code == "arendestatus" and days_ago < IMPROVED_DAYS_AGO and rng.random() < 0.65:
            continue
        received_at = now - timedelta(days=days_ago, hours=rng.randint(0, 9))
        kind = rng.choice(kinds)
        service = rng.choice(service_list)
        anonymous = rng.random() < 0.15
        registered = await services.register(
            org,
            NewFeedback(
                kind=kind,
                text=text,
                service=service,
                commitment=commitments.get(service.id)
                if kind is Kind.COMPLAINT and rng.random() < 0.4
                else None,
                anonymous=anonymous,
                contact_name="" if anonymous else f"Person {i}",
                contact_email="" if anonymous else f"person{i}@example.se",
                channel=rng.choice(channels),
                received_at=received_at,
                language=language,
            ),
        )
        if days_ago < 12 and rng.random() < 0.6:
            continue  # recent ones are still open, some overdue
        feedback = await registered.record()
        handler = rng.choice(handler_list)
        await services.assign(feedback, handler, handler)
        if days_ago < 40 and rng.random() < 0.5:
            continue
        cause = _root_cause(rng, areas, code) if kind is not Kind.PRAISE else None
        cause_code = next((c for c, a in areas.items() if a.id == cause), "")
        await services.close(
            feedback,
            handler,
            Closing(
                answer="" if anonymous else rng.choice(ANSWERS),
                outcome=rng.choice(list(Outcome)) if kind is Kind.COMPLAINT else None,
                root_cause_id=cause,
                improvement=_improvement(rng, cause_code, days_ago),
            ),
        )
        # Handling slips in the last four months (a unit short of staff): answers take longer.
        delays = SLOW_DELAYS if days_ago < 120 else DELAYS
        answered = received_at + timedelta(days=rng.choice(delays))
        # The statistics' facts go with the moved dates: the next refresh computes them.
        await Feedback.filter(id=feedback.id).update(
            closed_at=answered,
            answered_at=answered,
            acknowledged_at=min(
                answered, received_at + timedelta(days=rng.choice([0, 1, 1, 2, 4]))
            ),
            acknowledged_on_time=None,
            answered_on_time=None,
            handling_days=None,
        )
        if not anonymous and rng.random() < 0.35:
            await services.record_satisfaction(feedback, rng.choice([1, 2, 3, 4, 4, 5, 5]), "")
    await seed_insight(org)  # classify the texts, review part of them, train the first model
