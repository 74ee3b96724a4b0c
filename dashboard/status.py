"""Status rules: is a value on target?

Pure functions, table-tested. Qualifiers matter: "trên 80%" against a target of 80%
is met (it is more than 80); "gần 80%" is not (it is almost 80); "dự kiến" is a plan,
not a result, so it counts as no data.
"""

from __future__ import annotations

import math

MET = "đạt"
NOT_MET = "chưa đạt"
NO_DATA = "chưa có số liệu"
NOT_SCORED = "không chấm"
NO_TARGET = "chưa có chỉ tiêu"
STATUSES = (MET, NOT_MET, NO_DATA, NO_TARGET, NOT_SCORED)
STATUS_EN = {MET: "met", NOT_MET: "not met", NO_DATA: "no data", NOT_SCORED: "not scored",
             NO_TARGET: "no target"}

# How a qualifier moves a stated value against a threshold: +1 above it, -1 below it.
QUALIFIER_BIAS = {"trên": 1, "hơn": 1, "gần": -1, "khoảng": 0, None: 0, "": 0}
PLANNED = "dự kiến"


def is_result(value: float | None, qualifier: str | None) -> bool:
    """True when ``value`` is an achieved result (present, a number, not a plan)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return (qualifier or "") != PLANNED


def status(value: float | None, qualifier: str | None, target: float | None, direction: str) -> str:
    """Return the status of ``value`` against ``target`` for an indicator's ``direction``.

    ``direction`` is ``up`` (higher is better), ``down`` (lower is better) or ``none``
    (descriptive, never scored).
    """
    if direction == "none":
        return NOT_SCORED
    if not is_result(value, qualifier):
        return NO_DATA
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return NO_TARGET
    bias = QUALIFIER_BIAS.get(qualifier or "", 0)
    if direction == "up":
        met = value > target or (value == target and bias >= 0)
    else:
        met = value < target or (value == target and bias <= 0)
    return MET if met else NOT_MET


def gap(value: float | None, target: float | None, direction: str) -> float | None:
    """Return how far ``value`` is from ``target``, positive when better than the target."""
    if value is None or target is None or direction == "none":
        return None
    if any(isinstance(x, float) and math.isnan(x) for x in (value, target)):
        return None
    return value - target if direction == "up" else target - value
