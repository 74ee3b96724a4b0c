"""The extraction rules: how commune reports phrase each catalog indicator.

Each :class:`Rule` is a regular expression over the *folded* sentence (lower case, no
diacritics, document numbers and dates masked out), written with placeholders:
``{V}`` a value, ``{Q}`` an optional qualifier before it (trên, gần, hơn, khoảng, dự
kiến), ``{R}`` a ratio ``n/d``. ``context`` must match the sentence or one of the
section headings above it. Rules are data: adding a phrasing is adding a line here,
with a test sentence in ``tests/test_extract.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dashboard.ingest.quantities import QUALIFIER, ratio_pattern, value_pattern

_S = r"[^.;%]*?"  # the rest of a clause, lazily, never across a value's % or a clause end
_PCT = r"\s*%"


def compile_rule(template: str) -> re.Pattern:
    """Expand the placeholders. With ``{V2}`` the phrasing has two numbers: ``{V}`` is a
    count (group ``n``) and ``{V2}`` the rate (group ``v``): "496 đạt tỷ lệ: 100%"."""
    first = value_pattern("n") if "{V2}" in template else value_pattern("v")
    return re.compile(template.replace("{Q}", QUALIFIER).replace("{V2}", value_pattern("v"))
                      .replace("{V}", first).replace("{R}", ratio_pattern())
                      .replace("{_}", _S).replace("{%}", _PCT))


@dataclass
class Rule:
    """One phrasing of one indicator.

    ``fills`` says which part of the observation ``{V}`` fills (value, numerator or
    denominator); ``facet`` names a detail kept beside the headline value ("" is the
    headline); ``constant`` is the value of a phrasing without a number ("không để
    xảy ra sự cố" → 0); ``mention`` records that the report speaks of the indicator
    without giving a number; ``facet_from`` labels a detail by the nearest preceding
    group name in the paragraph (bảo trợ xã hội, người có công).
    """

    code: str
    template: str
    context: str | None = None
    fills: str = "value"
    facet: str = ""
    unit: str | None = None
    constant: float | None = None
    mention: bool = False
    facet_from: list[tuple[str, str]] = field(default_factory=list)
    func: Callable | None = None
    count_field: str | None = "numerator"  # where a ``{V}`` before ``{V2}`` goes (None: dropped)
    pattern: re.Pattern = field(init=False, repr=False)
    context_pattern: re.Pattern | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.pattern = compile_rule(self.template)
        self.context_pattern = re.compile(self.context) if self.context else None


CNVC = r"(?:can bo|cbcc|cong chuc|cbccvc)"
RULES: list[Rule] = [
    # --- INF hạ tầng số
    Rule("INF_4G_COVERAGE", r"phu song (?:di dong )?4g{_}dat {Q}{V}{%}"),
    Rule("INF_4G_COVERAGE", r"{Q}{V}{%} (?:cac |so )?(?:thon|to dan pho|khu dan cu){_}phu song{_}4g"),
    Rule("INF_5G_COVERAGE", r"phu song (?:di dong )?5g{_}(?:dat )?{Q}{V}{%}"),
    Rule("INF_5G_COVERAGE", r"phu song (?:di dong )?5g.*du kien", mention=True),
    Rule("INF_FBB_GIGABIT", r"bang rong co dinh{_}{Q}{V}{%}"),
    Rule("INF_FBB_GIGABIT", r"bang rong co dinh[^.;]*gbps", mention=True),
    Rule("INF_BTS_COUNT", r"{Q}{V} tram (?:phat song|bts|thu phat)"),
    Rule("INF_BTS_COUNT", r"vnpt {V} tram", facet="VNPT", context="bts|tram phat song"),
    Rule("INF_BTS_COUNT", r"viettel {V} tram", facet="Viettel", context="bts|tram phat song"),
    Rule("INF_BTS_COUNT", r"mobifone {V} tram", facet="Mobifone", context="bts|tram phat song"),
    Rule("INF_TELCO_COUNT", r"{V} (?:don vi|doanh nghiep|nha mang){_}cung cap dich vu vien thong"),
    Rule("INF_TSLCD_LINKS", r"{V} duong truyen (?:so lieu chuyen dung|tslcd)"),
    Rule("INF_PC_PER_OFFICIAL", r"may tinh ?/ ?(?:can bo|cbcc|cong chuc){_}dat {Q}{V}{%}"),
    Rule("INF_SMART_LOUDSPEAKER", r"{R} cum loa"),
    Rule("INF_SMART_LOUDSPEAKER", r"{V} cum loa{_}(?:cntt|ung dung)", fills="numerator"),
    # --- HR nhân lực số
    Rule("HR_OFFICIAL_BASIC_SKILLS", r"{Q}{V}{%} " + CNVC + r"[^%.;]{0,60}?boi duong[^%.;]{0,30}?ky nang so (?:co|can) ban"),
    Rule("HR_OFFICIAL_DIGITAL_PROFICIENCY", r"{Q}{V}{%} " + CNVC + r"[^%.;]{0,80}?lam chu ky nang so"),
    Rule("HR_BDHVS_PARTICIPANTS", r"(?:tham du|tham gia)[^.;%]{0,25}?(?:co )?{Q}{V} (?:can bo|nguoi|luot|dai bieu|hoc vien)",
         context="binh dan hoc vu so"),
    Rule("HR_BDHVS_PARTICIPANTS", r"{Q}{V} (?:luot )?(?:dai bieu|can bo|nguoi|hoc vien)[^.;%]{0,90}?"
         r"(?:tham gia|tham du|duoc tap huan|duoc boi duong)", context="binh dan hoc vu so"),
    Rule("HR_CDT_TEAMS", "", func=lambda s: _teams(s)),
    Rule("HR_CDT_MEMBERS", "", func=lambda s: _members(s)),
    # --- GOV chính quyền số
    Rule("GOV_EDOC_RATE", r"van ban[^.;%]{0,40}?(?:tren moi truong mang|dien tu)[^.;%]{0,20}?(?:dat )?{Q}{V}{%}",
         context="xu ly van ban|van ban dien tu"),
    Rule("GOV_EDOC_RATE", r"ty le (?:xu ly )?van ban{_}(?:dat )?{Q}{V}{%}", context="moi truong mang|dien tu"),
    Rule("GOV_IOFFICE_ACCOUNTS", r"cung cap {Q}{V}{%} tai khoan", context="ioffice|quan ly van ban"),
    Rule("GOV_DIGITAL_SIGNATURE", r"chu ky so[^.;%]{0,25}?{Q}{V}{%} van ban"),
    Rule("GOV_DIGITAL_SIGNATURE", r"ty le(?![^.;%]*(?:moi truong mang|truc tuyen|so hoa)){_}dat (?:ty le )?{Q}{V}{%}",
         context="chu ky so"),
    Rule("GOV_DIGITAL_SIGNATURE", r"cap moi {V} (?:thiet bi|usb|token|chung thu)", context="chu ky so",
         facet="thiết bị ký số cấp mới", unit="thiết bị"),
    Rule("GOV_DIGITAL_SIGNATURE", r"cho {V} co quan, don vi", context="chu ky so",
         facet="cơ quan cập nhật chứng thư", unit="cơ quan"),
    Rule("GOV_DIGITAL_SIGNATURE", r"co quan, don vi, {V} ca nhan", context="chu ky so",
         facet="cá nhân cập nhật chứng thư", unit="người"),
    Rule("GOV_OFFICIAL_EMAIL", r"(?:tai khoan thu dien tu|thu dien tu cong vu){_}la:? {Q}{V} tai khoan"),
    Rule("GOV_OFFICIAL_EMAIL", r"{Q}{V} tai khoan (?:mail|thu dien tu|email)"),
    Rule("GOV_OFFICIAL_EMAIL", r"{Q}{V}{%} " + CNVC + r"{_}(?:hop thu|thu dien tu)", facet="cán bộ có hộp thư công vụ",
         unit="%"),
    Rule("GOV_OFFICIAL_EMAIL", r"thuong xuyen dang nhap {Q}{V}{%}", facet="tài khoản thường xuyên đăng nhập",
         unit="%"),
    Rule("GOV_ONLINE_MEETINGS", r"{Q}{V} (?:cuoc hop|hoi nghi|phien hop) (?:truc tuyen|truyen hinh)"),
    Rule("GOV_PORTAL_CONTENT", r"{Q}{V} van ban", context="trang (?:thong tin dien tu|ttdt)|cong thong tin"),
    Rule("GOV_PORTAL_CONTENT", r"{Q}{V} tin,? bai", context="trang (?:thong tin dien tu|ttdt)|cong thong tin",
         facet="tin, bài", unit="tin, bài"),
    Rule("GOV_TTHC_ONLINE_SHARE", r"{Q}{V}{%} (?:so )?(?:thu tuc hanh chinh|tthc){_}truc tuyen"),
    Rule("GOV_DOSSIER_ONLINE_RATE", r"{R} ho so{_}truc tuyen(?:{_}dat ty le:? {Q}{V}{%})?"),
    Rule("GOV_DOSSIER_ONLINE_RATE", r"ho so (?:thu tuc hanh chinh |tthc )?(?:duoc )?(?:nop |tiep nhan |thuc hien )?"
         r"(?:qua mang |truc tuyen){_}dat (?:ty le:? )?{Q}{V}{%}"),
    Rule("GOV_SATISFACTION", r"hai long{_}:?\s*(?:{V}\s+)?dat (?:ty le:? )?{Q}{V2}{%}"),
    Rule("GOV_FEEDBACK_RESOLVED", r"phan anh,? kien nghi duoc giai quyet:?\s*(?:{V}\s+)?dat (?:ty le:? )?{Q}{V2}{%}"),
    Rule("GOV_RESULT_DIGITIZATION", r"tong so ho so{_}tiep nhan:?\s*{V}", fills="denominator"),
    Rule("GOV_RESULT_DIGITIZATION", r"so ho so co ket qua so hoa:?\s*{V}", fills="numerator"),
    Rule("GOV_RESULT_DIGITIZATION", r"ty le so hoa (?:ket qua )?ho so:?\s*(?:dat )?{Q}{V}{%}"),
    Rule("GOV_ONLINE_FEE_PAYMENT", r"thanh toan truc tuyen:?\s*{V}\s+dat (?:ty le:? )?{Q}{V2}{%}", count_field=None),
    Rule("GOV_ONLINE_FEE_PAYMENT", r"(?:thu phi|le phi){_}thanh toan truc tuyen:?\s*{V}\b",
         facet="số thủ tục có thu phí", unit="thủ tục"),
    Rule("GOV_ONLINE_FEE_PAYMENT", r"so tien thu:? {V} (?:dong|d\b)", facet="số tiền thu", unit="đ",
         context="thanh toan truc tuyen|phi, le phi|le phi"),
    Rule("GOV_ONLINE_FEE_PAYMENT", r"so tien mien,? giam:? {V} (?:dong|d\b)", facet="số tiền miễn, giảm", unit="đ",
         context="thanh toan truc tuyen|phi, le phi|le phi"),
    # --- SEC an toàn thông tin
    Rule("SEC_SERIOUS_INCIDENTS", r"khong (?:de )?xay ra (?:bat ky )?su co", constant=0.0),
    Rule("SEC_SERIOUS_INCIDENTS", r"khong (?:co|phat sinh|ghi nhan) (?:bat ky )?su co[^.;,]{0,40}nghiem trong",
         constant=0.0),
    Rule("SEC_SERIOUS_INCIDENTS", r"{V} su co (?:an toan thong tin )?nghiem trong"),
    # --- ECO kinh tế số
    Rule("ECO_SOCIAL_PAY_CASHLESS", r"chi tra{_}khong dung tien mat{_}dat {Q}{V}{%}"),
    Rule("ECO_SOCIAL_PAY_CASHLESS", r"thanh toan khong dung tien mat[^.;]*?{R} (?:doi tuong|nguoi|truong hop)",
         facet="*", facet_from=[(r"bao tro xa hoi|btxh", "bảo trợ xã hội"), (r"nguoi co cong", "người có công")]),
    Rule("ECO_CASHLESS_AT_PSC", r"khong dung tien mat tai (?:trung tam phuc vu hanh chinh cong|ttpvhcc|bo phan mot cua)"
         r"{_}dat {Q}{V}{%}"),
    # --- SOC xã hội số
    Rule("SOC_ADULT_DIGITAL_SERVICES", r"{Q}{V}{%} dan so truong thanh{_}tiep can dich vu so"),
    Rule("SOC_APP_ADOPTION", r"(?:c-quangngai|vneid|so suc khoe dien tu)[^.;%]*?cai dat{_}{Q}{V}{%}"),
    Rule("SOC_APP_ADOPTION", r"cai dat[^.;%]*?(?:{Q}{V}{%})[^.;]*?(?:c-quangngai|vneid)"),
    Rule("SOC_APP_ADOPTION", r"{Q}{V}{%}[^.;]*?cai dat[^.;]*?(?:c-quangngai|vneid|so suc khoe)"),
    Rule("SOC_APP_ADOPTION", r"cai dat[^.]*?(?:c-quangngai|vneid)", mention=True),
    # --- STI khoa học, công nghệ, đổi mới sáng tạo
    Rule("STI_BUDGET", r"(?:bo tri|kinh phi|phan bo|chi){_}{V} (?P<mult>trieu |ty )?(?:dong|d\b){_}"
         r"(?:khoa hoc|doi moi sang tao|kh&cn|khcn)", unit="đ"),
    Rule("STI_BUDGET", r"kinh phi[^.;]*?(?:khoa hoc|doi moi sang tao|kh&cn|khcn)[^.;]*?{Q}{V} (?P<mult>trieu |ty )?"
         r"(?:dong|d\b)", unit="đ"),
]

_TEAM = re.compile(r"(?:(?<![\w#.,])(?P<n>\d+) )?to cong nghe so cong dong")
_MEMBERS = re.compile(r"(?<![\w#.,])(?P<n>\d+) thanh vien")


def _teams(folded: str) -> list[dict]:
    """Tổ công nghệ số cộng đồng: a total with its parts ("12 Tổ (01 … xã, 11 … thôn)"), or
    parts to add up ("Tổ … cấp xã và 15 tổ … của 15 thôn" → 1 + 15)."""
    hits = list(_TEAM.finditer(folded))
    counts = [int(m.group("n")) if m.group("n") else None for m in hits]
    if not hits or all(c is None for c in counts):
        return []
    counts = [1 if c is None else c for c in counts]
    total = counts[0] if len(counts) > 1 and counts[0] == sum(counts[1:]) else sum(counts)
    if len(counts) == 1:
        total = counts[0]
    return [{"value": float(total), "start": hits[0].start(), "end": hits[-1].end()}]


def _members(folded: str) -> list[dict]:
    """Members of the community digital teams: every "(N thành viên)" of the sentence, added."""
    if "to cong nghe so cong dong" not in folded:
        return []
    hits = list(_MEMBERS.finditer(folded))
    if not hits:
        return []
    return [{"value": float(sum(int(m.group("n")) for m in hits)), "start": hits[0].start(), "end": hits[-1].end()}]


COUNT_NOUNS = (
    "nguoi|can bo|cong chuc|vien chuc|ho so|tai khoan|tram|to|thanh vien|doi tuong|cuoc|van ban|tin|"
    "doanh nghiep|thiet bi|co quan|ca nhan|luot|cum|san pham|may tinh|ho|thon|lop|hoc vien|mo hinh|"
    "nhiem vu|de tai|sang kien|diem|camera|ung dung|thu tuc|dich vu|giao dich")
