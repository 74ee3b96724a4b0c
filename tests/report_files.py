"""Report files for the ingestion tests, written by the tests themselves.

The two real seed reports (``../shared/seeds``) are turned into ``.docx`` and ``.pdf``
here; the project's own sample reports (a phường report with a "Phụ lục" table, a xã
report laid out with Word's automatic numbering for a different period) are written
out in full below. Nothing here is copied from third-party files.
"""

from __future__ import annotations

from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def docx_from_lines(text: str, path: Path) -> Path:
    """A Word file with one paragraph per non-empty line of ``text`` (as a pasted report)."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(path)
    return path


def pdf_from_text(text: str, path: Path) -> Path:
    """A PDF with a real text layer (DejaVu Sans embedded), lines wrapped to the page."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    for line in text.splitlines():
        if line.strip():
            pdf.multi_cell(0, 6, line.strip(), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def pdf_with_page_furniture(text: str, path: Path, running: str) -> Path:
    """A PDF as a commune prints it: a running header on every page, "Trang N/M" and a
    "- N -" footer, lines wrapped to the page (a page break can fall mid-sentence)."""
    from fpdf import FPDF

    class Printed(FPDF):
        def header(self):
            self.set_font("DejaVu", size=9)
            self.cell(0, 5, running, align="C", new_x="LMARGIN", new_y="NEXT")

        def footer(self):
            self.set_y(-15)
            self.set_font("DejaVu", size=9)
            self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="R", new_x="LMARGIN", new_y="NEXT")
            self.cell(0, 5, f"- {self.page_no()} -", align="C")

    pdf = Printed(format="A4")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    for line in text.splitlines():
        if line.strip():
            pdf.multi_cell(0, 6, line.strip(), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def text_with_page_breaks(text: str, path: Path, running: str, every: int = 25) -> Path:
    """A text file saved from a PDF: form feeds between pages, a running header and a
    page number on each page."""
    lines = text.splitlines()
    pages = [lines[i:i + every] for i in range(0, len(lines), every)]
    out = []
    for n, page in enumerate(pages, start=1):
        out.append("\n".join([running, *page, f"Trang {n}/{len(pages)}"]))
    path.write_text("\f".join(out), encoding="utf-8")
    return path


def image_only_pdf(path: Path) -> Path:
    """A scanned-looking PDF: one page holding an image and no text layer."""
    import io

    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 24):
        draw.rectangle([60, y, 540, y + 10], fill="black")  # lines of "text" as pixels
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=190)
    pdf.output(str(path))
    return path


def encrypted_pdf(text: str, path: Path) -> Path:
    """A PDF readable only with a password."""
    from pypdf import PdfReader, PdfWriter

    plain = pdf_from_text(text, path.with_suffix(".plain.pdf"))
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


# --- the project's own sample reports ---------------------------------------------------------

PHUONG_TITLE = [
    "ỦY BAN NHÂN DÂN PHƯỜNG NGHĨA LỘ",
    "BÁO CÁO",
    "Kết quả thực hiện khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số 6 tháng đầu năm 2025",
    "Kính gửi: Sở Khoa học và Công nghệ tỉnh Quảng Ngãi.",
    "Thực hiện Công văn số 812/SKHCN-KH&ĐMST ngày 10/6/2025, UBND phường Nghĩa Lộ báo cáo như sau:",
]
PHUONG_BODY = [
    ("h", "I. KẾT QUẢ CHUYỂN ĐỔI SỐ"),
    ("p", "Trong 6 tháng đầu năm, tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến đạt 71,4%."),
    ("p", "Phường đã duy trì Trang thông tin điện tử và cập nhật văn bản theo Nghị định 42/2022/NĐ-CP."),
    ("h", "II. NHIỆM VỤ 6 THÁNG CUỐI NĂM"),
    ("p", "- Hoàn thành các chỉ tiêu theo Kế hoạch 359-KH/TU ngày 29/4/2025."),
    ("p", "- Tăng cường tập huấn kỹ năng số cho cán bộ, công chức."),
    ("h", "PHỤ LỤC: KẾT QUẢ CÁC CHỈ TIÊU"),
]
PHUONG_TABLE = [
    ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2025", "Kết quả thực hiện", "Ghi chú"],
    ["1", "Tỷ lệ hồ sơ TTHC nộp trực tuyến", "%", "80", "71,4", ""],
    ["2", "Tỷ lệ phủ sóng 4G", "%", "100", "100", ""],
    ["3", "Số trạm BTS", "trạm", "20", "18", "Viettel 12, VNPT 6"],
    ["4", "CBCC xã được bồi dưỡng kỹ năng số cơ bản", "%", "90", "85", ""],
    ["5", "Tổ công nghệ số cộng đồng", "tổ", "12", "12", ""],
    ["6", "Kinh phí KH&CN và ĐMST", "đồng", "", "150.000.000", ""],
]
PHUONG_EXPECTED = {  # code: (value, qualifier)
    "GOV_DOSSIER_ONLINE_RATE": (71.4, None), "INF_4G_COVERAGE": (100, None), "INF_BTS_COUNT": (18, None),
    "HR_OFFICIAL_BASIC_SKILLS": (85, None), "HR_CDT_TEAMS": (12, None), "STI_BUDGET": (150_000_000, None),
}


