"""What the address bar asks for, checked: an unknown ``?xa=`` or ``?lang=`` is said, not ignored.

A link with a wrong commune code used to show another commune without a word. These
helpers decide (plain Python, tested without Streamlit) and return the message the
page shows beside the fallback; the page only displays it.
"""

from __future__ import annotations

from collections.abc import Mapping

from dashboard.markup import inert

LANGS = ("vi", "en")
_MESSAGES = {
    "unknown_commune": ("Địa chỉ yêu cầu xã/phường mã «{code}», không có trong danh mục {n} đơn vị; "
                        "đang hiển thị {shown}.",
                        "The address asks for commune code «{code}», which is not among the {n} units; "
                        "showing {shown} instead."),
    "unknown_lang": ("Ngôn ngữ «{code}» không được hỗ trợ (chỉ có vi, en); đang dùng tiếng Việt.",
                     "Language «{code}» is not supported (only vi, en); using Vietnamese."),
}


def _say(key: str, lang: str, **values) -> str:
    vi, en = _MESSAGES[key]
    return (en if lang == "en" else vi).format(**values)


def commune_param(raw: str | None, names: Mapping[str, str], fallback: str,
                  lang: str = "vi", showing: str | None = None) -> tuple[str, str | None]:
    """(commune code to show, message or None) for the ``?xa=`` value ``raw``.

    ``names`` maps the register's codes to names; ``showing`` names what is shown instead
    when it is not the fallback commune (the map: the whole province). A missing value gives ``fallback``
    without a message; an unknown one gives ``fallback`` and a message that names both
    the code asked for (made inert: it comes from the address) and the commune shown.
    """
    if raw is None or raw == "":
        return fallback, None
    code = raw.strip()
    if code in names:
        return code, None
    return fallback, _say("unknown_commune", lang, code=inert(code[:40]), n=len(names),
                          shown=inert(showing or names.get(fallback, fallback)))


def lang_param(raw: str | None) -> tuple[str, str | None]:
    """(language, message or None) for the ``?lang=`` value ``raw``; unknown → Vietnamese and a message."""
    if raw is None or raw == "":
        return "vi", None
    value = raw.strip().lower()
    if value in LANGS:
        return value, None
    return "vi", _say("unknown_lang", "vi", code=inert(raw[:20]))
