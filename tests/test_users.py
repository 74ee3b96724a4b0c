"""Roles enforced in the library: every write function refuses a viewer (or nobody) before it
touches the database; users, passwords, lock-out, sessions and settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from conftest import ADMIN, EDITOR, PASSWORD, REAL_GEOJSON, VIEWER, make_user
from dashboard import catalog, demo, phrasings, review, users
from dashboard.errors import LoginFailed, NotAllowed, SessionExpired, UserError
from dashboard.geo import boundaries, boundary_import
from dashboard.ingest import loader, read_path
from dashboard.ingest.worker import ingest_isolated
from dashboard.store import backup, db
from dashboard.store.models import Observation

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md"


def _dump(engine) -> dict[str, list]:
    """Every row of every table, to prove a refused write changed nothing."""
    with engine.connect() as conn:
        return {table: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{table}"')).all()))
                for table in db.table_counts(engine)}


def _in_session(engine, write):
    with db.session_scope(engine) as s:
        return write(s)


# (function, role it needs, call(engine, url, actor, tmp_path)): every write function of the library.
WRITES = [
    ("ingest.loader.ingest", "editor", lambda e, u, a, p: loader.ingest(e, read_path(SAMPLE), actor=a)),
    ("ingest.loader.load", "editor",
     lambda e, u, a, p: _in_session(e, lambda s: loader.load(s, loader.parse(read_path(SAMPLE)), a))),
    ("ingest.worker.ingest_isolated", "editor",
     lambda e, u, a, p: ingest_isolated(u, SAMPLE.read_bytes(), SAMPLE.name, actor=a)),
    ("review.accept", "editor", lambda e, u, a, p: review.accept(e, 1, a)),
    ("review.correct", "editor", lambda e, u, a, p: review.correct(e, 1, a, 50.0)),
    ("review.map_candidate", "editor", lambda e, u, a, p: review.map_candidate(e, 1, "INF_4G_COVERAGE", a)),
    ("review.reassign", "editor", lambda e, u, a, p: review.reassign(e, 1, "INF_4G_COVERAGE", a)),
    ("review.enter", "editor", lambda e, u, a, p: review.enter(e, "21349", "INF_4G_COVERAGE", "9T/2025", a, 50.0)),
    ("review.apply_edits", "editor",
     lambda e, u, a, p: review.apply_edits(e, *(2 * [review.report_values(e, 1)]), a)),
    ("review.accept_many", "editor", lambda e, u, a, p: review.accept_many(e, [1, 2], a)),
    ("review.accept_all", "editor", lambda e, u, a, p: review.accept_all(e, 1, a)),
    ("review.map_to_suggestions", "editor", lambda e, u, a, p: review.map_to_suggestions(e, [1], a)),
    ("catalog.set_target", "editor",
     lambda e, u, a, p: _in_session(e, lambda s: catalog.set_target(s, a, "GOV_EDOC_RATE", 2025, 90.0, "x", "public"))),
    ("phrasings.add", "editor",
     lambda e, u, a, p: phrasings.add(e, "INF_4G_COVERAGE", "tỷ lệ phủ sóng di động thế hệ thứ tư", a)),
    ("phrasings.remove", "editor", lambda e, u, a, p: phrasings.remove(e, 1, a)),
    ("phrasings.learn", "editor",
     lambda e, u, a, p: _in_session(e, lambda s: phrasings.learn(s, s.get(Observation, 1), "INF_4G_COVERAGE", a))),
    ("geo.boundary_import.import_file", "admin",
     lambda e, u, a, p: boundary_import.import_file(e, REAL_GEOJSON, actor=a)),
    ("geo.boundary_import.import_upload", "admin",
     lambda e, u, a, p: boundary_import.import_upload(e, "ranh_gioi.geojson", b"{}", actor=a)),
    ("geo.boundary_import.remove_official", "admin", lambda e, u, a, p: boundary_import.remove_official(e, a)),
    ("geo.boundaries.store (official)", "admin",
     lambda e, u, a, p: _in_session(e, lambda s: boundaries.store(s, {}, boundaries.OFFICIAL, actor=a))),
    ("demo.generate", "admin", lambda e, u, a, p: _in_session(e, lambda s: demo.generate(s, a))),
    ("demo.remove", "admin", lambda e, u, a, p: _in_session(e, lambda s: demo.remove(s, a))),
    ("demo.remove_all", "admin", lambda e, u, a, p: demo.remove_all(e, a)),
    ("store.backup.backup", "admin", lambda e, u, a, p: backup.backup(u, p / "sao-luu.sqlite", a)),
    ("store.backup.restore", "admin", lambda e, u, a, p: backup.restore(p / "khong-co.sqlite", u, a)),
    ("users.add", "admin", lambda e, u, a, p: users.add(e, a, "ke.gian", PASSWORD, "admin")),
    ("users.set_password", "admin", lambda e, u, a, p: users.set_password(e, a, "thu.admin", "mat-khau-moi-1")),
    ("users.set_disabled", "admin", lambda e, u, a, p: users.set_disabled(e, a, "thu.admin")),
    ("users.set_role", "admin", lambda e, u, a, p: users.set_role(e, a, "thu.admin", "viewer")),
    ("users.set_setting", "admin", lambda e, u, a, p: users.set_setting(e, a, "anonymous_viewers", "no")),
]

INTRUDERS = {
    "nobody": None,
    "a typed name": "cán bộ Sở KH&CN",
    "viewer": VIEWER,
    "editor": EDITOR,
    "unknown role": users.User("la", "superuser"),
}


REFUSALS = [pytest.param(name, needed, write, intruder, id=f"{name}-{intruder}")
            for name, needed, write in WRITES for intruder, actor in INTRUDERS.items()
            if not (isinstance(actor, users.User) and actor.can(needed))]


@pytest.mark.parametrize("name, needed, write, intruder", REFUSALS)
def test_every_write_function_refuses_without_the_role_and_changes_nothing(
        seeded_url, tmp_path, name, needed, write, intruder):
    actor = INTRUDERS[intruder]
    make_user(seeded_url, "admin")
    engine = db.connect(seeded_url)
    before = _dump(engine)
    out = tmp_path / "ra"
    out.mkdir()
    with pytest.raises(NotAllowed) as refused:
        write(engine, seeded_url, actor, out)
    assert refused.value.needed == needed and users.ROLE_NAMES[needed] in str(refused.value)
    assert _dump(engine) == before
    assert not list(out.iterdir())  # no backup file either
    engine.dispose()


def test_the_refusal_table_covers_every_write_function_of_the_library():
    """A new write function must join WRITES: each module's functions that write and audit are listed."""
    import ast

    project = Path(__file__).resolve().parent.parent / "dashboard"
    listed = {name.split(" ")[0].rsplit(".", 1)[1] for name, _, _ in WRITES}
    for path in project.rglob("*.py"):
        if path.parent.name == "ui" or path.name.startswith("command") or path.name in ("cli.py", "bench.py"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.name != "require":
                source = ast.unparse(node)
                if "require(" in source:
                    assert node.name in listed, f"{path.name}: {node.name} checks a role but is not in WRITES"


# --- users, passwords, lock-out, sessions -------------------------------------------------------

def test_a_password_is_stored_as_an_argon2_hash_and_logs_in(empty_engine):
    users.add(empty_engine, ADMIN, "Chi.Lan", PASSWORD, "editor", "Chị Lan")
    with empty_engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE name = 'chi.lan'")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    user, token = users.login(empty_engine, " chi.lan ", PASSWORD)
    assert user == users.User("chi.lan", "editor", "Chị Lan") and user.audit_name == "chi.lan"
    assert users.session_user(empty_engine, token) == user
    with empty_engine.connect() as conn:  # only the token's hash is kept on the server
        assert conn.execute(text("SELECT COUNT(*) FROM login_sessions WHERE token_hash = :t"), {"t": token}).scalar() == 0


def test_the_production_hasher_is_argon2id_with_the_library_defaults():
    production = users.new_hasher()
    assert isinstance(production, PasswordHasher) and production.type.name == "ID"
    assert (production.time_cost, production.memory_cost) == (PasswordHasher().time_cost, PasswordHasher().memory_cost)
    assert isinstance(users.HASHER, PasswordHasher)


@pytest.mark.parametrize("name, password, role, says", [
    ("", PASSWORD, "editor", "không hợp lệ"),
    ("Nguyễn Văn A", PASSWORD, "editor", "không hợp lệ"),
    ("chi.lan", "ngan", "editor", "ít nhất 8"),
    ("chi.lan", PASSWORD, "boss", "Vai trò"),
])
def test_bad_new_users_are_refused_with_a_vietnamese_reason(empty_engine, name, password, role, says):
    with pytest.raises(UserError, match=says):
        users.add(empty_engine, ADMIN, name, password, role)
    assert users.listing(empty_engine).empty


def test_a_duplicate_user_is_refused(empty_engine):
    users.add(empty_engine, ADMIN, "chi.lan", PASSWORD, "editor")
    with pytest.raises(UserError, match="đã có"):
        users.add(empty_engine, ADMIN, "CHI.LAN", PASSWORD, "admin")


def test_wrong_password_and_unknown_name_say_the_same_and_count_down(empty_engine):
    users.add(empty_engine, ADMIN, "chi.lan", PASSWORD, "editor")
    with pytest.raises(LoginFailed, match="không đúng") as unknown:
        users.login(empty_engine, "khong.co", PASSWORD)
    with pytest.raises(LoginFailed, match="Còn 4 lần thử") as wrong:
        users.login(empty_engine, "chi.lan", "sai-mat-khau")
    assert str(unknown.value) in str(wrong.value)


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(empty_engine):
    users.add(empty_engine, ADMIN, "chi.lan", PASSWORD, "editor")
    now = datetime(2026, 11, 25, 9, 0)
    for _ in range(users.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(LoginFailed, match="Còn"):
            users.login(empty_engine, "chi.lan", "sai-mat-khau", now=now)
    with pytest.raises(LoginFailed, match="tạm khoá") as locked:
        users.login(empty_engine, "chi.lan", "sai-mat-khau", now=now)
    assert locked.value.kind == "locked" and locked.value.details["until"] == "09:15"
    with pytest.raises(LoginFailed, match="tạm khoá"):  # even the right password, while locked
        users.login(empty_engine, "chi.lan", PASSWORD, now=now + timedelta(minutes=14))
    user, _ = users.login(empty_engine, "chi.lan", PASSWORD, now=now + timedelta(minutes=users.LOCK_MINUTES, seconds=1))
    assert user.name == "chi.lan"
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_log WHERE entity = 'user' ORDER BY id DESC")).scalar() \
            == "user_locked"


def test_sessions_expire_when_idle_and_end_when_the_user_is_disabled_or_gets_a_new_password(empty_engine):
    users.add(empty_engine, ADMIN, "chi.lan", PASSWORD, "editor")
    start = datetime(2026, 11, 25, 8, 0)
    _, token = users.login(empty_engine, "chi.lan", PASSWORD, now=start)
    assert users.session_user(empty_engine, token, now=start + timedelta(hours=7)).name == "chi.lan"  # touched
    assert users.session_user(empty_engine, token, now=start + timedelta(hours=14)).name == "chi.lan"
    with pytest.raises(SessionExpired, match="hết hạn"):
        users.session_user(empty_engine, token, now=start + timedelta(hours=23))  # idle 9 h
    _, token = users.login(empty_engine, "chi.lan", PASSWORD)
    users.set_password(empty_engine, ADMIN, "chi.lan", "mat-khau-moi-1")
    with pytest.raises(SessionExpired):
        users.session_user(empty_engine, token)
    _, token = users.login(empty_engine, "chi.lan", "mat-khau-moi-1")
    users.set_disabled(empty_engine, ADMIN, "chi.lan")
    with pytest.raises(SessionExpired):
        users.session_user(empty_engine, token)
    with pytest.raises(LoginFailed, match="vô hiệu hoá"):
        users.login(empty_engine, "chi.lan", "mat-khau-moi-1")
    with pytest.raises(SessionExpired):
        users.session_user(empty_engine, None)


def test_no_session_outlives_its_maximum_age_even_when_used(empty_engine):
    users.add(empty_engine, ADMIN, "chi.lan", PASSWORD, "editor")
    start = datetime(2026, 11, 25, 8, 0)
    _, token = users.login(empty_engine, "chi.lan", PASSWORD, now=start)
    for hours in range(1, 24):
        users.session_user(empty_engine, token, now=start + timedelta(hours=hours))
    with pytest.raises(SessionExpired):
        users.session_user(empty_engine, token, now=start + users.MAX_SESSION_AGE + timedelta(minutes=1))


def test_a_user_may_change_their_own_password_but_not_another_s(empty_engine):
    users.add(empty_engine, ADMIN, "chi.lan", PASSWORD, "editor")
    users.add(empty_engine, ADMIN, "anh.minh", PASSWORD, "editor")
    me = users.User("chi.lan", "editor")
    users.set_password(empty_engine, me, "chi.lan", "mat-khau-cua-toi")
    with pytest.raises(NotAllowed):
        users.set_password(empty_engine, me, "anh.minh", "mat-khau-cua-toi")


def test_logout_ends_the_session(empty_engine):
    users.add(empty_engine, ADMIN, "chi.lan", PASSWORD, "viewer")
    _, token = users.login(empty_engine, "chi.lan", PASSWORD)
    users.logout(empty_engine, token)
    with pytest.raises(SessionExpired):
        users.session_user(empty_engine, token)


def test_viewers_need_no_log_in_on_a_fresh_install_until_an_admin_says_so(empty_engine):
    assert users.anonymous_viewers(empty_engine)
    users.set_setting(empty_engine, ADMIN, "anonymous_viewers", "no")
    assert not users.anonymous_viewers(empty_engine)
    with empty_engine.connect() as conn:
        row = conn.execute(text("SELECT actor, action, before, after FROM audit_log ORDER BY id DESC")).first()
    assert row == (ADMIN.audit_name, "setting", '{"value": "yes"}', '{"value": "no"}')
    with pytest.raises(UserError):
        users.set_setting(empty_engine, ADMIN, "anonymous_viewers", "maybe")


def test_the_local_admin_says_it_came_from_the_command_line_on_this_machine():
    import socket

    me = users.local_admin()
    assert me.role == "admin" and me.source == "cli"
    assert me.audit_name.startswith("dòng lệnh: ") and socket.gethostname() in me.audit_name
    assert users.SYSTEM.audit_name == "hệ thống: khởi tạo"


@pytest.mark.parametrize("actor, role, allowed", [
    (VIEWER, "viewer", True), (VIEWER, "editor", False), (EDITOR, "editor", True), (EDITOR, "admin", False),
    (ADMIN, "admin", True), (ADMIN, "viewer", True), (None, "viewer", False),
])
def test_roles_are_ordered_viewer_editor_admin(actor, role, allowed):
    if allowed:
        assert users.require(actor, role) is actor
    else:
        with pytest.raises(NotAllowed, match=users.ROLE_NAMES[role]):
            users.require(actor, role)


def test_the_user_value_is_frozen():
    with pytest.raises(AttributeError):
        EDITOR.role = "admin"


def test_the_user_list_is_labelled_in_the_interface_language(empty_engine):
    from dashboard.present import views

    engine = empty_engine
    users.add(engine, ADMIN, "chi.ha", "mat-khau-du-dai-1", "editor", "Chị Hà")
    frame = users.listing(engine)
    vi = views.users_view(frame, users.role_name, "vi")
    assert list(vi.columns) == ["Tên đăng nhập", "Tên hiển thị", "Quyền", "Trạng thái", "Tạm khoá đến"]
    assert vi.iloc[0].tolist() == ["chi.ha", "Chị Hà", "biên tập viên", "đang dùng", ""]
    en = views.users_view(frame, users.role_name, "en")
    assert list(en.columns)[0] == "User name" and en.iloc[0, 3] == "active"


@pytest.mark.parametrize("name, needed, write", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_function_lets_its_role_through(seeded_url, tmp_path, name, needed, write):
    """The other half of the refusal table: the role a function needs is never refused (the call
    may still fail for its own reasons, e.g. a missing file, but not for the role)."""
    make_user(seeded_url, "admin")
    engine = db.connect(seeded_url)
    out = tmp_path / "ra"
    out.mkdir()
    try:
        write(engine, seeded_url, users.User(f"thu.{needed}", needed), out)
    except NotAllowed as refused:
        pytest.fail(f"{name} refused its own role {needed}: {refused}")
    except Exception:  # noqa: BLE001 — refused for what was asked (an empty upload, a missing backup, no such
        pass  # phrasing): the function's own business, not the role check
    finally:
        engine.dispose()
