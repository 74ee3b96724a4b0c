import pytest

from dashboard import i18n
from dashboard.text import fold, sort_key


@pytest.mark.parametrize("value, unit, lang, expected", [
    (65.5, "%", "vi", "65,5%"), (100.0, "%", "vi", "100%"), (11695000, "đ", "vi", "11.695.000 đ"),
    (318000, "đ", "vi", "318.000 đ"), (12, "tổ", "vi", "12 tổ"), (1234.5, "người", "vi", "1.234,5 người"),
    (65.5, "%", "en", "65.5%"), (11695000, "đ", "en", "11,695,000 đ"), (None, "%", "vi", "—"),
    (float("nan"), "%", "vi", "—"), (-14.5, "%", "vi", "-14,5%"),
])
def test_value_formats(value, unit, lang, expected):
    assert i18n.value(value, unit, lang) == expected


def test_qualifier_is_shown_before_the_value():
    assert i18n.value(80, "%", "vi", "trên") == "trên 80%"


@pytest.mark.parametrize("text, folded", [
    ("Bình dân học vụ số", "binh dan hoc vu so"), ("Đông Trà Bồng", "dong tra bong"),
    ("  XÃ   Sơn Mai ", "xa son mai"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_vietnamese_collation():
    names = ["Đông Sơn", "Ba Tơ", "Ân Nghĩa", "An Phú", "Dũng", "Ba Tô", "Bình Sơn"]
    assert sorted(names, key=sort_key) == ["An Phú", "Ân Nghĩa", "Ba Tô", "Ba Tơ", "Bình Sơn", "Dũng", "Đông Sơn"]


def test_every_label_has_both_languages():
    for key, (vi, en) in i18n.LABELS.items():
        assert vi and en, key
