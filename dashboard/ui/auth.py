"""Log-in on the page: the form, who is logged in, and the gate each page passes first.

The browser keeps only a random token in Streamlit's session state; the user behind it
is looked up in the database on every run (:func:`dashboard.users.session_user`), so an
expired session, a disabled account or a changed password takes effect at the next click.
The library checks the role again on every write: hiding a control here is for people,
not the protection.
"""

from __future__ import annotations

import streamlit as st

from dashboard import users
from dashboard.errors import LoginFailed, SessionExpired
from dashboard.markup import inert
from dashboard.ui import engine, lang, language_switch, t
from dashboard.users import User

TOKEN = "_auth_token"
NOTICE = "_auth_notice"


def current_user() -> User | None:
    """The logged-in user, or None (anonymous, logged out, or the session just ended)."""
    token = st.session_state.get(TOKEN)
    if not token:
        return None
    try:
        return users.session_user(engine(), token)
    except SessionExpired as exc:
        st.session_state.pop(TOKEN, None)
        hours = int(users.IDLE_TIMEOUT.total_seconds() // 3600)
        st.session_state[NOTICE] = t("session_expired", hours=hours) if exc.kind == "expired" else t("session_ended")
        return None


def _login_message(exc: LoginFailed) -> str:
    if exc.kind == "wrong" and "left" in exc.details:
        return t("login_wrong", **exc.details)
    if exc.kind in ("locked", "disabled"):
        return t(f"login_{exc.kind}", **exc.details)
    return t("login_wrong_plain")


def _submitted(name_key: str, password_key: str) -> None:
    """The form's callback: check the password before the page draws again."""
    try:
        _, token = users.login(engine(), st.session_state.get(name_key, ""), st.session_state.get(password_key, ""))
    except LoginFailed as exc:
        st.session_state[NOTICE] = ("error", _login_message(exc))
        return
    finally:
        st.session_state[password_key] = ""  # never kept in the session, right or wrong
    st.session_state[TOKEN] = token
    st.session_state.pop(NOTICE, None)


def login_form(where=None, key: str = "login") -> None:
    """The log-in form (in ``where``: the page, or the sidebar), in the interface language."""
    where = where or st.container()
    notice = st.session_state.pop(NOTICE, None)
    if isinstance(notice, tuple):
        where.error(inert(notice[1]))
    elif notice:
        where.warning(inert(notice))
    with where.form(key, clear_on_submit=False, border=True):
        st.text_input(t("login_name"), key=f"{key}_name", autocomplete="username")
        st.text_input(t("login_password"), type="password", key=f"{key}_password", autocomplete="current-password")
        st.form_submit_button(t("login_submit"), key=f"{key}_submit", type="primary",
                              on_click=_submitted, args=(f"{key}_name", f"{key}_password"))


def logout() -> None:
    """End this browser's session on the server and forget its token."""
    users.logout(engine(), st.session_state.pop(TOKEN, None))
    st.session_state[NOTICE] = t("logged_out")


def account_box(user: User | None, form: bool = True) -> None:
    """The sidebar: who is logged in and a log-out button, or (``form``) a small log-in form."""
    if user is not None:
        st.sidebar.markdown(t("logged_in_as", name=inert(user.display or user.name),
                              role=users.role_name(user.role, lang())))
        st.sidebar.button(t("logout"), key="logout", on_click=logout, icon=":material/logout:")
    elif form:
        with st.sidebar.expander(t("login_sidebar"), expanded=isinstance(st.session_state.get(NOTICE), tuple)):
            login_form(st.container(), key="login_side")


def require_role(role: str = users.VIEWER) -> User | None:
    """Let the page go on when the visitor has ``role``; otherwise show the log-in form and stop.

    Viewers need no log-in while the administrator allows it (the default); then this
    returns None for an anonymous visitor.
    """
    user = current_user()
    if user is not None and user.can(role):
        account_box(user)
        return user
    if user is None and role == users.VIEWER and users.anonymous_viewers(engine()):
        account_box(None)
        return None
    language_switch()  # the page stops here: the form can still be read in English
    account_box(user, form=False)
    st.title(t("login_title"))
    if user is not None:
        st.warning(t("not_allowed_here", name=inert(user.display or user.name), role=users.role_name(user.role, lang()),
                     needed=users.role_name(role, lang())))
    else:
        st.info(t("login_needed", role=users.role_name(role, lang())) if role != users.VIEWER
                else t("login_needed_all"))
        login_form(key="login_main")
    st.stop()
