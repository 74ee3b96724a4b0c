"""Vietnamese-first formatting and the vi/en label table.

Numbers follow Vietnamese habits: ``.`` groups thousands and ``,`` is the decimal
mark (``65,5%``, ``11.695.000 đ``); dates are dd/mm/yyyy.
"""

from __future__ import annotations

import csv
import math
from datetime import date, datetime
from functools import cache

LANGS = ("vi", "en")


def _group(integer_part: str, sep: str) -> str:
    out = []
    while len(integer_part) > 3:
        out.insert(0, integer_part[-3:])
        integer_part = integer_part[:-3]
    out.insert(0, integer_part)
    return sep.join(out)


def number(value: float | int | None, decimals: int | None = None, lang: str = "vi") -> str:
    """Format ``value`` with thousands grouping; decimals trimmed when not given.

    ``number(11695000)`` → ``11.695.000``; ``number(65.5)`` → ``65,5``;
    in English ``11,695,000`` and ``65.5``. None or NaN gives an em dash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{abs(float(value)):.{decimals}f}"
    integer_part, _, frac = text.partition(".")
    thousands, mark = (".", ",") if lang == "vi" else (",", ".")
    out = _group(integer_part, thousands) + (mark + frac if frac else "")
    return ("-" if float(value) < 0 and float(text) != 0 else "") + out


def value(value: float | None, unit: str | None, lang: str = "vi", qualifier: str | None = None) -> str:
    """Format a value with its unit: ``65,5%``, ``11.695.000 đ``, ``12 tổ``; qualifier in front."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "%":
        text = number(value, None if float(value).is_integer() else 1, lang) + "%"
    elif unit in ("đ", "VND"):
        text = number(value, 0, lang) + " đ"
    else:
        text = number(value, None, lang) + (f" {unit}" if unit and lang == "vi" else "")
    return f"{qualifier_name(qualifier, lang)} {text}" if qualifier else text


# How a report hedges a number (stored in Vietnamese, as written), in the interface language.
QUALIFIERS_EN = {"trên": "over", "hơn": "more than", "gần": "nearly", "khoảng": "about", "dự kiến": "planned"}


def qualifier_name(qualifier: str | None, lang: str = "vi") -> str:
    """``gần`` → ``nearly`` in English; the stored Vietnamese word otherwise."""
    if not qualifier:
        return ""
    return QUALIFIERS_EN.get(qualifier, qualifier) if lang == "en" else qualifier


def facet_name(facet: str | None, lang: str = "vi") -> str:
    """A detail's name (``số tiền thu``) in the interface language, from ``data/facet_names.csv``.

    Details are named in Vietnamese where they are read from reports; the English names are
    data a domain person extends (a detail missing there keeps its Vietnamese name).
    """
    if not facet or lang != "en":
        return facet or ""
    return _facet_names().get(facet, facet)


@cache
def _facet_names() -> dict[str, str]:
    """Read once, on first use (nothing is read at import time)."""
    from dashboard.config import DATA_DIR

    with open(DATA_DIR / "facet_names.csv", encoding="utf-8", newline="") as handle:
        return {row["facet_vi"]: row["facet_en"] for row in csv.DictReader(handle)}


def ratio(numerator: float | None, denominator: float | None, lang: str = "vi") -> str:
    """``496/757`` with grouped numbers, or an empty string when either is missing."""
    if numerator is None or denominator is None or any(
            isinstance(x, float) and math.isnan(x) for x in (numerator, denominator)):
        return ""
    return f"{number(numerator, 0, lang)}/{number(denominator, 0, lang)}"


