"""Who may do what: users, roles, log-in sessions, and the check every write function makes.

Roles are ordered ``viewer < editor < admin``: a viewer (the committee) reads; an editor
(staff) imports reports, reviews values, enters values and sets targets; an admin also
manages users, boundaries, demo data, backups and settings. Every write function of the
library takes the acting :class:`User` and calls :func:`require` before it touches the
database, so a hidden page or a crafted request is no way around a role.

Log-in sessions are kept on the server (table ``login_sessions``), not in the browser:
the browser holds a random token, the database only its SHA-256. Each page run looks the
token up, so a session idle longer than :data:`IDLE_TIMEOUT`, older than
:data:`MAX_SESSION_AGE`, logged out, or whose account was disabled or given a new
password is refused at once, on every server process alike.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import re
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select

from dashboard.errors import LoginFailed, NotAllowed, SessionExpired, UserError
from dashboard.store.db import audit, session_scope, write_lock
from dashboard.store.models import LoginSession, Setting, UserAccount

# --- rules as data ------------------------------------------------------------------------------
ROLES = ("viewer", "editor", "admin")  # in rising order of what they may do
VIEWER, EDITOR, ADMIN = ROLES
ROLE_NAMES = {"viewer": "người xem", "editor": "biên tập viên", "admin": "quản trị viên"}
ROLE_NAMES_EN = {"viewer": "viewer", "editor": "editor", "admin": "administrator"}
MAX_FAILED_ATTEMPTS = 5  # wrong passwords in a row before the account is locked
LOCK_MINUTES = 15  # how long a locked account stays locked
IDLE_TIMEOUT = timedelta(hours=8)  # a session unused this long ends (a working day)
MAX_SESSION_AGE = timedelta(hours=24)  # and none lives longer, used or not
TOUCH_EVERY = timedelta(minutes=1)  # "last seen" is written at most this often (no write per click)
MIN_PASSWORD_LENGTH = 8
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# Deployment settings: key → (default on a fresh install, what it means). Changed by an admin only.
SETTINGS = {
    "anonymous_viewers": ("yes", "Người xem dùng ứng dụng không cần đăng nhập (yes/no)"),
}

# argon2id with the library's defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes, 4 lanes).
# Made on first use (``users.HASHER`` or :func:`_hasher`): pages that check no password never
# import argon2.


def new_hasher():
    """The production hasher: argon2id with the library's defaults."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def _hasher():
    global HASHER
    if "HASHER" not in globals():
        HASHER = new_hasher()
    return HASHER


def __getattr__(name: str):
    if name == "HASHER":
        return _hasher()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class User:
    """The acting person, as every write function receives it.

    ``source`` says where the user acts from: ``web`` (logged in), ``cli`` (the command
    line on this machine), ``system`` (building the database and its demo data).
    """

    name: str
    role: str
    display: str = ""
    source: str = "web"

    @property
    def audit_name(self) -> str:
        """The actor written into the audit log: the log-in name, or where the action came from."""
        if self.source == "cli":
            return f"dòng lệnh: {self.name}"[:80]
        if self.source == "system":
            return f"hệ thống: {self.name}"[:80]
        return self.name

    def can(self, role: str) -> bool:
        """Whether this user's role is ``role`` or above."""
        return self.role in ROLES and ROLES.index(self.role) >= ROLES.index(role)


# Builds the database (register, catalog, derived boundaries) and its demo values in
# ``setup.build``: no person is logged in when a fresh install seeds itself, and the demo
# values it writes are marked as such; the audit says "hệ thống: khởi tạo".
SYSTEM = User("khởi tạo", ADMIN, "Hệ thống (khởi tạo)", source="system")


def local_admin() -> User:
    """The command line's actor: an administrator named after the operating-system user and machine.

    Whoever can run ``python -m dashboard`` on the server can already read and replace
    the database file, so the CLI acts as an admin; the audit says it came from here.
    """
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container): still say it was this machine
        who = "?"
    return User(f"{who}@{socket.gethostname()}", ADMIN, f"Dòng lệnh ({who})", source="cli")


def role_name(role: str, lang: str = "vi") -> str:
    return (ROLE_NAMES_EN if lang == "en" else ROLE_NAMES).get(role, role)


