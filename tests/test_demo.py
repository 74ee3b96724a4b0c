from sqlalchemy import func, select

from dashboard import catalog, demo
from dashboard.store.db import session_scope
from dashboard.store.models import Observation
from conftest import ADMIN, EDITOR


def test_demo_is_deterministic_plausible_and_removable(empty_engine):
    with session_scope(empty_engine) as s:
        n = demo.generate(s, ADMIN)
    assert n == 96 * len(catalog.indicators()) * len(demo.DEMO_PERIODS)
    with session_scope(empty_engine) as s:
        rows = s.scalars(select(Observation)).all()
        first = {(o.commune_code, o.indicator_code, o.period_code): o.value for o in rows}
        for o in rows:
            spec = catalog.spec(o.indicator_code)
            assert o.origin == "demo"
            if spec.is_ratio:
                assert 0 <= o.numerator <= o.denominator and float(o.numerator).is_integer()
            elif spec.is_percent:
                assert 0 <= o.value <= 100
            else:
                assert float(o.value).is_integer() and o.value >= 0
    with session_scope(empty_engine) as s:
        demo.generate(s, ADMIN)
    with session_scope(empty_engine) as s:
        again = {(o.commune_code, o.indicator_code, o.period_code): o.value for o in s.scalars(select(Observation))}
    assert again == first
    with session_scope(empty_engine) as s:
        assert demo.remove(s, ADMIN) == n
    with session_scope(empty_engine) as s:
        assert s.scalar(select(func.count()).select_from(Observation)) == 0