def day(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy, or dd/mm/yyyy HH:MM for a datetime."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("Bảng theo dõi chỉ tiêu KH, CN, ĐMST và CĐS – tỉnh Quảng Ngãi",
                  "Science, technology, innovation & digital transformation KPIs – Quảng Ngãi"),
    "overview": ("Tổng quan", "Overview"),
    "explorer": ("Chỉ tiêu", "Indicators"),
    "commune": ("Xã/phường", "Communes"),
    "map": ("Bản đồ", "Map"),
    "meeting": ("Trình chiếu", "Meeting mode"),
    "period": ("Kỳ báo cáo", "Period"),
    "pillar": ("Trụ cột", "Pillar"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "unit_type": ("Loại đơn vị", "Unit type"),
    "status": ("Trạng thái", "Status"),
    "all": ("Tất cả", "All"),
    "value": ("Kết quả", "Actual"),
    "target": ("Mục tiêu", "Target"),
    "gap": ("Chênh lệch", "Gap"),
    "unit": ("Đơn vị tính", "Unit"),
    "met_count": ("Số xã đạt", "Communes meeting target"),
    "reporting": ("Số xã có số liệu", "Communes reporting"),
    "coverage": ("{n}/{total} xã, phường, đặc khu đã báo cáo", "{n}/{total} communes reported"),
    "source": ("Nguồn mục tiêu", "Target source"),
    "standing_public": ("công bố chính thức", "published"),
    "standing_cited": ("do xã trích dẫn, chưa kiểm chứng", "cited by communes, unverified"),
    "demo_banner": ("DỮ LIỆU MẪU — các số liệu có dấu «mẫu» (và cột, ô gạch chéo) do máy tạo ra để minh hoạ, "
                    "không phải số xã báo cáo. Chỉ số có nguồn «báo cáo» hoặc «nhập tay» là số thật.",
                    "DEMO DATA — values marked «demo» (and hatched bars or cells) are generated for "
                    "illustration, not reported by communes. Only values from a report or entered by staff are real."),
    "demo_remove_admin": ("Quản trị: xoá toàn bộ dữ liệu mẫu (số thật giữ nguyên) ở mục «Quản trị» bên dưới "
                          "hoặc bằng lệnh `python -m dashboard demo --remove --yes`.",
                          "Admin: remove all demo data (real values stay) in «Administration» below or with "
                          "`python -m dashboard demo --remove --yes`."),
    "no_data": ("Chưa có số liệu. Hãy nhập báo cáo của xã ở trang «Nhập và duyệt báo cáo».",
                "No data yet. Import commune reports on the «Import and review» page."),
    "lagging": ("Xã, phường chưa đạt nhiều chỉ tiêu nhất", "Communes missing the most targets"),
    "not_met_count": ("Số chỉ tiêu chưa đạt", "Targets not met"),
    "commune_name": ("Xã/phường", "Commune"),
    "code": ("Mã", "Code"),
    "origin": ("Nguồn số liệu", "Data origin"),
    "origin_demo": ("mẫu", "demo"),
    "origin_report": ("báo cáo", "report"),
    "origin_manual": ("nhập tay", "manual"),
    "origin_real": ("báo cáo / nhập tay", "report / staff"),
    "gap_zero": ("đạt mục tiêu", "target met"),
    "per_commune_mean": ("/xã bình quân", " per commune on average"),
    "language": ("Ngôn ngữ", "Language"),
    "change": ("So với kỳ trước", "Change from previous period"),
    "evidence": ("Câu trích trong báo cáo", "Source sentence"),
    "download_csv": ("Tải CSV", "Download CSV"),
    "download_xlsx": ("Tải Excel", "Download Excel"),
    # --- review page (report import and review)
    "review": ("Nhập và duyệt báo cáo", "Import and review reports"),
    "upload_reports": ("Tải lên báo cáo của xã (.docx, .pdf, .txt, .md)", "Upload commune reports (.docx, .pdf, .txt, .md)"),
    "fallback_commune": ("Xã/phường, khi văn bản không ghi rõ", "Commune, when the text does not say"),
    "fallback_period": ("Kỳ báo cáo, khi văn bản không ghi rõ (ví dụ 9T/2025)",
                        "Period, when the text does not say (e.g. 9T/2025)"),
    "dry_run": ("Chạy thử, không ghi vào cơ sở dữ liệu", "Dry run, write nothing"),
    "import": ("Nhập báo cáo", "Import"),
    "imported_file": ("{file}: {status} — {commune}, kỳ {period}: {n} giá trị, {c} số liệu chưa gán chỉ tiêu",
                      "{file}: {status} — {commune}, period {period}: {n} values, {c} unmapped numbers"),
    "needs_choice": ("{msg} Chọn xã/kỳ ở trên rồi bấm nhập lại.", "{msg} Choose the commune/period above and import again."),
    "review_values": ("Duyệt số liệu đã trích xuất", "Review extracted values"),
    "choose_report": ("Báo cáo", "Report"),
    "no_reports": ("Chưa có báo cáo nào được nhập.", "No report imported yet."),
    "save_review": ("Lưu các thay đổi", "Save changes"),
    "saved_review": ("Đã lưu {n} thay đổi (có ghi nhật ký).", "Saved {n} changes (audited)."),
    "manual_entry": ("Nhập số liệu bằng tay", "Enter a value by hand"),
    "qualifier": ("Định tính", "Qualifier"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "note": ("Ghi chú / nguồn", "Note / source"),
    "save_value": ("Lưu số liệu", "Save value"),
    "saved_value": ("Đã lưu số liệu nhập tay.", "Value saved."),
    "audit_log": ("Nhật ký thay đổi", "Audit log"),
    "section": ("Mục", "Section"),
    "facet": ("Chi tiết", "Detail"),
    "reviewed": ("Đã duyệt", "Reviewed"),
    "unmapped": ("Số liệu chưa gán", "Unmapped number"),

    # --- issue 5: the map ---
    "legend": ("Chú giải", "Legend"),
    "map_no_data": ("Chưa có số liệu", "No data"),
    "map_loading": ("Đang tải bản đồ…", "Loading the map…"),
    "map_demo": ("Chấm trắng: số liệu mẫu", "White dots: demo values"),
    "map_mode": ("Tô màu theo", "Colour by"),
    "map_mode_value": ("Giá trị", "Value"),
    "map_mode_status": ("Đạt / chưa đạt", "Met / not met"),
    "map_counts": ("{drawn} đơn vị trên bản đồ · {with_value} có số liệu · {no_data} chưa có số liệu",
                   "{drawn} units on the map · {with_value} with data · {no_data} without data"),
    "map_no_boundary": ("{n} đơn vị chưa có ranh giới trong tệp chính thức nên không vẽ.",
                        "{n} units have no boundary in the official file and are not drawn."),
    "map_approximate": ("Ranh giới gần đúng, do hệ thống suy ra từ danh mục đơn vị hành chính (tâm, diện tích, "
                        "các xã cũ trước sáp nhập). Nhập ranh giới chính thức ở mục bên dưới.",
                        "Approximate boundaries derived from the administrative register (centroids, areas, "
                        "pre-merger communes). Import the official boundaries below."),
    "map_official": ("Ranh giới chính thức đã nhập.", "Official boundaries as imported."),
    "map_click_hint": ("Bấm vào chấm của một xã để mở trang xã. Tải ảnh PNG (1920×1080) bằng nút máy ảnh ở góc bản đồ.",
                       "Click a commune's dot to open its page. Download a 1920×1080 PNG with the camera button."),
    "map_open_commune": ("Mở trang {name}", "Open the page of {name}"),
    "map_import": ("Nhập ranh giới chính thức (quản trị)", "Import official boundaries (admin)"),
    "map_import_file": ("Tệp ranh giới: GeoJSON, Shapefile nén .zip (có .prj), GeoPackage, KML",
                        "Boundary file: GeoJSON, zipped Shapefile (with .prj), GeoPackage, KML"),
    "map_accept_gaps": ("Chấp nhận thiếu (vẫn nhập khi có xã chưa khớp)", "Accept gaps (import despite unmatched)"),
    "map_check": ("Đối chiếu", "Check"),
    "map_do_import": ("Nhập", "Import"),
    "map_remove_official": ("Xoá ranh giới chính thức", "Remove official boundaries"),
}

# --- pages people use: overview, explorer, commune, meeting (issue 4) -----------------------
LABELS.update({
    "pillar_INF": ("Hạ tầng số", "Digital infrastructure"),
    "pillar_HR": ("Nhân lực số", "Digital workforce"),
    "pillar_GOV": ("Chính quyền số", "Digital government"),
    "pillar_SEC": ("An toàn thông tin", "Information security"),
    "pillar_ECO": ("Kinh tế số", "Digital economy"),
    "pillar_SOC": ("Xã hội số", "Digital society"),
    "pillar_STI": ("KH&CN – ĐMST", "Science, technology & innovation"),
    "coverage_real": ("trong đó {n} từ báo cáo hoặc nhập tay", "of which {n} from reports or entered by staff"),
    "no_previous": ("Chưa có kỳ trước để so sánh.", "No earlier period to compare with."),
    "change_from": ("So với kỳ {period}", "Compared with {period}"),
    "targets_met": ("Chỉ tiêu toàn tỉnh đạt", "Province targets met"),
    "scope_national": ("quốc gia", "national"),
    "scope_province": ("tỉnh", "province"),
    "scope_commune": ("cấp xã", "commune level"),
    "commune_targets_met": ("Chỉ tiêu của xã đạt", "The commune's targets met"),
    "targets_by_pillar": ("Kết quả so với mục tiêu, theo trụ cột", "Actual vs target, by pillar"),
    "target_table": ("Bảng chỉ tiêu toàn tỉnh", "Province target table"),
    "target_notes": ("Nguồn và mức tin cậy của từng mục tiêu", "Source and standing of each target"),
    "no_percent_indicator": ("Trụ cột này không có chỉ tiêu tỷ lệ để vẽ; xem bảng bên dưới.",
                             "No percentage indicator to chart in this pillar; see the table below."),
    "open_commune": ("Mở trang xã", "Open the commune page"),
    "sort": ("Sắp xếp", "Sort by"),
    "sort_ten": ("Tên xã (A→Z)", "Commune name (A→Z)"),
    "sort_ket_qua_giam": ("Kết quả cao → thấp", "Actual, high → low"),
    "sort_ket_qua_tang": ("Kết quả thấp → cao", "Actual, low → high"),
    "sort_chenh_lech_tang": ("Xa mục tiêu nhất trước", "Furthest below target first"),
    "sort_trang_thai": ("Chưa đạt trước", "Not met first"),
    "sort_ma": ("Mã xã", "Commune code"),
    "rows_shown": ("{n} dòng · kỳ {period} · {filters}", "{n} rows · period {period} · {filters}"),
    "ranking": ("Xếp hạng", "Ranking"),
    "ranking_share": ("Tỷ lệ chỉ tiêu đạt của mỗi xã (%)", "Share of targets met per commune (%)"),
    "download_note": ("Tệp tải về chứa đúng các dòng đang hiển thị, theo thứ tự này, kèm kỳ, bộ lọc và "
                      "thời điểm xuất.", "Downloads hold exactly the rows shown, in this order, stamped "
                      "with period, filters and time."),
    "download_note_all": ("Tệp tải về chứa mọi dòng của bộ lọc này (mọi trang, xếp theo chỉ tiêu rồi mã xã), "
                          "kèm kỳ, bộ lọc và thời điểm xuất.", "Downloads hold every row of this filter (all "
                          "pages, by indicator then commune code), stamped with period, filters and time."),
    "page": ("Trang", "Page"),
    "page_of": ("Trang {page}/{pages} · dòng {first}–{last} của {total}",
                "Page {page} of {pages} · rows {first}–{last} of {total}"),
    "ranking_size": ("Số xã ở mỗi đầu bảng xếp hạng", "Communes at each end of the ranking"),
    "ranking_ends": ("{n} xã đầu và {n} xã cuối trong {total} xã được xếp hạng; xem toàn bộ bằng cách xếp bảng "
                     "theo kết quả và lật trang",
                     "The {n} best and {n} worst of {total} communes ranked; see them all by sorting the table "
                     "by actual and paging"),
    "link_note": ("Đường dẫn của trang này tái tạo đúng bộ lọc đang chọn.",
                  "This page's address reproduces the chosen filters."),
    "choose_commune": ("Chọn xã, phường, đặc khu", "Choose a commune"),
    "province": ("Toàn tỉnh", "Province"),
    "vs_province": ("so với toàn tỉnh", "vs province"),
    "kpis": ("Chỉ tiêu của xã so với mục tiêu và toàn tỉnh", "The commune's indicators vs target and province"),
    "report": ("Báo cáo", "Report"),
    "report_file": ("Tệp {file} · nhập lúc {at} · kỳ {period}", "File {file} · imported {at} · period {period}"),
    "no_report": ("Chưa có báo cáo nào của đơn vị này được nhập.", "No report of this commune has been imported."),
    "report_values": ("Số liệu trích từ báo cáo (bấm để xem câu gốc)", "Values extracted from the report (click to see the sentence)"),
    "unmapped": ("chưa gắn chỉ tiêu", "not mapped to an indicator"),
    "see_sentence": ("xem câu", "see sentence"),
    "outline": ("Nội dung báo cáo", "Report contents"),
    "search": ("Tìm trong báo cáo (không cần dấu)", "Search reports (accents optional)"),
    "search_scope": ("Phạm vi tìm", "Search in"),
    "search_this": ("Báo cáo này", "This report"),
    "search_all": ("Tất cả báo cáo", "All reports"),
    "search_none": ("Không tìm thấy «{q}».", "No match for «{q}»."),
    "search_count": ("{n} mục khớp với «{q}»", "{n} sections match «{q}»"),
    "search_hits_here": ("{n} chỗ khớp với «{q}» trong báo cáo này", "{n} matches for «{q}» in this report"),
    "focus_sentence": ("Câu đang xem", "Sentence shown"),
    "meeting_stamp": ("Số liệu tính đến {at}", "Figures as of {at}"),
    "meeting_setup": ("Thiết lập buổi họp", "Meeting setup"),
    "meeting_communes": ("Xã trình bày", "Communes to present"),
    "meeting_auto": ("Tự chuyển trang sau (giây, 0 = tắt)", "Advance automatically after (seconds, 0 = off)"),
    "meeting_refresh": ("Chụp lại số liệu mới nhất", "Take a fresh snapshot"),
    "meeting_keys": ("→ / PageDown / phím cách: trang sau · ← / PageUp: trang trước",
                     "→ / PageDown / Space: next · ← / PageUp: previous"),
    "next": ("Trang sau", "Next"),
    "previous": ("Trang trước", "Previous"),
    "exit_meeting": ("Thoát trình chiếu", "Leave meeting mode"),
    "slide_summary": ("Toàn tỉnh: kết quả so với mục tiêu", "Province: actual vs target"),
    "slide_lagging": ("Xã, phường cần quan tâm", "Communes needing attention"),
    "slide_map": ("Bản đồ: hồ sơ TTHC nộp trực tuyến", "Map: dossiers filed online"),
    "slide_commune": ("Xã {name}", "{name}"),
    "communes_lagging": ("Xã chưa đạt ít nhất một chỉ tiêu", "Communes missing at least one target"),
    "reported_short": ("Đã báo cáo", "Reported"),
    "demo_short": ("Có dữ liệu mẫu — không phải báo cáo thật", "Includes demo data — not real reports"),
})

# --- what people see (issue 10): origin marks, review page, uploads -------------------------
LABELS.update({
    "meeting_demo_banner": ("SỐ LIỆU MẪU — trang này có số do máy tạo ra để minh hoạ (dấu «mẫu», cột gạch chéo), "
                            "không phải số xã báo cáo",
                            "DEMO DATA — this slide shows generated figures (marked «demo», hatched bars), "
                            "not numbers reported by communes"),
    "show_demo": ("Hiện cả số liệu mẫu cho các chỉ tiêu báo cáo không nêu",
                  "Also show demo values for indicators the report does not mention"),
    "hidden_demo": ("Xã này đã có báo cáo kỳ {period}: chỉ hiện số liệu thật ({n} chỉ tiêu báo cáo không nêu "
                    "để trống thay vì điền số mẫu).",
                    "This commune reported for {period}: only its real values are shown ({n} indicators the "
                    "report does not mention are left empty instead of filled with demo values)."),
    "upload_help": ("Kéo thả tệp vào đây hoặc bấm «Chọn tệp» · tối đa 20 MB mỗi tệp · .docx, .pdf, .txt, .md",
                    "Drag and drop files here or click «Choose files» · up to 20 MB per file · .docx, .pdf, .txt, .md"),
    "upload_help_geo": ("Kéo thả tệp vào đây hoặc bấm «Chọn tệp» · tối đa 20 MB · GeoJSON, .zip, GeoPackage, KML",
                        "Drag and drop a file here or click «Choose file» · up to 20 MB · GeoJSON, .zip, GeoPackage, KML"),
    "upload_button": ("Chọn tệp", "Choose files"),
    "choose": ("Chọn…", "Choose…"),
    "none_chosen": ("— (không chọn)", "— (none)"),
    "accept_all": ("Chấp nhận tất cả", "Accept all"),
    "accept_selected": ("Chấp nhận các dòng đã chọn", "Accept the selected rows"),
    "map_to_suggestion": ("Gán theo gợi ý cho dòng đã chọn", "Map the selected rows to their suggestion"),
    "map_to_suggestion_help": ("Mỗi số liệu chưa gán được chọn nhận chỉ tiêu gợi ý đầu tiên; trình đọc ghi nhớ "
                               "cách diễn đạt cho báo cáo sau.",
                               "Each selected unmapped number gets its first suggested indicator; the reader "
                               "remembers the phrasing for the next report."),
    "mapped_to_suggestion": ("Đã gán {n} số liệu theo gợi ý (trình đọc ghi nhớ cách diễn đạt).",
                             "Mapped {n} numbers to their suggestion (the reader remembers the phrasing)."),
    "confidence": ("Độ tin cậy", "Confidence"),
    "confidence_help": ("Trình đọc chắc chắn đến đâu khi gán số này cho chỉ tiêu (100%: cách viết đã biết).",
                        "How sure the reader was in giving this number its indicator (100%: a known phrasing)."),
    "suggestions": ("Gợi ý chỉ tiêu", "Suggested indicators"),
    "suggestions_help": ("Ba chỉ tiêu mà câu chữ gần nhất, kèm mức phù hợp.",
                         "The three indicators the wording is closest to, with how well it fits."),
    "select_row": ("Chọn", "Select"),
    "accepted": ("Đã chấp nhận {n} giá trị. Báo cáo này: {reviewed}/{total} giá trị đã duyệt.",
                 "Accepted {n} values. This report: {reviewed}/{total} values reviewed."),
    "nothing_selected": ("Chưa chọn dòng nào: đánh dấu cột «Chọn» ở các dòng cần chấp nhận.",
                         "No row selected: tick the «Select» column of the rows to accept."),
    "review_progress": ("{reviewed}/{total} giá trị đã duyệt · {unmapped} số liệu chưa gán chỉ tiêu",
                        "{reviewed}/{total} values reviewed · {unmapped} numbers not mapped to an indicator"),
    "report_label": ("{commune} · {period} · {file}", "{commune} · {period} · {file}"),
    "audit_at": ("Thời điểm", "When"),
    "audit_actor": ("Người thực hiện", "Who"),
    "audit_action": ("Thao tác", "Action"),
    "audit_entity": ("Đối tượng", "What"),
    "audit_change": ("Thay đổi (trước → sau)", "Change (before → after)"),
    "action_accept": ("chấp nhận", "accepted"),
    "action_correct": ("sửa", "corrected"),
    "action_map": ("gán chỉ tiêu", "mapped"),
    "action_enter": ("nhập tay", "entered by hand"),
    "action_import": ("nhập báo cáo", "imported"),
    "entity_observation": ("giá trị", "value"),
    "entity_target": ("mục tiêu", "target"),
    "entity_report": ("báo cáo", "report"),
    "status_imported": ("đã nhập", "imported"),
    "status_replaced": ("đã nhập, thay bản cũ", "imported, replacing the earlier version"),
    "status_unchanged": ("đã có, không đổi", "already there, unchanged"),
    "status_dry-run": ("chạy thử", "dry run"),
    "indicator_code_help": ("Tên chỉ tiêu; chọn để gán hoặc đổi. Mã chỉ tiêu ghi trong danh mục data/indicators.csv.",
                            "Indicator name; choose to map or change it. Codes are in data/indicators.csv."),
    "no_filter": ("không lọc", "no filter"),
    "commune_search": ("Tìm xã, phường (không cần dấu)", "Find a commune (accents optional)"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "value_count": ("Số giá trị", "Values"),
    "indicator_search": ("Tìm chỉ tiêu (không cần dấu)", "Find an indicator (accents optional)"),
    "indicator_search_none": ("Không có chỉ tiêu nào khớp «{q}».", "No indicator matches «{q}»."),
})


# --- trust (issue 11): the audit people can read, a value's history, checked addresses ----------
LABELS.update({
    "audit_page": ("Nhật ký thay đổi", "Audit log"),
    "audit_intro": ("Mọi thay đổi số liệu, mục tiêu, báo cáo và ranh giới: ai, khi nào, trước và sau. "
                    "Nhật ký chỉ được ghi thêm, không ai sửa hay xoá được.",
                    "Every change of values, targets, reports and boundaries: who, when, before and after. "
                    "Entries are only ever added; nobody can change or delete them."),
    "audit_person": ("Người thực hiện", "Person"),
    "audit_kind": ("Loại thay đổi", "Kind of change"),
    "audit_from": ("Từ ngày", "From"),
    "audit_to": ("Đến ngày", "To"),
    "audit_count": ("{n} mục khớp · trang {page}/{pages} · mới nhất trước",
                    "{n} matching entries · page {page}/{pages} · newest first"),
    "audit_none": ("Không có mục nào khớp với bộ lọc.", "No entry matches the filters."),
    "audit_page_no": ("Trang", "Page"),
    "audit_csv": ("Tải CSV (mọi mục khớp bộ lọc)", "Download CSV (every matching entry)"),
    "audit_dates_swapped": ("«Từ ngày» sau «Đến ngày»: đã đổi chỗ hai ngày.",
                            "«From» is after «To»: the two dates were swapped."),
    "action_reassign": ("chuyển sang chỉ tiêu khác", "moved to another indicator"),
    "action_learn": ("ghi nhớ cách diễn đạt", "learned a phrasing"),
    "action_forget": ("bỏ cách diễn đạt", "forgot a phrasing"),
    "action_set_target": ("đặt mục tiêu", "set a target"),
    "action_replace": ("thay bản cũ", "replaced"),
    "action_delete": ("xoá", "deleted"),
    "entity_targets": ("mục tiêu", "target"),
    "entity_boundaries": ("ranh giới", "boundaries"),
    "entity_phrasing": ("cách diễn đạt", "phrasing"),
    "action_user_add": ("thêm người dùng", "added a user"),
    "action_user_passwd": ("đổi mật khẩu", "changed a password"),
    "action_user_disable": ("vô hiệu hoá tài khoản", "disabled an account"),
    "action_user_enable": ("mở lại tài khoản", "enabled an account"),
    "action_user_role": ("đổi quyền", "changed a role"),
    "action_user_locked": ("khoá tạm vì sai mật khẩu", "locked after wrong passwords"),
    "action_setting": ("đổi thiết lập", "changed a setting"),
    "action_demo_generate": ("tạo dữ liệu mẫu", "generated demo data"),
    "action_demo_remove": ("xoá dữ liệu mẫu", "removed demo data"),
    "entity_user": ("người dùng", "user"),
    "entity_setting": ("thiết lập", "setting"),
    "entity_observations": ("giá trị", "values"),
    "history": ("Lịch sử giá trị", "Value history"),
    "history_button": ("Lịch sử", "History"),
    "history_of": ("{indicator} · {commune} · kỳ {period}", "{indicator} · {commune} · period {period}"),
    "history_none": ("Chưa có gì trong nhật ký về giá trị này.", "Nothing is recorded about this value yet."),
    "history_pick": ("Xem lịch sử của giá trị", "See the history of a value"),
    "history_report": ("Báo cáo «{file}» ghi {value}", "Report «{file}» states {value}"),
    "history_report_kept": ("(giá trị đã duyệt được giữ)", "(the reviewed value was kept)"),
    "history_change": ("{who} {action}: {before} → {after}", "{who} {action}: {before} → {after}"),
    "history_new": ("{who} {action}: {after}", "{who} {action}: {after}"),
    "history_moved_from": ("chuyển từ chỉ tiêu {code}", "moved from indicator {code}"),
    "history_moved_to": ("chuyển sang chỉ tiêu {code}", "moved to indicator {code}"),
    "history_stored": ("Đang lưu: {value} ({origin})", "Stored: {value} ({origin})"),
    "history_counts": ("giá trị đang được dùng", "the value in use"),
    "history_typed": ("nhập tay bởi {who} lúc {at}", "typed by {who} at {at}"),
    "history_demo": ("số liệu mẫu do máy tạo, không phải báo cáo", "demo value generated by the program, not a report"),
    "history_section": ("mục {section}", "section {section}"),
    "history_sentence": ("Câu gốc", "Source sentence"),
    "history_note": ("Ghi chú của người nhập", "Note of the person who typed it"),
    "history_file": ("tệp «{file}», nhập lúc {at} bởi {who}", "file «{file}», imported {at} by {who}"),
    "history_reviewed": ("đã duyệt", "reviewed"),
    "history_not_reviewed": ("chưa duyệt", "not reviewed"),
    "map_whole_province": ("bản đồ toàn tỉnh", "the map of the whole province"),
    "history_review_help": ("Đánh dấu cột «Chọn» ở một giá trị rồi bấm để xem lịch sử của nó.",
                            "Tick the «Select» column of a value, then click to see its history."),
    "history_tick_one": ("Đánh dấu cột «Chọn» ở một giá trị đã gán chỉ tiêu để xem lịch sử của nó.",
                         "Tick the «Select» column of a value with an indicator to see its history."),
    "history_table_hint": ("Bấm vào một dòng để xem lịch sử của giá trị đó.",
                           "Click a row to see the history of its value."),
    "stale_value": ("{who} vừa sửa giá trị này; thay đổi của bạn CHƯA được lưu. Giá trị hiện tại: {value}. "
                    "Bảng đã được tải lại với giá trị mới.",
                    "{who} has just changed this value; your change was NOT saved. Current value: {value}. "
                    "The table has been reloaded with the new value."),
})


# --- issue 11: log-in and roles -------------------------------------------------------------------
LABELS.update({
    "login_title": ("Đăng nhập", "Log in"),
    "login_sidebar": ("Đăng nhập (cán bộ)", "Log in (staff)"),
    "login_name": ("Tên đăng nhập", "User name"),
    "login_password": ("Mật khẩu", "Password"),
    "login_submit": ("Đăng nhập", "Log in"),
    "login_ok": ("Đã đăng nhập: {name} ({role}).", "Logged in: {name} ({role})."),
    "logged_in_as": ("Đang đăng nhập: **{name}** · {role}", "Logged in: **{name}** · {role}"),
    "logout": ("Đăng xuất", "Log out"),
    "logged_out": ("Đã đăng xuất.", "Logged out."),
    "login_wrong": ("Tên đăng nhập hoặc mật khẩu không đúng. Còn {left} lần thử trước khi tài khoản bị khoá "
                    "{minutes} phút.", "Wrong user name or password. {left} tries left before the account is "
                    "locked for {minutes} minutes."),
    "login_wrong_plain": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong user name or password."),
    "login_locked": ("Tài khoản tạm khoá vì nhập sai mật khẩu {n} lần liên tiếp; hãy thử lại sau {until} "
                     "(khoá {minutes} phút).", "The account is locked after {n} wrong passwords in a row; "
                     "try again after {until} ({minutes} minutes)."),
    "login_disabled": ("Tài khoản này đã bị vô hiệu hoá; hãy liên hệ quản trị viên.",
                       "This account is disabled; ask an administrator."),
    "session_expired": ("Phiên đăng nhập đã hết hạn (không dùng quá {hours} giờ); hãy đăng nhập lại.",
                        "Your session expired (unused for {hours} hours); please log in again."),
    "session_ended": ("Phiên đăng nhập đã kết thúc (tài khoản bị đổi mật khẩu, đổi quyền hoặc vô hiệu hoá); "
                      "hãy đăng nhập lại.", "Your session ended (password, role or account changed); "
                      "please log in again."),
    "login_needed": ("Trang này cần đăng nhập với quyền {role} trở lên.",
                     "This page needs a log-in with the {role} role or above."),
    "login_needed_all": ("Quản trị viên yêu cầu mọi người đăng nhập để xem bảng theo dõi.",
                         "The administrator requires everyone to log in to see the dashboard."),
    "not_allowed_here": ("Tài khoản «{name}» có quyền {role}; trang này cần quyền {needed}.",
                         "Account «{name}» has the {role} role; this page needs {needed}."),
    "confirm_remove_official": ("Tôi hiểu: xoá ranh giới chính thức, bản đồ quay lại ranh giới gần đúng",
                                "I understand: remove the official boundaries, the map goes back to approximate ones"),
    "removed_official": ("Đã xoá ranh giới chính thức của {n} đơn vị (có ghi nhật ký).",
                         "Removed the official boundaries of {n} units (audited)."),
    "replace_reviewed": ("Thay báo cáo đã duyệt (giữ các giá trị đã duyệt)",
                         "Replace an already reviewed report (reviewed values are kept)"),
    "needs_confirmation": ("{msg}", "{msg}"),
    "admin_section": ("Quản trị", "Administration"),
    "demo_remove": ("Xoá toàn bộ dữ liệu mẫu", "Remove all demo data"),
    "confirm_demo_remove": ("Tôi hiểu: xoá {n} giá trị mẫu (số liệu thật giữ nguyên)",
                            "I understand: remove {n} demo values (real values stay)"),
    "demo_removed": ("Đã xoá {n} giá trị mẫu (có ghi nhật ký).", "Removed {n} demo values (audited)."),
    "users_title": ("Người dùng và quyền", "Users and roles"),
    "user_add": ("Thêm người dùng", "Add a user"),
    "user_display": ("Tên hiển thị", "Display name"),
    "user_role": ("Quyền", "Role"),
    "user_state": ("Trạng thái", "State"),
    "user_state_active": ("đang dùng", "active"),
    "user_state_disabled": ("đã vô hiệu hoá", "disabled"),
    "user_locked_until": ("Tạm khoá đến", "Locked until"),
    "user_added": ("Đã tạo người dùng «{name}».", "User «{name}» created."),
    "user_disable": ("Vô hiệu hoá", "Disable"),
    "user_disabled": ("Đã vô hiệu hoá «{name}».", "«{name}» disabled."),
    "viewers_need_login": ("Người xem cũng phải đăng nhập", "Viewers must log in too"),
    "setting_saved": ("Đã lưu thiết lập (có ghi nhật ký).", "Setting saved (audited)."),
})


def t(key: str, lang: str = "vi", **kwargs: object) -> str:
    """The label ``key`` in ``lang`` (``vi`` or ``en``), formatted with ``kwargs``."""
    vi, en = LABELS[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text