def require(actor: object, role: str) -> User:
    """Return ``actor`` if it is a :class:`User` with ``role`` or above; else raise :class:`NotAllowed`.

    Called first by every write function, before any database work.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    needed = ROLE_NAMES[role]
    if not isinstance(actor, User):
        raise NotAllowed(f"Việc này cần đăng nhập với quyền {needed}; không có gì thay đổi.", role)
    if not actor.can(role):
        raise NotAllowed(f"Tài khoản «{actor.display or actor.name}» có quyền {ROLE_NAMES.get(actor.role, actor.role)}; "
                         f"việc này cần quyền {needed}. Không có gì thay đổi.", role)
    return actor


# --- accounts -----------------------------------------------------------------------------------

def _name(name: str) -> str:
    clean = (name or "").strip().lower()
    if not NAME_PATTERN.fullmatch(clean):
        raise UserError(f"Tên đăng nhập «{name}» không hợp lệ: 2–64 ký tự, chữ không dấu, số, dấu chấm, "
                        "gạch ngang hoặc gạch dưới (ví dụ: nguyen.van.a).")
    return clean


def _password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    return password


def _role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Vai trò «{role}» không có; chọn một trong: {', '.join(ROLES)}.")
    return role


def _account(session, name: str) -> UserAccount:
    row = session.get(UserAccount, _name(name))
    if row is None:
        raise UserError(f"Không có người dùng «{name}».")
    return row


def _public(row: UserAccount) -> dict:
    return {"name": row.name, "display_name": row.display_name, "role": row.role, "disabled": row.disabled}


def add(engine: Engine, actor: User, name: str, password: str, role: str, display: str | None = None) -> User:
    """Create a user (admin only); the password is stored as an argon2id hash, never itself."""
    require(actor, ADMIN)
    name, role, password = _name(name), _role(role), _password(password)
    now = datetime.now()
    digest = _hasher().hash(password)
    with session_scope(engine) as s:
        write_lock(s)
        if s.get(UserAccount, name) is not None:
            raise UserError(f"Người dùng «{name}» đã có; đổi mật khẩu bằng «users passwd {name}».")
        row = UserAccount(name=name, display_name=(display or name).strip()[:120], role=role, password_hash=digest,
                          disabled=False, failed_attempts=0, locked_until=None, created_at=now, updated_at=now)
        s.add(row)
        s.flush()
        audit(s, actor.audit_name, "user_add", "user", name, None, _public(row))
    return User(name, role, row.display_name)


def set_password(engine: Engine, actor: User, name: str, password: str) -> None:
    """Give a user a new password (an admin, or the user themself); their sessions end and a lock lifts."""
    own = isinstance(actor, User) and actor.source == "web" and actor.name == (name or "").strip().lower()
    if not own:
        require(actor, ADMIN)
    password = _password(password)
    digest = _hasher().hash(password)
    with session_scope(engine) as s:
        row = _account(s, name)
        row.password_hash, row.failed_attempts, row.locked_until = digest, 0, None
        row.updated_at = datetime.now()
        s.execute(delete(LoginSession).where(LoginSession.user_name == row.name))
        audit(s, actor.audit_name, "user_passwd", "user", row.name, None, {"password": "đã đổi"})


def set_disabled(engine: Engine, actor: User, name: str, disabled: bool = True) -> None:
    """Disable (or enable again) a user (admin only); a disabled user's sessions end at once."""
    require(actor, ADMIN)
    with session_scope(engine) as s:
        row = _account(s, name)
        before = _public(row)
        row.disabled, row.updated_at = bool(disabled), datetime.now()
        if disabled:
            s.execute(delete(LoginSession).where(LoginSession.user_name == row.name))
        audit(s, actor.audit_name, "user_disable" if disabled else "user_enable", "user", row.name, before,
              _public(row))


def set_role(engine: Engine, actor: User, name: str, role: str) -> None:
    """Change a user's role (admin only); their sessions end so the new role applies at the next log-in."""
    require(actor, ADMIN)
    role = _role(role)
    with session_scope(engine) as s:
        row = _account(s, name)
        before = _public(row)
        row.role, row.updated_at = role, datetime.now()
        s.execute(delete(LoginSession).where(LoginSession.user_name == row.name))
        audit(s, actor.audit_name, "user_role", "user", row.name, before, _public(row))


def listing(engine: Engine) -> "pd.DataFrame":
    """Every user (never the hash): name, display name, role, disabled, failed attempts, locked until."""
    import pandas as pd  # here, not at the top: the import worker loads this module and needs no pandas

    with session_scope(engine) as s:
        rows = s.scalars(select(UserAccount).order_by(UserAccount.name)).all()
        return pd.DataFrame([{**_public(r), "failed_attempts": r.failed_attempts, "locked_until": r.locked_until,
                              "created_at": r.created_at} for r in rows],
                            columns=["name", "display_name", "role", "disabled", "failed_attempts", "locked_until",
                                     "created_at"])


# --- settings -----------------------------------------------------------------------------------

def setting(engine: Engine, key: str) -> str:
    """A deployment setting's value (its default when never set)."""
    if key not in SETTINGS:
        raise UserError(f"Không có thiết lập «{key}».")
    with engine.connect() as conn:
        value = conn.execute(select(Setting.value).where(Setting.key == key)).scalar()
    return SETTINGS[key][0] if value is None else value


def anonymous_viewers(engine: Engine) -> bool:
    """Whether visitors may read the app without logging in (default yes on a fresh install)."""
    return setting(engine, "anonymous_viewers") == "yes"


def set_setting(engine: Engine, actor: User, key: str, value: str) -> None:
    """Change a deployment setting (admin only, audited)."""
    require(actor, ADMIN)
    if key not in SETTINGS:
        raise UserError(f"Không có thiết lập «{key}».")
    if key == "anonymous_viewers" and value not in ("yes", "no"):
        raise UserError("Giá trị cần là yes hoặc no.")
    with session_scope(engine) as s:
        row = s.get(Setting, key)
        before = {"value": row.value} if row else None
        if row is None:
            row = Setting(key=key)
            s.add(row)
        row.value, row.updated_at, row.updated_by = value, datetime.now(), actor.audit_name
        audit(s, actor.audit_name, "setting", "setting", key, before, {"value": value})


