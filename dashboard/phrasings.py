"""Phrasings staff teach the reader on the review page.

When a person gives an unassigned number its indicator, or moves a value to another
indicator, the clause the number stood in ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt") is kept
as a phrasing of that indicator; the next report that says it the same way is assigned
automatically. Phrasings are listed, removable, and every change is audited.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from dashboard import catalog
from dashboard.store.db import audit, session_scope
from dashboard.errors import DashboardError
from dashboard.ingest import meaning
from dashboard.store.models import Observation, Phrasing
from dashboard.text import fold
from dashboard.users import EDITOR, User, require

MIN_WORDS = 2  # a clause of fewer content words says too little to learn from


class PhrasingError(DashboardError):
    "A phrasing cannot be learned or removed."


def _key(phrase: str) -> str:
    return " ".join(meaning.tokens(fold(phrase)))[:400]


def learn(session: Session, obs: Observation, indicator_code: str, actor: User) -> Phrasing | None:
    """Keep the clause of ``obs`` as a phrasing of ``indicator_code`` (in the caller's
    transaction); None when the clause is too short to mean anything or is already known."""
    require(actor, EDITOR)
    phrase = (obs.clause or "").strip()
    if len([w for w in meaning.tokens(fold(phrase)) if w not in meaning.STOPWORDS]) < MIN_WORDS:
        return None
    key = _key(phrase)
    if session.scalar(select(Phrasing).where(Phrasing.indicator_code == indicator_code, Phrasing.folded == key)):
        return None
    row = Phrasing(indicator_code=indicator_code, phrase=phrase, folded=key, created_at=datetime.now(),
                   created_by=actor.audit_name, source_observation_id=obs.id)
    session.add(row)
    session.flush()
    audit(session, actor.audit_name, "learn", "phrasing", row.id, None,
          {"indicator_code": indicator_code, "phrase": phrase, "observation": obs.id})
    return row


def learned(engine: Engine) -> list[meaning.Phrase]:
    """Every taught phrasing, for the reader."""
    with engine.connect() as conn:
        rows = conn.execute(select(Phrasing.indicator_code, Phrasing.phrase)).all()
    return [meaning.Phrase(code, phrase, "learned") for code, phrase in rows]


def listing(engine: Engine) -> pd.DataFrame:
    """Taught phrasings, newest first, with the indicator's name, who taught it and when."""
    sql = text("SELECT p.id, p.indicator_code, i.name_vi AS indicator_name, p.phrase, p.created_by, p.created_at "
               "FROM phrasings p JOIN indicators i ON i.code = p.indicator_code ORDER BY p.id DESC")
    with engine.connect() as conn:
        return pd.read_sql(sql, conn)


def remove(engine: Engine, phrasing_id: int, actor: User) -> None:
    """Forget a taught phrasing (audited; editors and admins)."""
    require(actor, EDITOR)
    with session_scope(engine) as session:
        row = session.get(Phrasing, int(phrasing_id))
        if row is None:
            raise PhrasingError(f"Không có cách diễn đạt số {phrasing_id}.")
        before = {"indicator_code": row.indicator_code, "phrase": row.phrase, "created_by": row.created_by}
        session.delete(row)
        audit(session, actor.audit_name, "forget", "phrasing", phrasing_id, before, None)


def add(engine: Engine, indicator_code: str, phrase: str, actor: User) -> int:
    """Teach a phrasing by hand (e.g. from the command line; editors and admins); returns its id."""
    require(actor, EDITOR)
    spec = catalog.spec(indicator_code)
    with session_scope(engine) as session:
        obs = Observation(clause=phrase)
        obs.id = None
        row = learn(session, obs, spec.code, actor)
        if row is None:
            raise PhrasingError(f"Cách diễn đạt «{phrase}» quá ngắn hoặc đã có cho {spec.code}.")
        return row.id
