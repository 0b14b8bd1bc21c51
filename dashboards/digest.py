"""Leadership's weekly digest: the overview's summary for the last 12 months, by e-mail
through the outbox, in each person's language, with a link to the overview."""

from __future__ import annotations

from typing import Any

from dashboards import collect, summary
from dashboards.filters import complete_months
from dashboards.present import present
from servicedialog.calendars import today_for
from servicedialog.features import PanelScope, discover
from servicedialog.i18n import translations
from servicedialog.mail import queue_mail
from servicedialog.models import Membership, Organisation
from servicedialog.roles import Role


async def digest_lines(organisation: Organisation, language: str) -> list[str]:
    """The summary sentences a leader's digest carries (leadership's panels only)."""
    today = today_for(organisation)
    start, end = complete_months(today, 12)
    scope = PanelScope(organisation, start, end, language=language, today=today)
    panels = collect.panels_for(discover(), "manage", frozenset({Role.LEADERSHIP}))
    results = await collect.run(panels, scope)
    views = [present(r.panel, r.rows, scope) for r in results]
    return summary.sentences(views, language)


def compose(
    organisation: Organisation, lines: list[str], language: str, base_url: str
) -> tuple[str, str]:
    gettext = translations(language).gettext
    subject = gettext("This week at %(organisation)s: promises, feedback and problem areas") % {
        "organisation": organisation.name(language)
    }
    body = [
        gettext("Hello,"),
        "",
        gettext("This is what the dashboards say about the last 12 months:"),
        "",
        *[f"- {line}" for line in lines],
        "",
        gettext("See the figures, the charts and the records behind them:"),
        f"{base_url.rstrip('/')}/dashboards/manage/?org={organisation.slug}",
        "",
        gettext("You get this e-mail every week because you have the leadership role."),
    ]
    return subject, "\n".join(body)


async def weekly_digest(settings: Any) -> str:
    """Queue each active leader's digest (one per organisation and week)."""
    queued = 0
    for organisation in await Organisation.all():
        leaders = await Membership.filter(
            organisation_id=organisation.id, role=Role.LEADERSHIP
        ).prefetch_related("user")
        if not leaders:
            continue
        by_language: dict[str, list[str]] = {}
        week = today_for(organisation).isocalendar()
        for membership in leaders:
            user = membership.user
            if not user.is_active:
                continue
            language = getattr(user, "language", "") or "sv"
            if language not in by_language:
                by_language[language] = await digest_lines(organisation, language)
            lines = by_language[language] or [
                translations(language).gettext(
                    "Nothing changed beyond chance, and nothing was flagged."
                )
            ]
            subject, body = compose(organisation, lines, language, settings.base_url)
            await queue_mail(
                user.email,
                subject,
                body,
                organisation=organisation,
                language=language,
                reference=f"leadership-digest:{week.year}-{week.week}",
            )
            queued += 1
    return f"{queued} leadership digest(s) queued"
