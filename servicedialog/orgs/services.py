"""Domain logic for organisations, units and users: plain async functions, no Request."""

from __future__ import annotations

import secrets
import string

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from servicedialog.auth import hash_password, verify_password
from servicedialog.calendars import default_time_zone
from servicedialog.i18n import lazy as _
from servicedialog.i18n import translations
from servicedialog.models import Country, Membership, Organisation, OrganisationKind, Unit, User
from servicedialog.roles import Role

MIN_PASSWORD_LENGTH = 10
# Path segments the core uses beside organisation slugs; features add their own
# (Feature.reserved_segments, e.g. "manage" in /commitments/manage/).
CORE_RESERVED_SLUGS = frozenset({"api", "static", "admin", "staff", "open311", "services"})


def reserved_slugs() -> frozenset[str]:
    from servicedialog.features import discover

    return CORE_RESERVED_SLUGS | {s for f in discover() for s in f.reserved_segments}


class DomainError(ValueError):
    """A rule was broken; ``field`` names the form field, ``message`` is an English msgid."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def generate_password(length: int = 16) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def password_problem(password: str, email: str = "") -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must be at least 10 characters long.")
    if email and password.lower() == email.lower():
        return _("The password must not be your e-mail address.")
    return None


async def create_organisation(
    slug: str,
    name_sv: str,
    name_en: str = "",
    country: str = Country.SE,
    kind: str = OrganisationKind.MUNICIPALITY,
) -> Organisation:
    if country not in Country.CHOICES:
        raise DomainError("country", _("Choose one of the options."))
    if kind not in OrganisationKind.CHOICES:
        raise DomainError("kind", _("Choose one of the options."))
    if slug in reserved_slugs():
        raise DomainError("slug", _("This short name is reserved; choose another."))
    if await Organisation.exists(slug=slug):
        raise DomainError("slug", _("An organisation with this short name already exists."))
    try:
        return await Organisation.create(
            slug=slug,
            name_sv=name_sv,
            name_en=name_en or name_sv,
            country=country,
            kind=kind,
            time_zone=default_time_zone(country),
        )
    except IntegrityError:
        raise DomainError(
            "slug", _("An organisation with this short name already exists.")
        ) from None


async def create_unit(
    organisation: Organisation, code: str, name_sv: str, name_en: str = ""
) -> Unit:
    if await Unit.exists(organisation_id=organisation.id, code=code):
        raise DomainError("code", _("A unit with this code already exists."))
    return await Unit.create(
        organisation=organisation, code=code, name_sv=name_sv, name_en=name_en or name_sv
    )


async def create_user(
    email: str, password: str, display_name: str = "", is_superuser: bool = False
) -> User:
    email = email.strip().lower()
    problem = password_problem(password, email)
    if problem:
        raise DomainError("password", problem)
    if await User.exists(email=email):
        raise DomainError("email", _("A user with this e-mail address already exists."))
    return await User.create(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        is_superuser=is_superuser,
    )


async def grant_role(
    user: User, organisation: Organisation, role: Role, unit: Unit | None = None
) -> Membership:
    membership, created = await Membership.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"unit": unit}
    )
    if not created and unit is not None and membership.unit_id != unit.id:
        membership.unit = unit
        await membership.save(update_fields=["unit_id"])
    return membership


async def set_roles(
    user: User, organisation: Organisation, roles: set[Role], unit: Unit | None = None
) -> None:
    """Make ``roles`` exactly the user's roles in ``organisation``, in one transaction."""
    async with in_transaction():
        memberships = Membership.filter(user_id=user.id, organisation_id=organisation.id)
        if roles:
            memberships = memberships.exclude(role__in=list(roles))
        await memberships.delete()
        for role in roles:
            await grant_role(user, organisation, role, unit)
        await Membership.filter(user_id=user.id, organisation_id=organisation.id).update(
            unit_id=unit.id if unit else None
        )


async def change_password(user: User, current: str, new: str, confirm: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError("current_password", _("The current password is not correct."))
    problem = password_problem(new, user.email)
    if problem:
        raise DomainError("new_password", problem)
    if new != confirm:
        raise DomainError("confirm_password", _("The two new passwords are not the same."))
    user.password_hash = hash_password(new)
    await user.save(update_fields=["password_hash"])


async def tell_of_membership(
    user: User, organisation: Organisation, roles: set[Role], base_url: str
) -> None:
    """E-mail a person who already had an account that they now have roles in
    ``organisation`` (in Swedish and English: we do not know which they read)."""
    from servicedialog.mail import queue_mail
    from servicedialog.roles import ROLE_LABELS

    parts = []
    for language in ("sv", "en"):
        gettext = translations(language).gettext
        names = ", ".join(gettext(ROLE_LABELS[role]) for role in sorted(roles))
        parts.append(
            gettext(
                "You now have these roles in %(org)s: %(roles)s.\n\n"
                "Sign in as usual at %(url)s and choose the organisation on your start page. "
                "If you did not expect this, tell the organisation's administrator."
            )
            % {"org": organisation.name(language), "roles": names, "url": f"{base_url}/login"}
        )
    subject = translations("sv").gettext("New roles in %(org)s") % {"org": organisation.name_sv}
    try:
        await queue_mail(
            user.email,
            subject,
            "\n\n-----\n\n".join(parts),
            organisation=organisation,
            reference=f"membership:{user.id}",
        )
    except ValueError:  # an address the outbox cannot take: the membership stands
        return
