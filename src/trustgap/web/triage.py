"""The triage form shared by findings and roadmap tasks: read, validate, save (or refuse whole)."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData

from trustgap.store.work import STATUSES, WorkItem
from trustgap.web.deps import OrgAccess, choice_field, date_field, text_field
from trustgap.web.services import Services


def save_work(svc: Services, access: OrgAccess, kind: str, key: str, form: FormData) -> WorkItem:
    return svc.work.update(
        access.org.id, kind, key,
        owner=text_field(form, "owner", max_len=320),
        due_date=date_field(form, "due_date"),
        status=choice_field(form, "status", STATUSES),
        justification=text_field(form, "justification", max_len=2000),
        accepted_until=date_field(form, "accepted_until"),
        actor=access.actor, actor_can_accept=access.can("approve"), today=date.today())


def add_comment(svc: Services, access: OrgAccess, kind: str, key: str, form: FormData) -> None:
    svc.work.add_comment(access.org.id, kind, key, author=access.actor, body=text_field(form, "body", max_len=5000))
