import pytest

from dashboard import register
from dashboard.errors import AmbiguousCommune, UnknownCommune


def test_register_has_the_96_units_of_the_province():
    units = register.communes()
    assert len(units) == 96
    kinds = [u.unit_type for u in units]
    assert (kinds.count("xã"), kinds.count("phường"), kinds.count("đặc khu")) == (86, 9, 1)
    assert len({u.code for u in units}) == 96
    assert all(13.5 < u.lat < 15.6 and 107.2 < u.lon < 109.3 for u in units)


@pytest.mark.parametrize("name, code", [
    ("Sơn Mai", "21349"), ("xã Sơn Mai", "21349"), ("SON MAI", "21349"), ("Xa Son Mai", "21349"),
    ("UBND xã Sơn Mai", "21349"), ("Ủy ban nhân dân xã Sơn Mai", "21349"),
    ("S\u01a1n Mai".replace("ơ", "o\u031b"), "21349"),  # decomposed (NFD) spelling
    ("Đông Trà Bồng", "21127"), ("xa dong tra bong", "21127"), ("21127", "21127"),
    ("Ba Tô", "21523"), ("Ba Tơ", "21484"), ("Sơn Hạ", "21292"), ("Sơn Hà", "21289"),
    ("Lý Sơn", "21548"), ("đặc khu Lý Sơn", "21548"),
])
def test_name_matching(name, code):
    assert register.match(name).code == code


@pytest.mark.parametrize("name", ["Ba To", "ba to", "Son Ha"])
def test_names_differing_only_by_diacritics_are_ambiguous_without_them(name):
    with pytest.raises(AmbiguousCommune) as exc:
        register.match(name)
    assert len(exc.value.candidates) == 2


@pytest.mark.parametrize("name", ["", "Hà Nội", "99999"])
def test_unknown_names_are_refused(name):
    with pytest.raises(UnknownCommune):
        register.match(name)


def test_legacy_wards_cover_both_former_provinces():
    wards = register.legacy_wards()
    assert len(wards) > 250
    assert {w.province for w in wards} == {"Tỉnh Quảng Ngãi", "Tỉnh Kon Tum"}
