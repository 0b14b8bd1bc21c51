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
from problem_areas.models import ProblemArea
from problem_areas.services import seed_demo as seed_areas
from servicedialog.models import Membership, Organisation, User
from servicedialog.roles import Role

TEXTS = {
    Kind.COMPLAINT: [
        "Jag har väntat i sju veckor på beslut om mitt bygglov och ingen svarar när jag ringer.",
        "Handläggaren lovade att återkomma men jag har inte hört något på tre veckor.",
        "E-tjänsten för ansökan om serveringstillstånd hänger sig när jag laddar upp ritningar.",
        "Avgiften för livsmedelskontrollen är mycket högre än det som står på webbplatsen.",
        "Beslutet om skylten är felaktigt, grannen fick samma skylt godkänd förra året.",
        "Ingen svarade på mitt mejl till kundtjänst trots att ni lovar svar inom två dagar.",
        "Informationen om vilka handlingar som krävs är otydlig och motsägelsefull.",
        "Receptionen i stadshuset var stängd under ordinarie öppettid.",
    ],
    Kind.SUGGESTION: [
        "Det vore bra om man kunde se var i kön ens ärende ligger.",
        "Skicka gärna en påminnelse innan tillsynsbesöket.",
        "Lägg till en engelsk version av blanketten för bygglov.",
    ],
    Kind.PRAISE: [
        "Tack till bygglovshandläggaren som förklarade allt så tydligt!",
        "Snabbt och vänligt bemötande i kundtjänst.",
    ],
    Kind.QUESTION: [
        "Behöver jag bygglov för ett attefallshus på 25 kvadratmeter?",
        "Hur lång tid tar det att registrera en livsmedelsanläggning?",
    ],
}
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
    areas = list(await ProblemArea.filter(organisation_id=org.id))
    now = datetime.now(UTC)
    kinds = [Kind.COMPLAINT] * 6 + [Kind.SUGGESTION] * 2 + [Kind.PRAISE, Kind.QUESTION]
    channels = (
        [Channel.WEB] * 6 + [Channel.PHONE] * 2 + [Channel.EMAIL, Channel.VISIT, Channel.LETTER]
    )
    # Oldest first, so that the registration numbers follow the order of arrival.
    ages = sorted((int(730 * (1 - rng.random() ** 1.3)) for _ in range(count)), reverse=True)
    for i, days_ago in enumerate(ages):
        received_at = now - timedelta(days=days_ago, hours=rng.randint(0, 9))
        kind = rng.choice(kinds)
        service = rng.choice(service_list)
        anonymous = rng.random() < 0.15
        registered = await services.register(
            org,
            NewFeedback(
                kind=kind,
                text=rng.choice(TEXTS[kind]),
                service=service,
                commitment=commitments.get(service.id)
                if kind is Kind.COMPLAINT and rng.random() < 0.4
                else None,
                anonymous=anonymous,
                contact_name="" if anonymous else f"Person {i}",
                contact_email="" if anonymous else f"person{i}@example.se",
                channel=rng.choice(channels),
                received_at=received_at,
                language="sv" if rng.random() < 0.93 else "en",
            ),
        )
        if days_ago < 12 and rng.random() < 0.6:
            continue  # recent ones are still open, some overdue
        feedback = await registered.record()
        handler = rng.choice(handler_list)
        await services.assign(feedback, handler, handler)
        if days_ago < 40 and rng.random() < 0.5:
            continue
        await services.close(
            feedback,
            handler,
            Closing(
                answer="" if anonymous else rng.choice(ANSWERS),
                outcome=rng.choice(list(Outcome)) if kind is Kind.COMPLAINT else None,
                root_cause_id=rng.choice(areas).id if areas and kind is not Kind.PRAISE else None,
            ),
        )
        answered = received_at + timedelta(days=rng.choice([2, 5, 8, 9, 12, 15, 25]))
        await Feedback.filter(id=feedback.id).update(
            closed_at=answered, answered_at=answered, acknowledged_at=answered
        )
        if not anonymous and rng.random() < 0.35:
            await services.record_satisfaction(feedback, rng.choice([1, 2, 3, 4, 4, 5, 5]), "")
