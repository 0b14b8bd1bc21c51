"""Who may see and do what with feedback: the one rule, applied by every page, search, export
and API of the feature (``docs/guide-staff.md`` and ``docs/security.md`` say the same).

* **Handlers** act on the records of their unit (the unit of their handler role; a handler
  role without a unit covers the whole organisation) and on records assigned to them
  personally: they see everything of those records, answer, pause, extend and close them.
  They see no other records.
* **Quality managers** see every record of the organisation and route and oversee: assign,
  change the unit, secrecy and publication. They do not answer or close.
* **Contact centre** staff register feedback on people's behalf and see every record, to
  tell a caller how their case stands. **Leadership** sees every record.
* **Administrators** manage units, users and settings; the administrator role gives no access
  to the records themselves (an administrator who also handles cases holds a handler role).

Of a record outside their scope, those who may see it get the text and the history with
personal identity numbers masked, and never the contact details or the attachments; of a
*secret* record only its public summary, status and dates. Exports never carry secret
text, contact details or identity numbers. Searching finds a record only by what the
searcher may see (a masked identity number is not a way to look people up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from tortoise.expressions import Q

from complaints.models import Feedback
from servicedialog.permissions import Permission
from servicedialog.roles import Role

QM, HANDLER = Role.QUALITY_MANAGER, Role.HANDLER
READ = Permission(
    "complaints.read",
    roles=frozenset({QM, Role.CONTACT_CENTRE, Role.LEADERSHIP}),
    scoped=frozenset({HANDLER}),
)
HANDLE = Permission("complaints.handle", scoped=frozenset({HANDLER}))
ROUTE = Permission("complaints.route", roles=frozenset({QM}), scoped=frozenset({HANDLER}))
DISCLOSE = Permission("complaints.disclose", roles=frozenset({QM}), scoped=frozenset({HANDLER}))
CONTENT = Permission("complaints.content", scoped=frozenset({HANDLER}))
REGISTER = Permission("complaints.register", roles=frozenset({Role.CONTACT_CENTRE, HANDLER}))
EXPORT = Permission(
    "complaints.export", roles=frozenset({QM, Role.LEADERSHIP}), scoped=frozenset({HANDLER})
)
TEMPLATES = Permission("complaints.templates", roles=frozenset({QM, Role.ADMIN}))
SETTINGS = Permission("complaints.settings", roles=frozenset({Role.ADMIN}))

ALL = (READ, HANDLE, ROUTE, DISCLOSE, CONTENT, REGISTER, EXPORT, TEMPLATES, SETTINGS)


@dataclass(frozen=True)
class FeedbackAccess:
    """One staff member's access to one organisation's feedback."""

    user_id: int
    roles: frozenset[Role]
    # The units of their handler role; None: a handler role without a unit (every unit).
    handler_units: frozenset[int] | None

    @property
    def is_handler(self) -> bool:
        return HANDLER in self.roles

    def handles(self, feedback: Any) -> bool:
        """Whether ``feedback`` (a record, or a row with unit_id and assigned_to_id) is in
        this person's scope as a handler."""
        if not self.is_handler:
            return False
        if self.handler_units is None or _get(feedback, "assigned_to_id") == self.user_id:
            return True
        return _get(feedback, "unit_id") in self.handler_units

    def can(self, permission: Permission, feedback: Any = None) -> bool:
        """Whether this person holds ``permission``: for ``feedback`` when it is given,
        for some records otherwise."""
        if permission.roles & self.roles:
            return True
        if not permission.scoped & self.roles:
            return False
        return feedback is None or self.handles(feedback)

    def handled(self) -> Q:
        """The records in this person's handler scope, as a filter."""
        if not self.is_handler:
            return Q(id=-1)
        if self.handler_units is None:
            return Q()
        return Q(unit_id__in=list(self.handler_units)) | Q(assigned_to_id=self.user_id)

    def visible(self, unit: int | None = None) -> Q:
        """The records this person may see in lists, searches and exports (of ``unit``, when
        the list is already narrowed to it: then the filter is simpler, and the inbox's
        count stays an index-only one)."""
        if READ.roles & self.roles:
            return Q()
        if unit is not None and self.is_handler:
            if self.handler_units is None or unit in self.handler_units:
                return Q()
            return Q(assigned_to_id=self.user_id)
        return self.handled()

    def search(self, term: str) -> Q:
        """Records matching ``term`` by what this person may see of each: the number, the
        masked text of records that are not secret, the public summary of secret ones,
        and the full text of the records they handle."""
        found = (
            Q(number__icontains=term)
            | Q(secret=False, masked_text__icontains=term)
            | Q(secret=True, public_summary__icontains=term)
        )
        if self.is_handler:
            found |= self.handled() & Q(text__icontains=term)
        return found


def _get(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


async def load_access(request: Request) -> FeedbackAccess:
    """The signed-in person's access in their current organisation (once per request)."""
    cached: FeedbackAccess | None = getattr(request.state, "feedback_access", None)
    if cached is not None:
        return cached
    user = request.state.user
    units: frozenset[int] | None = frozenset()
    if HANDLER in request.state.roles:
        # The staff middleware loaded the memberships of the current organisation.
        rows = [m.unit_id for m in request.state.memberships if m.role == HANDLER]
        units = None if None in rows else frozenset(u for u in rows if u is not None)
    access = FeedbackAccess(user.id, frozenset(request.state.roles), units)
    request.state.feedback_access = access
    return access


async def visible_feedback(request: Request, feedback_id: int) -> tuple[Feedback, FeedbackAccess]:
    """The record of the current organisation that the person may see, or 404 (a record
    outside one's scope is answered as if it did not exist)."""
    from starlette.exceptions import HTTPException

    access = await load_access(request)
    feedback = await Feedback.get_or_none(
        access.visible(), id=feedback_id, organisation_id=request.state.organisation.id
    )
    if feedback is None:
        raise HTTPException(404)
    return feedback, access