def phuong_with_table(path: Path) -> Path:
    """Phường Nghĩa Lộ, 6 tháng 2025: heading styles, body text and a "Phụ lục" table."""
    import docx

    document = docx.Document()
    for line in PHUONG_TITLE:
        document.add_paragraph(line)
    for kind, text in PHUONG_BODY:
        document.add_heading(text, level=1) if kind == "h" else document.add_paragraph(text)
    table = document.add_table(rows=len(PHUONG_TABLE), cols=len(PHUONG_TABLE[0]))
    for r, row in enumerate(PHUONG_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Nơi nhận: Như trên; Lưu: VT.")
    document.save(path)
    return path


XA_NUMBERED = [  # (level: 0 I., 1 "1.", 2 "a)", 3 bullet; None = plain paragraph, text)
    (None, "BÁO CÁO"),
    (None, "Kết quả thực hiện khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quý III năm 2025"),
    (None, "Kính gửi: Sở Khoa học và Công nghệ tỉnh Quảng Ngãi."),
    (None, "Ủy ban nhân dân xã Bình Sơn báo cáo kết quả như sau:"),
    (0, "Kết quả công tác về khoa học, công nghệ và đổi mới sáng tạo"),
    (1, "Công tác lãnh đạo, chỉ đạo"),
    (None, "Ngày 12/8/2025, UBND xã ban hành Kế hoạch số 45/KH-UBND về chuyển đổi số; thành lập 9 Tổ công nghệ số "
           "cộng đồng (01 tổ cấp xã và 08 tổ cấp thôn) với 54 thành viên."),
    (1, "Kết quả hoạt động khoa học, công nghệ"),
    (3, "Tỷ lệ phủ sóng 4G trên địa bàn xã đạt 98,5%."),
    (3, "Kinh phí bố trí cho khoa học, công nghệ và đổi mới sáng tạo là 250 triệu đồng."),
    (0, "Kết quả công tác chuyển đổi số"),
    (1, "Chính quyền số"),
    (2, "Dịch vụ công trực tuyến"),
    (None, "Trong quý, xã tiếp nhận 1.204 hồ sơ thủ tục hành chính, trong đó 802/1.204 hồ sơ được nộp trực tuyến, "
           "đạt tỷ lệ 66,6%."),
    (2, "Chữ ký số"),
    (None, "Tỷ lệ văn bản đi được ký số đạt 97%."),
    (2, "Văn bản điện tử"),
    (None, "Tỷ lệ văn bản được xử lý trên môi trường mạng đạt gần 95%."),
    (1, "Kinh tế số"),
    (None, "Chi trả an sinh xã hội không dùng tiền mặt đạt 100%; tỷ lệ thanh toán không dùng tiền mặt tại Trung tâm "
           "Phục vụ hành chính công đạt khoảng 45%."),
    (1, "Xã hội số"),
    (None, "Có 62% dân số trưởng thành tiếp cận dịch vụ số trong y tế, giáo dục."),
    (None, "Phong trào Bình dân học vụ số thu hút hơn 1.500 người tham gia."),
    (None, "Dự kiến đến cuối năm 2025, 80% người dân trưởng thành cài đặt VNeID."),
    (0, "Đề xuất, kiến nghị"),
    (1, "Đề nghị UBND tỉnh hỗ trợ kinh phí nâng cấp 05 cụm loa truyền thanh thông minh."),
    (None, "Trên đây là báo cáo quý III năm 2025 của UBND xã Bình Sơn."),
]
XA_NUMBERED_EXPECTED = {
    "HR_CDT_TEAMS": (9, None), "HR_CDT_MEMBERS": (54, None), "INF_4G_COVERAGE": (98.5, None),
    "STI_BUDGET": (250_000_000, None), "GOV_DOSSIER_ONLINE_RATE": (66.6, None), "GOV_DIGITAL_SIGNATURE": (97, None),
    "GOV_EDOC_RATE": (95, "gần"), "ECO_SOCIAL_PAY_CASHLESS": (100, None), "ECO_CASHLESS_AT_PSC": (45, "khoảng"),
    "SOC_ADULT_DIGITAL_SERVICES": (62, None), "HR_BDHVS_PARTICIPANTS": (1500, "hơn"),
    "SOC_APP_ADOPTION": (None, "dự kiến"),  # a plan: mentioned, its 80% kept as a stated target
}


def xa_with_word_numbering(path: Path) -> Path:
    """Xã Bình Sơn, quý III/2025: headings numbered by Word itself (I., 1., a), bullets), no typed markers."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)"), ("bullet", "-")]
    lvl_xml = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                      f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text) in enumerate(levels))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
                                  f'<w:multiLevelType w:val="multilevel"/>{lvl_xml}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in XA_NUMBERED:
        para = document.add_paragraph(text)
        if level is not None:
            para._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    document.save(path)
    return path
