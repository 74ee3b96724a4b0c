"""The quantity reader and assignment by meaning, table-driven on sentences of the genre."""

from __future__ import annotations

import pytest

from dashboard import catalog
from dashboard.ingest import meaning
from dashboard.ingest.extract import extract
from dashboard.ingest.numbers import fold_aligned, masked
from dashboard.ingest.outline import Paragraph, Section
from dashboard.ingest.quantities import read_quantities, strip_invisible


def _values(sentence: str) -> list[tuple]:
    folded = masked(fold_aligned(strip_invisible(sentence)))
    return [(q.value, q.kind, q.qualifier) for q in read_quantities(folded) if not q.not_value]


@pytest.mark.parametrize("sentence, expected", [
    ("đạt 65,5%", [(65.5, "percent", None)]),
    ("đạt 65.5 %", [(65.5, "percent", None)]),
    ("đạt 90 phần trăm", [(90, "percent", None)]),
    ("số tiền thu 11.695.000 đồng", [(11_695_000, "money", None)]),
    ("số tiền thu 11.695.000đ", [(11_695_000, "money", None)]),
    ("kinh phí 100 000 000 đồng", [(100_000_000, "money", None)]),
    ("kinh phí 100\u00a0000\u00a0000 đồng", [(100_000_000, "money", None)]),
    ("kinh phí 2,5 triệu đồng", [(2_500_000, "money", None)]),
    ("kinh phí 100 triệu đồng", [(100_000_000, "money", None)]),
    ("kinh phí 350.000 VNĐ", [(350_000, "money", None)]),
    ("tổng 1,086,000 đồng", [(1_086_000, "money", None)]),
    ("có 1 086 hồ sơ", [(1086, "count", None)]),
    ("gần 1,6 nghìn người", [(1600, "count", "gần")]),
    ("hơn 1,1 triệu lượt người dân", [(1_100_000, "count", "hơn")]),
    ("trên 80% cán bộ", [(80, "percent", "trên")]),
    ("xấp xỉ 75%", [(75, "percent", "khoảng")]),
    ("ít nhất 60%", [(60, "percent", "ít nhất")]),
    ("đạt 9\u200b0%", [(90, "percent", None)]),
    ("đạt 9\u00ad0\u200e%", [(90, "percent", None)]),
    ("có 496/757 hồ sơ", [(65.5, "ratio", None)]),
    ("đạt 7/15", [(46.7, "ratio", None)]),
    ("tăng 5 điểm % so với cùng kỳ", [(5, "points", None)]),
])
def test_quantity_reader_reads_every_format(sentence, expected):
    assert _values(sentence) == [(float(v), k, q) for v, k, q in expected]


@pytest.mark.parametrize("sentence", [
    "Sáng 20/12, UBND phường làm việc với Sở",
    "Phường xếp hạng thứ 1/108 xã, phường",
    "Trang 2/19",
    "đạt 85/100 điểm",
    "cách tính 1/2*Điểm tối đa",
    "Quyết định số 96/QĐ-UBND ngày 24/7/2025",
    "Kế hoạch 359-KH/TU",
    "năm 2025",
    "Điện thoại: 0296.6.522.225",
    "2025-12-21T18:35:55+07:00",
    "Chủ nhật - 21/12/2025 18:31",
    "đứng thứ 3 toàn tỉnh",
])
def test_no_value_is_read_from_dates_ranks_pages_or_document_numbers(sentence):
    assert _values(sentence) == []


CASES = [
    # (sentence, heading, code or None, value)
    ("100% cán bộ, công chức, viên chức của phường được tập huấn, bồi dưỡng kỹ năng số, sử dụng thành thạo "
     "các hệ thống quản lý văn bản, chữ ký số, thư điện tử công vụ.", "", "HR_OFFICIAL_BASIC_SKILLS", 100),
    ("Tỷ lệ hồ sơ TTHC nộp trực tuyến: 95,7%.", "", "GOV_DOSSIER_ONLINE_RATE", 95.7),
    ("Tỷ lệ xử lý hồ sơ trực tuyến mức độ 3 đạt 60,4%, mức độ 4 đạt 60,3%.", "", "GOV_DOSSIER_ONLINE_RATE", 60.3),
    ("Tỷ lệ TTHC tiếp nhận trực tuyến mức độ 3, 4 có phát sinh hồ sơ trong năm đạt 51,2%.", "",
     "GOV_TTHC_ONLINE_SHARE", 51.2),
    ("Triển khai 532 trạm BTS 5G tại các khu kinh tế.", "", "INF_BTS_COUNT", 532),
    ("100% cơ quan nhà nước kết nối mạng truyền số liệu chuyên dùng.", "", None, 100),
    ("Phấn đấu đến năm 2030 tỷ lệ hồ sơ nộp trực tuyến đạt 80%.", "", "target", 80),
    ("Hoàn thành 100% các nhiệm vụ, chỉ tiêu được giao.", "", None, 100),
    ("Quy mô dân số gần 74 nghìn người, phường xác định phổ cập kỹ năng số là nhiệm vụ trọng tâm.", "", None, 74000),
    ("Đã cấp 45 tài khoản thư điện tử công vụ cho cán bộ.", "", "GOV_OFFICIAL_EMAIL", 45),
    ("Kinh phí chi cho khoa học công nghệ là 2,5 tỷ đồng.", "", "STI_BUDGET", 2_500_000_000),
    ("Tổng số hồ sơ tiếp nhận: 1.520 hồ sơ, trong đó trực tuyến 1.102 hồ sơ, đạt 72,5%.", "",
     "GOV_DOSSIER_ONLINE_RATE", 72.5),
    ("Người dân phản ánh, kiến nghị 14 trường hợp, đã xử lý dứt điểm 13 trường hợp (92,9%).", "",
     "GOV_FEEDBACK_RESOLVED", 92.9),
    ("Thu ngân sách trên địa bàn đạt 12,5 tỷ đồng.", "", None, 12_500_000_000),
    ("Cán bộ, công chức được tập huấn kỹ năng số cơ bản: 100%; trong đó làm chủ kỹ năng số: 78%.", "",
     "HR_OFFICIAL_DIGITAL_PROFICIENCY", 78),
    ("Hạ tầng số: 21 trạm BTS, tăng 4 trạm so với cuối năm 2024.", "", "INF_BTS_COUNT", 21),
    ("Thành lập 32 Tổ công nghệ số cộng đồng (mỗi tổ dân phố 01 tổ) với 198 thành viên.", "", "HR_CDT_MEMBERS", 198),
    ("Tỷ lệ hồ sơ trực tuyến đạt 72,4%, tăng 12% so với năm 2024.", "", "GOV_DOSSIER_ONLINE_RATE", 72.4),
]


