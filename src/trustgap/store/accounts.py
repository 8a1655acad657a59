"""Accounts of the web app: users (argon2 password hashes), organisations and the role of each user in each,
browser sessions and personal API tokens (only SHA-256 digests of their random secrets are stored), and login
attempts for rate limiting. Every change is written to the audit log in the same transaction."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustgap.errors import TrustgapError
from trustgap.store.audit import record, utcnow
from trustgap.store.web_models import (
    ApiTokenRow,
    LoginAttemptRow,
    MembershipRow,
    OrganisationRow,
    SessionRow,
    UserRow,
)

ROLES = ("admin", "editor", "auditor", "viewer")
MIN_PASSWORD = 12
SESSION_HOURS = 12
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
TOKEN_PREFIX = "tgp_"
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class LoginThrottled(TrustgapError):
    """Too many failed sign-ins for this address or account in the last minutes."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    server_admin: bool


@dataclass(frozen=True)
class Organisation:
    id: int
    slug: str
    name: str
    folder: str


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def _verify(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    e = email.strip().lower()
    if not _EMAIL.match(e):
        raise TrustgapError(f"not an email address: {email!r}")
    return e


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise TrustgapError(f"the password must have at least {MIN_PASSWORD} characters")


def _user(row: UserRow) -> User:
    return User(row.id, row.email, row.name, bool(row.server_admin))


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(row.id, row.slug, row.name, row.folder)


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._dummy_hash: str | None = None

    # -- users ------------------------------------------------------------------------------------
    def add_user(self, email: str, password: str, *, name: str = "", server_admin: bool = False,
                 actor: str = "cli") -> User:
        e = normalise_email(email)
        check_password(password)
        values = {"email": e, "name": name.strip() or e.split("@")[0], "password_hash": hash_password(password),
                  "server_admin": server_admin, "active": True, "created_at": utcnow()}
        try:
            with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
                uid = conn.execute(insert(UserRow).values(**values).returning(UserRow.id)).scalar_one()
                record(conn, actor=actor, org_id=None, action="user.add", target=e,
                       after={"email": e, "name": values["name"], "server_admin": server_admin})
        except IntegrityError:
            raise TrustgapError(f"a user {e} already exists") from None
        return User(uid, e, str(values["name"]), server_admin)

    def set_password(self, email: str, password: str, *, actor: str = "cli") -> None:
        e = normalise_email(email)
        check_password(password)
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            uid = conn.scalar(select(UserRow.id).where(UserRow.email == e))
            if uid is None:
                raise TrustgapError(f"no user {e}")
            conn.execute(update(UserRow).where(UserRow.id == uid).values(password_hash=hash_password(password)))
            conn.execute(delete(SessionRow).where(SessionRow.user_id == uid))
            record(conn, actor=actor, org_id=None, action="user.password", target=e)

    def user(self, user_id: int) -> User | None:
        with Session(self._engine, expire_on_commit=False) as conn:
            row = conn.execute(select(UserRow).where(UserRow.id == user_id, UserRow.active.is_(True))).first()
        return _user(row[0]) if row else None  # type: ignore[arg-type]

    def user_by_email(self, email: str) -> User | None:
        with Session(self._engine, expire_on_commit=False) as conn:
            row = conn.scalars(select(UserRow).where(UserRow.email == email.strip().lower(),
                                                     UserRow.active.is_(True))).first()
        return _user(row) if row else None

    def users(self) -> list[User]:
        with Session(self._engine, expire_on_commit=False) as conn:
            return [_user(r) for r in conn.scalars(select(UserRow).order_by(UserRow.email))]

    def authenticate(self, email: str, password: str, *, address: str) -> User | None:
        """The user when the password matches; every attempt is recorded, and too many recent failures for
        the account or the client address raise :class:`LoginThrottled` before any password is checked."""
        e = email.strip().lower()[:320]
        now = utcnow()
        since = now - LOGIN_WINDOW
        with Session(self._engine, expire_on_commit=False) as conn:
            by_email = conn.scalar(select(func.count()).select_from(LoginAttemptRow).where(
                LoginAttemptRow.email == e, LoginAttemptRow.at >= since, LoginAttemptRow.success.is_(False))) or 0
            by_addr = conn.scalar(select(func.count()).select_from(LoginAttemptRow).where(
                LoginAttemptRow.address == address, LoginAttemptRow.at >= since,
                LoginAttemptRow.success.is_(False))) or 0
            row = conn.scalars(select(UserRow).where(UserRow.email == e, UserRow.active.is_(True))).first()
        if by_email >= MAX_FAILURES_PER_EMAIL or by_addr >= MAX_FAILURES_PER_ADDRESS:
            minutes = int(LOGIN_WINDOW.total_seconds() // 60)
            raise LoginThrottled(f"too many failed sign-ins; wait {minutes} minutes and try again")
        if row is None:
            if self._dummy_hash is None:
                self._dummy_hash = hash_password(secrets.token_urlsafe(16))
            _verify(self._dummy_hash, password)  # the same work as for a real account
            ok = False
        else:
            ok = _verify(row.password_hash, password)
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            conn.execute(insert(LoginAttemptRow).values(email=e, address=address[:64], at=now, success=ok))
        return _user(row) if ok and row is not None else None

    # -- organisations and roles ------------------------------------------------------------------
    def add_organisation(self, slug: str, name: str, folder: str, *, actor: str = "cli") -> Organisation:
        if not _SLUG.match(slug):
            raise TrustgapError(f"organisation id {slug!r}: use lower-case letters, digits and '-' (at most 63)")
        try:
            with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
                oid = conn.execute(insert(OrganisationRow).values(slug=slug, name=name, folder=folder,
                                                                  created_at=utcnow())
                                   .returning(OrganisationRow.id)).scalar_one()
                record(conn, actor=actor, org_id=oid, action="organisation.add", target=slug,
                       after={"slug": slug, "name": name, "folder": folder})
        except IntegrityError:
            raise TrustgapError(f"an organisation with id {slug!r} or name {name!r} already exists") from None
        return Organisation(oid, slug, name, folder)

    def organisation(self, slug: str) -> Organisation | None:
        with Session(self._engine, expire_on_commit=False) as conn:
            row = conn.scalars(select(OrganisationRow).where(OrganisationRow.slug == slug)).first()
        return _org(row) if row else None

    def organisations(self) -> list[Organisation]:
        with Session(self._engine, expire_on_commit=False) as conn:
            return [_org(r) for r in conn.scalars(select(OrganisationRow).order_by(OrganisationRow.slug))]

    def memberships(self, user_id: int) -> list[tuple[Organisation, str]]:
        q = (select(OrganisationRow, MembershipRow.role).join(MembershipRow, MembershipRow.org_id == OrganisationRow.id)
             .where(MembershipRow.user_id == user_id).order_by(OrganisationRow.name))
        with Session(self._engine, expire_on_commit=False) as conn:
            return [(_org(o), role) for o, role in conn.execute(q).all()]

    def role_of(self, user_id: int, org_id: int) -> str | None:
        with Session(self._engine, expire_on_commit=False) as conn:
            return conn.scalar(select(MembershipRow.role).where(MembershipRow.user_id == user_id,
                                                                MembershipRow.org_id == org_id))

    def members(self, org_id: int) -> list[tuple[User, str]]:
        q = (select(UserRow, MembershipRow.role).join(MembershipRow, MembershipRow.user_id == UserRow.id)
             .where(MembershipRow.org_id == org_id).order_by(UserRow.email))
        with Session(self._engine, expire_on_commit=False) as conn:
            return [(_user(u), role) for u, role in conn.execute(q).all()]

    def grant(self, user_id: int, org: Organisation, role: str, *, actor: str) -> None:
        if role not in ROLES:
            raise TrustgapError(f"unknown role {role!r} (use one of {', '.join(ROLES)})")
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            email = conn.scalar(select(UserRow.email).where(UserRow.id == user_id))
            if email is None:
                raise TrustgapError(f"no user with id {user_id}")
            before = conn.scalar(select(MembershipRow.role).where(MembershipRow.user_id == user_id,
                                                                  MembershipRow.org_id == org.id))
            if before is None:
                conn.execute(insert(MembershipRow).values(user_id=user_id, org_id=org.id, role=role))
            else:
                conn.execute(update(MembershipRow).where(MembershipRow.user_id == user_id,
                                                         MembershipRow.org_id == org.id).values(role=role))
            record(conn, actor=actor, org_id=org.id, action="member.role", target=email,
                   before={"role": before} if before else None, after={"role": role})

    def revoke(self, user_id: int, org: Organisation, *, actor: str) -> None:
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            email = conn.scalar(select(UserRow.email).where(UserRow.id == user_id))
            before = conn.scalar(select(MembershipRow.role).where(MembershipRow.user_id == user_id,
                                                                  MembershipRow.org_id == org.id))
            if email is None or before is None:
                raise TrustgapError("that person is not a member of this organisation")
            conn.execute(delete(MembershipRow).where(MembershipRow.user_id == user_id, MembershipRow.org_id == org.id))
            record(conn, actor=actor, org_id=org.id, action="member.remove", target=email, before={"role": before})

    # -- sessions ---------------------------------------------------------------------------------
    def start_session(self, user: User, *, hours: int = SESSION_HOURS) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token). Only the token's digest is stored."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = utcnow()
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            conn.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            conn.execute(insert(SessionRow).values(token_hash=digest(token), user_id=user.id, csrf_token=csrf,
                                                   created_at=now, expires_at=now + timedelta(hours=hours)))
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        """The signed-in user and the session's CSRF token, or None for an unknown or expired session."""
        q = (select(UserRow, SessionRow.csrf_token).join(SessionRow, SessionRow.user_id == UserRow.id)
             .where(SessionRow.token_hash == digest(token), SessionRow.expires_at > utcnow(),
                    UserRow.active.is_(True)))
        with Session(self._engine, expire_on_commit=False) as conn:
            row = conn.execute(q).first()
        return (_user(row[0]), row[1]) if row else None

    def end_session(self, token: str) -> None:
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            conn.execute(delete(SessionRow).where(SessionRow.token_hash == digest(token)))

    # -- API tokens -------------------------------------------------------------------------------
    def create_token(self, user: User, name: str) -> tuple[str, ApiToken]:
        name = name.strip()
        if not name or len(name) > 100:
            raise TrustgapError("a token needs a name of 1 to 100 characters")
        plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            tid = conn.execute(insert(ApiTokenRow).values(user_id=user.id, name=name, token_hash=digest(plain),
                                                          prefix=plain[:10], created_at=now)
                               .returning(ApiTokenRow.id)).scalar_one()
            record(conn, actor=user.email, org_id=None, action="token.create", target=f"{name} ({plain[:10]}...)")
        return plain, ApiToken(tid, name, plain[:10], now.replace(tzinfo=UTC), None, False)

    def tokens(self, user: User) -> list[ApiToken]:
        with Session(self._engine, expire_on_commit=False) as conn:
            rows = conn.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == user.id)
                                .order_by(ApiTokenRow.created_at.desc()))
            return [ApiToken(r.id, r.name, r.prefix, r.created_at.replace(tzinfo=UTC),
                             r.last_used_at.replace(tzinfo=UTC) if r.last_used_at else None,
                             r.revoked_at is not None) for r in rows]

    def revoke_token(self, user: User, token_id: int) -> None:
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            row = conn.scalars(select(ApiTokenRow).where(ApiTokenRow.id == token_id,
                                                         ApiTokenRow.user_id == user.id)).first()
            if row is None:
                raise TrustgapError("no such token")
            if row.revoked_at is None:
                conn.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(revoked_at=utcnow()))
                record(conn, actor=user.email, org_id=None, action="token.revoke",
                       target=f"{row.name} ({row.prefix}...)")

    def token_user(self, plain: str) -> User | None:
        if not plain.startswith(TOKEN_PREFIX):
            return None
        q = (select(UserRow, ApiTokenRow.id).join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
             .where(and_(ApiTokenRow.token_hash == digest(plain), ApiTokenRow.revoked_at.is_(None),
                         UserRow.active.is_(True))))
        with Session(self._engine, expire_on_commit=False) as conn, conn.begin():
            row = conn.execute(q).first()
            if row is None:
                return None
            conn.execute(update(ApiTokenRow).where(ApiTokenRow.id == row[1]).values(last_used_at=utcnow()))
        return _user(row[0])
