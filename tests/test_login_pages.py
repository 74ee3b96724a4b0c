"""Log-in on the pages (AppTest): the form, wrong passwords, lock-out, and what each role is shown."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ADMIN, PASSWORD, PROJECT, logged_in, make_user
from dashboard import users
from dashboard.store import db

PAGES = PROJECT / "pages"


@pytest.fixture
def app_env(seeded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(PROJECT)
    return seeded_url


def page(name: str, **params) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def log_in(at: AppTest, name: str, password: str, form: str = "login_main") -> AppTest:
    at.text_input(key=f"{form}_name").input(name)
    at.text_input(key=f"{form}_password").input(password)
    return at.button(key=f"{form}_submit").click().run()


def texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("error", "warning", "info", "success", "markdown", "title")
                    for e in getattr(at, kind))


EDITOR_CONTROLS = {"review_commune", "review_dry_run", "review_replace_reviewed", "manual_commune", "manual_save"}


def _keys(at: AppTest) -> set[str]:
    """The keys of the widgets on the page (the upload's import button shows only once a file is chosen)."""
    found = set()
    for kind in ("button", "selectbox", "text_input", "checkbox", "toggle"):
        found |= {w.key for w in getattr(at, kind)}
    return found


def test_an_anonymous_visitor_sees_the_log_in_form_and_no_review_controls(app_env):
    at = page("review").run()
    assert not at.exception
    assert "Trang này cần đăng nhập với quyền biên tập viên" in texts(at)
    assert {"login_main_name", "login_main_password", "login_main_submit"} <= _keys(at)
    assert not EDITOR_CONTROLS & _keys(at)


def test_an_editor_logs_in_through_the_form_and_then_sees_the_review_controls(app_env):
    make_user(app_env, "editor", "chi.lan")
    at = log_in(page("review").run(), "chi.lan", PASSWORD)
    assert not at.exception and not at.error, [e.value for e in at.error]
    keys = _keys(at)
    assert EDITOR_CONTROLS | {"logout"} <= keys
    assert "login_main_name" not in keys
    assert "chi.lan" not in [w.value for w in at.text_input]  # no reviewer box: the actor is the logged-in user
    assert "Đang đăng nhập" in " ".join(m.value for m in at.sidebar.markdown)


def test_a_wrong_password_is_refused_with_the_tries_left(app_env):
    make_user(app_env, "editor", "chi.lan")
    at = log_in(page("review").run(), "chi.lan", "sai-mat-khau")
    assert any("không đúng" in e.value and "Còn 4 lần thử" in e.value for e in at.error)
    assert not EDITOR_CONTROLS & _keys(at)
    assert at.text_input(key="login_main_password").value == ""  # never kept


def test_five_wrong_passwords_lock_the_account_and_the_form_says_until_when(app_env):
    make_user(app_env, "editor", "chi.lan")
    at = page("review").run()
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        at = log_in(at, "chi.lan", "sai-mat-khau")
    assert any("tạm khoá" in e.value and "15 phút" in e.value for e in at.error)
    at = log_in(at, "chi.lan", PASSWORD)  # the right password, too late
    assert any("tạm khoá" in e.value for e in at.error) and not EDITOR_CONTROLS & _keys(at)


def test_a_viewer_account_is_told_the_page_needs_an_editor(app_env):
    at = logged_in(page("review"), app_env, "viewer").run()
    assert any("trang này cần quyền biên tập viên" in w.value for w in at.warning)
    assert not EDITOR_CONTROLS & _keys(at)


def test_log_out_ends_the_session(app_env):
    at = logged_in(page("review"), app_env, "editor").run()
    assert EDITOR_CONTROLS <= _keys(at)
    at = at.button(key="logout").click().run()
    assert not EDITOR_CONTROLS & _keys(at) and "login_main_name" in _keys(at)


def test_the_map_shows_the_boundary_import_to_admins_only(app_env):
    anonymous = page("map").run()
    assert not anonymous.exception
    assert not any("boundary_file" in k for k in _keys(anonymous))
    editor = logged_in(page("map"), app_env, "editor").run()
    assert not any("boundary_file" in k for k in _keys(editor))
    admin = logged_in(page("map"), app_env, "admin").run()
    assert "boundary_file_check" in _keys(admin)


def test_removing_official_boundaries_needs_a_ticked_confirmation(app_env):
    from conftest import REAL_GEOJSON, require
    from dashboard.geo import boundaries, boundary_import

    engine = db.connect(app_env)
    boundary_import.import_file(engine, require(REAL_GEOJSON), actor=ADMIN)
    at = logged_in(page("map"), app_env, "admin").run()
    assert at.button(key="boundary_file_remove").disabled
    at.checkbox(key="boundary_file_remove_confirm").check().run()
    at.button(key="boundary_file_remove").click().run()
    assert any("Đã xoá ranh giới chính thức" in s.value for s in at.success)
    assert boundaries.source_in_use(engine) == boundaries.DERIVED
    engine.dispose()


def test_when_the_admin_requires_log_in_every_page_asks(app_env):
    engine = db.connect(app_env)
    users.set_setting(engine, ADMIN, "anonymous_viewers", "no")
    engine.dispose()
    for name in ("overview", "explorer", "commune", "map", "meeting"):
        at = page(name).run()
        assert not at.exception, name
        assert "login_main_name" in _keys(at), name
        assert "mọi người đăng nhập" in texts(at), name
    at = logged_in(page("overview"), app_env, "viewer").run()
    assert "login_main_name" not in _keys(at) and at.title[0].value == "Tổng quan"


def test_viewers_read_without_log_in_by_default_and_see_a_small_staff_log_in(app_env):
    at = page("overview").run()
    assert at.title[0].value == "Tổng quan"
    assert "login_side_name" in _keys(at) and "login_main_name" not in _keys(at)


def test_the_log_in_form_speaks_english_with_lang_en(app_env):
    at = page("review", lang="en").run()
    assert at.text_input(key="login_main_name").label == "User name"
    assert at.text_input(key="login_main_password").label == "Password"
    assert "needs a log-in with the editor role" in texts(at)


def test_the_admin_page_adds_a_user_and_removes_demo_data_after_confirmation(app_env):
    at = logged_in(page("users"), app_env, "admin").run()
    assert not at.exception and not at.error
    at.text_input(key="user_add_name").input("anh.minh")
    at.text_input(key="user_add_password").input(PASSWORD)
    at.selectbox(key="user_add_role").set_value("editor")
    at = at.button(key="user_add_submit").click().run()
    assert any("anh.minh" in s.value for s in at.success)
    assert at.button(key="demo_remove").disabled
    at.checkbox(key="demo_remove_confirm").check().run()
    at = at.button(key="demo_remove").click().run()
    assert any("Đã xoá" in s.value for s in at.success)
    engine = db.connect(app_env)
    assert db.table_counts(engine)["observations"] == 0
    assert set(users.listing(engine)["name"]) == {"thu.admin", "anh.minh"}
    engine.dispose()


def test_the_admin_page_is_for_admins_only(app_env):
    at = logged_in(page("users"), app_env, "editor").run()
    assert "user_add_name" not in _keys(at) and "demo_remove" not in _keys(at)
