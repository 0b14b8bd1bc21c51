"""Administration pages: organisations, units, users and roles, the audit log, API keys and
the outbox of outgoing e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from servicedialog import audit, mail
from servicedialog.apikeys import create_key
from servicedialog.auth import current_organisation, end_other_sessions, requires_role
from servicedialog.forms import Form, done, invalid, read_form, render
from servicedialog.i18n import lazy as _
from servicedialog.models import (
    ApiKey,
    AuditEvent,
    Membership,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Unit,
    User,
)
from servicedialog.orgs import services
from servicedialog.orgs.forms import MemberInput, member_input, organisation_input, unit_input
from servicedialog.orgs.permissions import ADMINISTER
from servicedialog.orgs.queries import organisations_changed
from servicedialog.pagination import paginate
from servicedialog.permissions import requires
from servicedialog.roles import Role
from servicedialog.templating import flash

admin_only = requires(ADMINISTER)


@admin_only
async def overview(request: Request) -> Response:
    org = current_organisation(request)
    counts = {
        "units": await Unit.filter(organisation_id=org.id).count(),
        "users": await User.filter(memberships__organisation_id=org.id).distinct().count(),
        "events": await AuditEvent.filter(organisation_id=org.id).count(),
    }
    return render(request, "orgs/overview.html", {"counts": counts})


MAX_POPULATION = 100_000_000  # more than any Nordic authority serves


@admin_only
async def organisation_edit(request: Request) -> Response:
    """Administrators rename their organisation and say how many people it serves (the
    dashboards show feedback per 1,000 inhabitants); the short name and country stay."""
    org = current_organisation(request)
    if request.method == "GET":
        form = Form(
            {
                "name_sv": org.name_sv,
                "name_en": org.name_en,
                "population": "" if org.population is None else str(org.population),
            }
        )
        return render(request, "orgs/organisation_edit.html", {"form": form})
    form = await read_form(request)
    name_sv, name_en = form.require("name_sv"), form.require("name_en")
    population = form.integer("population", low=1, high=MAX_POPULATION)
    if "population" in form.errors:
        form.errors["population"] = _("Write a whole number from 1 to 100,000,000.")
    if not form.ok:
        return invalid(request, "orgs/organisation_edit.html", form)
    org.name_sv, org.name_en, org.population = name_sv, name_en, population
    await org.save(update_fields=["name_sv", "name_en", "population"])
    await audit.record("organisation.updated", request=request, target=org)
    organisations_changed(request)
    return done(
        request, request.app.url_path_for("admin:overview"), _("The organisation is saved.")
    )


@requires_role(superuser=True)
async def organisations(request: Request) -> Response:
    form = Form({"country": "SE", "kind": "municipality"})
    if request.method == "POST":
        form = await read_form(request)
        data = organisation_input(form)
        if form.ok:
            try:
                org = await services.create_organisation(**data.__dict__)
            except services.DomainError as error:
                form.error(error.field, error.message)
            else:
                await audit.record("organisation.created", request=request, target=org)
                organisations_changed(request)
                return done(
                    request,
                    request.app.url_path_for("admin:organisations"),
                    _("The organisation is created."),
                )
    listing = await Organisation.all().annotate(unit_count=Count("units")).order_by("name_sv")
    status = 400 if form.errors else 200
    return render(
        request,
        "orgs/organisations.html",
        {"form": form, "organisations": listing},
        status_code=status,
    )


@admin_only
async def units(request: Request) -> Response:
    org = current_organisation(request)
    form = Form({})
    if request.method == "POST":
        form = await read_form(request)
        data = unit_input(form)
        if form.ok:
            try:
                unit = await services.create_unit(org, data.code, data.name_sv, data.name_en)
            except services.DomainError as error:
                form.error(error.field, error.message)
            else:
                await audit.record("unit.created", request=request, target=unit, organisation=org)
                return done(
                    request, request.app.url_path_for("admin:units"), _("The unit is created.")
                )
    listing = await Unit.filter(organisation_id=org.id).order_by("name_sv")
    return render(
        request,
        "orgs/units.html",
        {"form": form, "units": listing},
        status_code=400 if form.errors else 200,
    )


@admin_only
async def unit_edit(request: Request) -> Response:
    org = current_organisation(request)
    unit = await Unit.get_or_none(id=request.path_params["id"], organisation_id=org.id)
    if unit is None:
        raise HTTPException(404)
    form = Form({"code": unit.code, "name_sv": unit.name_sv, "name_en": unit.name_en})
    if request.method == "POST":
        form = await read_form(request)
        form.values["code"] = unit.code  # the code is an identifier; it does not change
        data = unit_input(form)
        if not form.ok:
            return invalid(request, "orgs/unit_edit.html", form, unit=unit)
        unit.name_sv, unit.name_en = data.name_sv, data.name_en
        await unit.save(update_fields=["name_sv", "name_en"])
        await audit.record("unit.updated", request=request, target=unit, organisation=org)
        return done(request, request.app.url_path_for("admin:units"), _("The unit is saved."))
    return render(request, "orgs/unit_edit.html", {"form": form, "unit": unit})


@admin_only
async def users(request: Request) -> Response:
    org = current_organisation(request)
    memberships = await Membership.filter(organisation_id=org.id).select_related("user", "unit")
    people: dict[int, dict[str, object]] = {}
    for m in memberships:
        entry = people.setdefault(m.user_id, {"user": m.user, "roles": [], "unit": m.unit})
        entry["roles"].append(Role(m.role))  # type: ignore[attr-defined]
    listing = sorted(people.values(), key=lambda e: str(e["user"].email))  # type: ignore[attr-defined]
    return render(request, "orgs/users.html", {"people": listing})


async def _unit_choices(org: Organisation) -> list[Unit]:
    return await Unit.filter(organisation_id=org.id).order_by("name_sv")


async def _read_member_form(
    request: Request, units: list[Unit], context: dict[str, Any]
) -> tuple[Form, MemberInput, Unit | None]:
    """The roles, unit and name fields shared by the new-user and edit-user forms."""
    async with request.form() as data:
        form = Form.from_formdata(data)
        role_values = [str(v) for v in data.getlist("roles")]
    context["selected_roles"] = set(role_values)
    member = member_input(form, role_values, {u.id for u in units})
    unit = next((u for u in units if u.id == member.unit_id), None)
    return form, member, unit


@admin_only
async def user_new(request: Request) -> Response:
    """Give a person roles in this organisation: a new account, or, for an e-mail address
    that already has one, a membership only (the account itself, its name, password and
    other memberships, is not touched, and the person is told by e-mail)."""
    org = current_organisation(request)
    unit_choices = await _unit_choices(org)
    context: dict[str, Any] = {"units": unit_choices, "selected_roles": set()}
    if request.method == "GET":
        return render(request, "orgs/user_new.html", {"form": Form({}), **context})
    form, member, unit = await _read_member_form(request, unit_choices, context)
    email = form.email("email")
    password = form.get("password") or services.generate_password()
    if not form.ok:
        form.values.pop("password", None)
        return invalid(request, "orgs/user_new.html", form, **context)
    existing = await User.get_or_none(email=email)
    if existing is not None and await Membership.exists(
        user_id=existing.id, organisation_id=org.id
    ):
        form.error("email", _("This person is already a member: change their roles on their page."))
        form.values.pop("password", None)
        return invalid(request, "orgs/user_new.html", form, **context)
    try:
        user = existing or await services.create_user(email, password, member.display_name)
    except services.DomainError as error:
        form.error(error.field, error.message)
        form.values.pop("password", None)
        return invalid(request, "orgs/user_new.html", form, **context)
    await services.set_roles(user, org, member.roles, unit)
    if existing is not None:
        await services.tell_of_membership(
            user, org, member.roles, request.app.state.settings.base_url
        )
    await audit.record(
        "user.roles_set",
        request=request,
        target=user,
        organisation=org,
        roles=sorted(member.roles),
        new_account=existing is None,
    )
    # A generated password is shown once, on this page; it is never put in a cookie.
    shown = None if existing or form.get("password") else password
    return render(
        request,
        "orgs/user_created.html",
        {"user": user, "password": shown, "existing": existing is not None},
    )


async def _member_of_org(request: Request) -> tuple[User, list[Membership]]:
    org = current_organisation(request)
    user = await User.get_or_none(id=request.path_params["id"])
    memberships = await Membership.filter(user_id=user.id, organisation_id=org.id) if user else []
    if user is None or not memberships:
        raise HTTPException(404)
    return user, list(memberships)


@admin_only
async def user_edit(request: Request) -> Response:
    """An administrator sets a member's roles and unit in this organisation. The account
    (name, whether it is active) belongs to the person and to the installation's
    administrators: only an installation administrator changes it here."""
    org = current_organisation(request)
    user, memberships = await _member_of_org(request)
    unit_choices = await _unit_choices(org)
    current_roles = {m.role for m in memberships}
    unit_id = memberships[0].unit_id
    may_edit_account = bool(request.state.user.is_superuser)
    context: dict[str, Any] = {
        "user": user,
        "units": unit_choices,
        "selected_roles": current_roles,
        "may_edit_account": may_edit_account,
    }
    if request.method == "GET":
        form = Form({"display_name": user.display_name, "unit": str(unit_id or "")})
        return render(request, "orgs/user_edit.html", {"form": form, **context})
    form, member, unit = await _read_member_form(request, unit_choices, context)
    if user.id == request.state.user.id and Role.ADMIN not in member.roles:
        form.error("roles", _("You cannot remove your own administrator role."))
    if not form.ok:
        return invalid(request, "orgs/user_edit.html", form, **context)
    await services.set_roles(user, org, member.roles, unit)
    if may_edit_account:
        user.display_name = member.display_name
        user.is_active = form.get("is_active") == "on" or user.id == request.state.user.id
        await user.save(update_fields=["display_name", "is_active"])
        if not user.is_active:
            await end_other_sessions(user, keep=None)
    account = {"active": user.is_active, "name": user.display_name} if may_edit_account else {}
    await audit.record(
        "user.updated",
        request=request,
        target=user,
        organisation=org,
        roles=sorted(member.roles),
        account=account,
    )
    return done(request, request.app.url_path_for("admin:users"), _("The user is saved."))


@admin_only
async def user_remove(request: Request) -> Response:
    """End a person's membership of this organisation (every role in it). Their account
    and their roles elsewhere stay."""
    org = current_organisation(request)
    user, _memberships = await _member_of_org(request)
    if user.id == request.state.user.id:
        flash(request, _("You cannot remove yourself from the organisation."), "error")
        return RedirectResponse(
            request.app.url_path_for("admin:user_edit", id=user.id), status_code=303
        )
    await services.set_roles(user, org, set())
    await audit.record("user.removed", request=request, target=user, organisation=org)
    return done(
        request,
        request.app.url_path_for("admin:users"),
        _("%(email)s is no longer a member of the organisation."),
        email=user.email,
    )


@admin_only
async def api_keys(request: Request) -> Response:
    org = current_organisation(request)
    form = Form({})
    if request.method == "POST":
        form = await read_form(request)
        name = form.require("name", 100)
        if form.ok:
            record, key = await create_key(org, name, request.state.user)
            await audit.record(
                "api_key.created", request=request, target=record, organisation=org, name=name
            )
            return render(request, "orgs/api_key_created.html", {"record": record, "key": key})
    listing = await ApiKey.filter(organisation_id=org.id).order_by("-created_at")
    return render(
        request,
        "orgs/api_keys.html",
        {"form": form, "keys": listing},
        status_code=400 if form.errors else 200,
    )


@admin_only
async def api_key_revoke(request: Request) -> Response:
    org = current_organisation(request)
    record = await ApiKey.get_or_none(id=request.path_params["id"], organisation_id=org.id)
    if record is None:
        raise HTTPException(404)
    if record.revoked_at is None:
        record.revoked_at = datetime.now(UTC)
        await record.save(update_fields=["revoked_at"])
        await audit.record("api_key.revoked", request=request, target=record, organisation=org)
    return done(request, request.app.url_path_for("admin:api_keys"), _("The key is revoked."))


@admin_only
async def audit_log(request: Request) -> Response:
    org = current_organisation(request)
    # The organisation's own events. Events of no organisation (sign-ins, installation
    # changes) concern a person or the whole installation: installation administrators
    # see them; an organisation's administrators do not (a sign-in of a person who also
    # works elsewhere is not theirs to follow). People see their own sign-ins on their
    # account page.
    if request.state.user.is_superuser:
        query = AuditEvent.filter(Q(organisation_id=org.id) | Q(organisation_id=None))
    else:
        query = AuditEvent.filter(organisation_id=org.id)
    labels: dict[str, str] = request.app.state.audit_actions
    action = request.query_params.get("action", "")
    if action in labels:
        query = query.filter(action=action)
    else:
        action = ""
    page = await paginate(query.order_by("-id"), request)
    # People are named, not numbered: the records that are people, and handlers in details.
    ids = {int(e.object_id) for e in page.items if e.object_type == "User" and e.object_id}
    ids |= {e.detail["handler"] for e in page.items if isinstance(e.detail.get("handler"), int)}
    people = {u.id: str(u) for u in await User.filter(id__in=ids)} if ids else {}
    return render(
        request,
        "orgs/audit.html",
        {
            "page": page,
            "people": people,
            "action": action,
            "actions": labels,
            "objects": request.app.state.audit_objects,
            "details": audit.DETAIL_LABELS,
        },
    )


def _outbox(request: Request) -> QuerySet[OutboxMessage]:
    """The organisation's mail; an installation administrator sees everyone's."""
    return mail.visible_messages(current_organisation(request), request.state.user.is_superuser)


@admin_only
async def outbox(request: Request) -> Response:
    status = request.query_params.get("status", "")
    query = _outbox(request)
    if status in set(OutboxStatus):
        query = query.filter(status=status)
    else:
        status = ""
    counts = {
        row["status"]: row["count"]
        for row in await _outbox(request)
        .annotate(count=Count("id"))
        .group_by("status")
        .values("status", "count")
    }
    page = await paginate(query.select_related("organisation").order_by("-id"), request)
    context = {"page": page, "status": status, "counts": counts, "labels": mail.STATUS_LABELS}
    return render(request, "orgs/outbox.html", context)


async def _outbox_message(request: Request) -> OutboxMessage:
    message = (
        await _outbox(request)
        .filter(id=request.path_params["id"])
        .select_related("organisation")
        .first()
    )
    if message is None:
        raise HTTPException(404)
    return message


@admin_only
async def outbox_message(request: Request) -> Response:
    message = await _outbox_message(request)
    email = mail.build_message(request.app.state.settings, message, date=message.sent_at)
    return render(
        request,
        "orgs/outbox_message.html",
        {"message": message, "headers": list(email.items()), "labels": mail.STATUS_LABELS},
    )


@admin_only
async def outbox_send_again(request: Request) -> Response:
    """Give a failed message a fresh set of attempts (after the address or the mail server
    has been put right)."""
    message = await _outbox_message(request)
    url = request.app.url_path_for("admin:outbox_message", id=message.id)
    if not await mail.send_again(message):
        flash(request, _("Only a failed message can be sent again."), "error")
        return RedirectResponse(url, status_code=303)
    # No address in the audit log: it is kept for ever, the message is not.
    await audit.record(
        "mail.sent_again",
        request=request,
        target=message,
        organisation=message.organisation,
        reference=message.reference,
    )
    return done(request, url, _("The message will be sent again."))
