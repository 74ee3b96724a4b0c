import re

from dashboard import catalog
from tests.conftest import REFERENCE, require
from conftest import ADMIN, EDITOR, OTHER_EDITOR


def test_every_reference_code_is_in_the_catalog():
    text = require(REFERENCE).read_text(encoding="utf-8")
    reference_codes = set(re.findall(r"^\| ([A-Z0-9_]+) \|", text, flags=re.M)) - {"code"}
    assert len(reference_codes) >= 30
    assert reference_codes <= {s.code for s in catalog.indicators()}


def test_catalog_rows_are_valid():
    specs = catalog.indicators()
    for s in specs:
        assert s.pillar in catalog.PILLARS
        assert s.direction in catalog.DIRECTIONS
        assert s.rollup in catalog.ROLLUPS
        assert s.name_vi and s.name_en and s.unit
        if s.is_ratio:
            assert s.rollup == "ratio" and s.unit == "%"
        if s.map_selectable:
            assert s.unit == "%" and s.direction == "up"
    assert "GOV_DOSSIER_ONLINE_RATE" in {s.code for s in specs if s.map_selectable}


def test_targets_have_scope_source_and_standing():
    rows = catalog.target_rows()
    assert rows
    for r in rows:
        assert r["scope"] in catalog.SCOPES and r["standing"] in catalog.STANDINGS and r["source"]
    # No target is invented for indicators the reference leaves without one.
    assert "GOV_DOSSIER_ONLINE_RATE" not in {r["indicator_code"] for r in rows}


def test_set_target_is_audited(empty_engine):
    from sqlalchemy import select

    from dashboard.store.db import session_scope
    from dashboard.store.models import AuditEntry

    with session_scope(empty_engine) as s:
        catalog.set_target(s, EDITOR, "GOV_DOSSIER_ONLINE_RATE", 2025, 70.0, "Sở KH&CN đặt", "public")
        catalog.set_target(s, OTHER_EDITOR, "GOV_DOSSIER_ONLINE_RATE", 2025, 75.0, "Sở KH&CN sửa", "public")
    with session_scope(empty_engine) as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.actor for e in entries] == ["chi.lan", "anh.minh"]
    assert entries[0].before is None and '"value": 70.0' in entries[1].before