@pytest.mark.parametrize("sentence, value", [
    ("Điểm chuyển đổi số của xã đạt 412 điểm, xếp thứ 5/96.", 5),
    ("Hạ tầng số: 21 trạm BTS, tăng 4 trạm so với cuối năm 2024.", 4),
    ("Tỷ lệ hồ sơ trực tuyến đạt 72,4%, tăng 12% so với năm 2024.", 12),
    ("Thành lập 32 Tổ công nghệ số cộng đồng (mỗi tổ dân phố 01 tổ) với 198 thành viên.", 1),
])
def test_ranks_changes_and_per_unit_figures_are_never_coded_values(sentence, value):
    found = extract([Section("1", 2, "Kết quả", [Paragraph(sentence)], path="1")])
    assert not [f for f in found if f.value == value and f.indicator_code]


@pytest.mark.parametrize("sentence, heading, code, value", CASES)
def test_a_value_goes_to_what_its_clause_is_about(sentence, heading, code, value):
    found = extract([Section("1", 2, heading or "Kết quả", [Paragraph(sentence)], path="1")])
    hit = [f for f in found if f.value == value]
    assert hit, found
    if code == "target":
        assert hit[0].is_target and hit[0].indicator_code
    elif code is None:
        assert hit[0].indicator_code is None and hit[0].suggestions is not None
    else:
        assert (hit[0].indicator_code, hit[0].is_target) == (code, False)


def test_every_phrasing_names_a_catalog_indicator():
    codes = {s.code for s in catalog.indicators()}
    assert {p.code for p in meaning.data_phrases()} <= codes
    assert set(meaning.unit_nouns()) <= codes
    # every indicator has phrasings a clerk would write besides its catalog name
    assert codes <= {p.code for p in meaning.data_phrases()}


# --- properties of the quantity reader ---------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _vietnamese(n: int, sep: str = ".") -> str:
    return f"{n:,}".replace(",", sep)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1000, max_value=9_999_999_999),
       sep=st.sampled_from([".", " ", "\u00a0", "\u202f"]),
       unit=st.sampled_from([" đồng", " đ", "đ", " VNĐ"]))
def test_every_grouping_of_an_amount_reads_back(n, sep, unit):
    assert _values(f"Kinh phí bố trí {_vietnamese(n, sep)}{unit} cho nhiệm vụ.") == [(float(n), "money", None)]


@settings(max_examples=200, deadline=None)
@given(whole=st.integers(min_value=0, max_value=100), tenth=st.integers(min_value=0, max_value=9),
       mark=st.sampled_from([",", "."]), space=st.sampled_from(["", " "]),
       invisible=st.sampled_from(["", "\u200b", "\u00ad", "\u200e", "\ufeff"]))
def test_every_writing_of_a_rate_reads_back(whole, tenth, mark, space, invisible):
    text = f"{whole}{mark}{tenth}"
    text = text[:1] + invisible + text[1:]
    assert _values(f"Tỷ lệ đạt {text}{space}%.") == [(whole + tenth / 10, "percent", None)]


@settings(max_examples=200, deadline=None)
@given(day=st.integers(min_value=1, max_value=28), month=st.integers(min_value=1, max_value=12),
       year=st.integers(min_value=2000, max_value=2030), lead=st.sampled_from(["ngày ", "Sáng ", "Chiều ", "hôm "]))
def test_no_date_is_ever_a_value(day, month, year, lead):
    assert _values(f"{lead}{day}/{month}/{year} UBND xã họp.") == []
    assert _values(f"{lead}{day}/{month}, UBND xã họp.") == []


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_reads_without_error(text):
    folded = masked(fold_aligned(strip_invisible(text)))
    for q in read_quantities(folded):
        assert 0 <= q.start < q.end <= len(folded)
