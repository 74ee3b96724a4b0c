"""Making outside text inert before it reaches Markdown or HTML.

Report text, headings, file names, commune names and whatever a person types are shown
by Streamlit through Markdown (messages, captions, pills, expander labels) or HTML
(``st.html``). Either can turn text into an element: ``<form>``, ``![](http://…)``,
``[link](javascript:…)``, ``www.example.com``, ``:red[…]``, a list or a heading. The
one helper here, :func:`inert`, writes every character that could start markup as a
numeric character reference, which both Markdown (CommonMark decodes references into literal
text, never into syntax) and HTML show as the plain character, so the same call is
right in both places. Invisible direction and width controls are dropped, so a name
cannot be reordered or disguised on screen.
"""

from __future__ import annotations

import re

from dashboard.text import visible

__all__ = ["JOINER", "inert", "visible"]

# Characters that make Markdown or HTML anywhere in a line (tags, references, emphasis, code, links,
# images, tables, maths, escapes, attribute quotes); ",", ".", "%", "/", "(", ")" and letters stay as they are.
_ALWAYS = re.compile(r"[&<>\"'`*_~|$\\\[\]{}#]")
# Characters that make Markdown only at the start of a line: list items, headings, quotes, rules.
_LINE_START = re.compile(r"^(\s*)(?:([-+=>])|(\d+)([.)]))", re.MULTILINE)
# ":word" starts an emoji code or a Streamlit icon/colour directive (":red[", ":material/home:").
_DIRECTIVE = re.compile(r":(?=[A-Za-z])")
_SPACES = re.compile(r"\s+")
# Streamlit's Markdown turns URL-like and e-mail-like *text* into links after decoding references;
# an invisible word joiner inside "://", "www." and after "@" keeps them text.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
JOINER = "\u2060"


def inert(text: object, one_line: bool = True) -> str:
    """``text`` made safe to place inside Markdown or HTML: it shows as written, and does nothing.

    Every character that can start markup becomes a character reference (``<`` →
    ``&#60;``, ``[`` → ``&#91;``; ``-``, ``+``, ``1.`` only at the start of a line, ``:``
    only before a letter), which closes every route to markup — tags, images, links,
    autolinks, emphasis, lists, headings, maths, Streamlit's ``:colour[…]`` — while
    the reader sees the same characters. Plain text ("65,5% (9T/2025)") is unchanged.
    With ``one_line`` (the default) line breaks and runs of spaces become one space, so
    a label cannot start a new block.
    URL- and e-mail-like text gets an invisible word joiner, as Streamlit would otherwise
    link it. ``None`` gives an empty string.
    """
    if text is None:
        return ""
    out = visible(str(text))
    if one_line:
        out = _SPACES.sub(" ", out).strip()
    out = _AUTOLINK.sub(JOINER, _ALWAYS.sub(_reference, out))
    out = _DIRECTIVE.sub("&#58;", out)
    return _LINE_START.sub(lambda m: m.group(1) + (_reference(m, 2) if m.group(2) else m.group(3) + _reference(m, 4)),
                           out)


def _reference(match: re.Match, group: int = 0) -> str:
    return f"&#{ord(match.group(group))};"
