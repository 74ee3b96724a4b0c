import pytest

from dashboard import status as st


@pytest.mark.parametrize("value, qualifier, target, direction, expected", [
    (80.0, "trên", 80.0, "up", st.MET),          # "trên 80%" vs 80% is met
    (80.0, None, 80.0, "up", st.MET),
    (80.0, "gần", 80.0, "up", st.NOT_MET),       # "gần 80%" is almost, not reached
    (79.9, None, 80.0, "up", st.NOT_MET),
    (90.0, "khoảng", 80.0, "up", st.MET),
    (100.0, "dự kiến", 90.0, "up", st.NO_DATA),  # a plan is not a result
    (None, None, 90.0, "up", st.NO_DATA),
    (float("nan"), None, 90.0, "up", st.NO_DATA),
    (0.0, None, 0.0, "down", st.MET),            # no serious incident
    (1.0, None, 0.0, "down", st.NOT_MET),
    (65.5, None, None, "up", st.NO_TARGET),
    (3.0, None, None, "none", st.NOT_SCORED),
    (3.0, None, 5.0, "none", st.NOT_SCORED),
])
def test_status_rules(value, qualifier, target, direction, expected):
    assert st.status(value, qualifier, target, direction) == expected


@pytest.mark.parametrize("value, target, direction, expected", [
    (65.5, 80.0, "up", -14.5), (90.0, 80.0, "up", 10.0), (2.0, 0.0, "down", -2.0),
    (None, 80.0, "up", None), (5.0, None, "up", None), (5.0, 3.0, "none", None),
])
def test_gap(value, target, direction, expected):
    result = st.gap(value, target, direction)
    assert result == (pytest.approx(expected) if expected is not None else None)