# --- log-in sessions ----------------------------------------------------------------------------

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_hex(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def login(engine: Engine, name: str, password: str, now: datetime | None = None) -> tuple[User, str]:
    """Check a name and password; return the user and a new session token.

    Raises :class:`LoginFailed` with a Vietnamese reason: wrong name or password (the same
    words for both, and the same time spent), an account locked for :data:`LOCK_MINUTES`
    minutes after :data:`MAX_FAILED_ATTEMPTS` wrong passwords in a row, or a disabled one.
    """
    now = now or datetime.now()
    key = (name or "").strip().lower()
    failure: LoginFailed | None = None
    with session_scope(engine) as s:
        write_lock(s)  # two wrong guesses at once both count
        row = s.get(UserAccount, key) if NAME_PATTERN.fullmatch(key) else None
        if row is None:
            _verify(_dummy_hash(), password)  # as slow as a real check: the answer says nothing about the name
            raise LoginFailed(WRONG)
        if row.locked_until is not None and row.locked_until > now:
            raise _locked(row.locked_until)
        if not _verify(row.password_hash, password):
            row.failed_attempts += 1
            if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
                row.locked_until, row.failed_attempts = now + timedelta(minutes=LOCK_MINUTES), 0
                audit(s, row.name, "user_locked", "user", row.name, None,
                      {"locked_until": row.locked_until, "reason": f"{MAX_FAILED_ATTEMPTS} lần sai mật khẩu"})
                failure = _locked(row.locked_until)
            else:
                left = MAX_FAILED_ATTEMPTS - row.failed_attempts
                failure = LoginFailed(f"{WRONG} Còn {left} lần thử trước khi tài khoản bị khoá {LOCK_MINUTES} phút.",
                                      "wrong", left=left, minutes=LOCK_MINUTES)
        elif row.disabled:
            failure = LoginFailed("Tài khoản này đã bị vô hiệu hoá; hãy liên hệ quản trị viên.", "disabled")
        else:
            row.failed_attempts, row.locked_until = 0, None
            if _hasher().check_needs_rehash(row.password_hash):
                row.password_hash = _hasher().hash(password)
            s.execute(delete(LoginSession).where(LoginSession.last_seen < now - IDLE_TIMEOUT))
            token = secrets.token_urlsafe(32)
            s.add(LoginSession(token_hash=_token_hash(token), user_name=row.name, created_at=now, last_seen=now))
            user = User(row.name, row.role, row.display_name)
    if failure is not None:  # raised after the commit: the failed attempt is counted
        raise failure
    return user, token


def _verify(digest: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(digest, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _locked(until: datetime) -> LoginFailed:
    return LoginFailed(f"Tài khoản tạm khoá vì nhập sai mật khẩu {MAX_FAILED_ATTEMPTS} lần liên tiếp; "
                       f"hãy thử lại sau {until:%H:%M} (khoá {LOCK_MINUTES} phút).", "locked",
                       until=f"{until:%H:%M}", n=MAX_FAILED_ATTEMPTS, minutes=LOCK_MINUTES)


def session_user(engine: Engine, token: str | None, now: datetime | None = None) -> User:
    """The user of a log-in session, checked against the database on every call.

    Raises :class:`SessionExpired` when the token is unknown (logged out, or the password
    or role changed), idle past :data:`IDLE_TIMEOUT`, older than :data:`MAX_SESSION_AGE`,
    or its account is now disabled.
    """
    if not token:
        raise SessionExpired("Chưa đăng nhập.", "none")
    now = now or datetime.now()
    digest = _token_hash(token)
    with engine.connect() as conn:
        row = conn.execute(select(LoginSession.last_seen, LoginSession.created_at, UserAccount.name,
                                  UserAccount.role, UserAccount.display_name, UserAccount.disabled)
                           .join(UserAccount, UserAccount.name == LoginSession.user_name)
                           .where(LoginSession.token_hash == digest)).first()
    if row is None or row.disabled:
        raise SessionExpired("Phiên đăng nhập đã kết thúc; hãy đăng nhập lại.")
    if now - row.last_seen > IDLE_TIMEOUT or now - row.created_at > MAX_SESSION_AGE:
        logout(engine, token)
        hours = int(IDLE_TIMEOUT.total_seconds() // 3600)
        raise SessionExpired(f"Phiên đăng nhập đã hết hạn (không dùng quá {hours} giờ); hãy đăng nhập lại.",
                             "expired")
    if now - row.last_seen > TOUCH_EVERY:
        with session_scope(engine) as s:
            s.execute(LoginSession.__table__.update().where(LoginSession.token_hash == digest)
                      .values(last_seen=now))
    return User(row.name, row.role, row.display_name)


def logout(engine: Engine, token: str | None) -> None:
    """End a log-in session (nothing happens for an unknown token)."""
    if not token:
        return
    with session_scope(engine) as s:
        s.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
