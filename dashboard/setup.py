"""Creating and seeding a database: the one builder shared by the CLI, the app, demos and tests."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from dashboard.geo import boundaries
from dashboard import catalog, demo, register, users
from dashboard.config import PROVINCE_CODE
from dashboard.store.db import connect, session_scope
from dashboard.store.models import Commune, Observation


def is_seeded(engine: Engine) -> bool:
    """True when the register has been loaded into the database."""
    with session_scope(engine) as s:
        return (s.scalar(select(func.count()).select_from(Commune)) or 0) > 0


def build(url: str | None = None, with_demo: bool = True, province: str | None = None) -> Engine:
    """Migrate the database at ``url``, load register and catalog, and add demo data.

    ``province`` (a GSO code, Quảng Ngãi's ``51`` by default) chooses whose register is
    loaded; naming one also derives the boundaries anew for every unit the register now
    holds. Demo data is generated only when the database holds no observation at all, so
    building twice, or building over imported reports, never adds demo values.

    The demo values are written as :data:`dashboard.users.SYSTEM`: when a fresh install
    seeds itself nobody is logged in yet (there may be no user at all), and the audit
    then says the system wrote them, not a person.
    """
    engine = connect(url)
    with session_scope(engine) as s:
        register.store(s, province or PROVINCE_CODE)
        catalog.load(s)
        if with_demo and s.scalar(select(func.count()).select_from(Observation)) == 0:
            demo.generate(s, users.SYSTEM)
    # the map's approximate boundaries (issue 5), derived once and stored
    boundaries.ensure_derived(engine, rebuild=province is not None)
    return engine
