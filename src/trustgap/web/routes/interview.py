"""The interview in the browser: one question at a time, domain by domain, saved after every answer to the
same ``interview.yaml`` the CLI uses; at the end an assessment starts in the background."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from trustgap.errors import InputError
from trustgap.interview.bank import DOMAIN_TITLES, WILL_PROVIDE_WORDS
from trustgap.interview.prompts import parse_value
from trustgap.web.deps import OrgAccess, PageError, choice_field, form_checked, need, services, text_field
from trustgap.web.interview import WebInterview
from trustgap.web.render import page

router = APIRouter(include_in_schema=False)
ACTIONS = ("answer", "dont_know", "skip", "back")


def _open(request: Request, access: OrgAccess) -> WebInterview:
    svc = services(request)
    today = date.today()
    return svc.interviews.open(access.org, who=access.actor, as_of=today, today=today, store=svc.evidence)


@router.get("/o/{org}/interview")
def interview(request: Request, access: OrgAccess = Depends(need("read"))) -> Response:
    svc = services(request)
    with svc.interviews.lock(access.org):
        iv = _open(request, access)
    session = iv.session
    step = session.current()
    wanted = request.query_params.get("q")
    if wanted:
        step = next((s for s in session.steps() if s.id == wanted), None)
        if step is None:
            raise PageError(404, f"no question {wanted[:60]!r} in this interview")
    done, total = session.overall()
    domains = [{"id": d, "title": DOMAIN_TITLES.get(d, d), "p": session.progress(d)} for d in session.domains()]
    ctx: dict[str, object] = {"domains": domains, "done": done, "total": total, "step": step,
                              "path": iv.path.name, "finished": step is None}
    if step is not None:
        q = step.question
        previous = session.answer_of(q.id)
        ctx.update(q=q, previous=previous, domain_title=DOMAIN_TITLES.get(step.domain, step.domain),
                   asks_evidence=session.bank.asks_evidence(q) and not step.promise_only,
                   evidence_hint="; ".join(session.bank.evidence_for(q)),
                   decided=session.decided.get(q.control), choices=_choices(q))
    return page(request, "interview.html", ctx)


def _choices(q) -> list[str]:  # type: ignore[no-untyped-def]
    if q.kind == "yes_no_partly":
        return ["yes", "partly", "no"]
    return list(q.choices) if q.kind == "choice" else []


@router.post("/o/{org}/interview/answer")
def answer(request: Request, got: tuple[OrgAccess, FormData] = Depends(form_checked("edit"))) -> Response:
    access, form = got
    action = choice_field(form, "action", ACTIONS)
    qid = text_field(form, "qid", required=action != "back", max_len=80)
    svc = services(request)
    base = f"/o/{access.org.slug}/interview"
    with svc.interviews.lock(access.org):
        session = _open(request, access).session
        if action == "back":
            step = session.back()
            return RedirectResponse(base + (f"?q={step.id}" if step else ""), status_code=303)
        step = next((s for s in session.steps() if s.id == qid), None)
        if step is None:
            raise PageError(404, f"no question {qid!r} in this interview (it may have closed after another answer)")
        q = step.question
        previous = session.answer_of(qid)
        before = previous.model_dump(mode="json") if previous else ("skipped" if qid in session.record.skipped
                                                                    else None)
        if action == "skip":
            session.skip(qid)
        elif action == "dont_know":
            session.dont_know(qid, note=text_field(form, "note", max_len=2000) or None)
        else:
            raw = text_field(form, "value", required=True, max_len=2000)
            value = parse_value(q, raw)
            if value is None:
                raise PageError(400, f"{qid}: {raw!r} is not an answer to this question"
                                     + (f" (use one of {', '.join(_choices(q))})" if _choices(q) else
                                        " (use YYYY-MM-DD)" if q.kind == "date" else
                                        " (a number)" if q.kind == "number" else ""))
            evidence: list[str] = []
            raw_ev = text_field(form, "evidence", max_len=2000)
            rule = q.verdict_for(value)
            if raw_ev and rule and rule.status in ("implemented", "partial") and not step.promise_only:
                evidence = (["will provide"] if raw_ev.lower() in WILL_PROVIDE_WORDS
                            else [p.strip() for p in raw_ev.split(",") if p.strip()])
            try:
                session.answer(qid, value, evidence=evidence, note=text_field(form, "note", max_len=2000) or None)
            except InputError as exc:
                raise PageError(400, str(exc)) from None
        now = session.answer_of(qid)
        svc.record(actor=access.actor, org_id=access.org.id, action=f"interview.{action}", target=qid,
                   before=before, after=now.model_dump(mode="json") if now else "skipped")
    return RedirectResponse(base + "?ok=saved", status_code=303)
