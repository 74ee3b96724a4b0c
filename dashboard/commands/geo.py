"""``python -m dashboard geo export|import|derive|remove-official``: the map's boundaries.

Parses arguments, calls one library function, prints the result; library errors are
turned into a Vietnamese message and exit code 1 by :func:`dashboard.cli.main`.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.geo import boundaries, boundary_import
from dashboard.store import db
from dashboard import setup, users
from dashboard.config import database_url
from dashboard.errors import BoundaryError


def add_command(sub, add) -> None:
    """Register ``python -m dashboard geo ...``."""
    p = add("geo", _run, "Ranh giới xã, phường trên bản đồ: xuất, nhập ranh giới chính thức.")
    p.add_argument("action", choices=("export", "import", "status", "remove-official"),
                   help="export: ghi ranh giới đang dùng ra GeoJSON; import: nhập tệp ranh giới chính thức; "
                        "status: nguồn ranh giới đang dùng; remove-official: xoá ranh giới chính thức")
    p.add_argument("file", nargs="?", help="tệp cần nhập (GeoJSON, Shapefile nén .zip có .prj, GeoPackage, KML)")
    p.add_argument("--out", help="tệp GeoJSON đích của export")
    p.add_argument("--dry-run", action="store_true", help="chỉ đối chiếu và báo cáo, không ghi gì")
    p.add_argument("--accept-gaps", action="store_true",
                   help="vẫn nhập khi có đối tượng không khớp hoặc xã chưa có ranh giới")
    p.add_argument("--crs", help="hệ toạ độ khi tệp không ghi (EPSG:xxxx, vn2000, vn2000-tm3-108, vn2000-tm3-107.5)")
    p.add_argument("--yes", action="store_true", help="xác nhận remove-official (không có thì chưa xoá gì)")


def _run(args) -> int:
    engine = db.connect(database_url(args.db))
    if not setup.is_seeded(engine):
        raise BoundaryError("Cơ sở dữ liệu chưa có danh mục đơn vị; hãy chạy «python -m dashboard init» trước.")
    if args.action == "export":
        if not args.out:
            args.out = "ranh_gioi.geojson"
        source, n = boundaries.export(engine, Path(args.out))
        note = f" ({boundaries.APPROXIMATE_LABEL})" if source == boundaries.DERIVED else ""
        print(f"Đã ghi {n} ranh giới, nguồn {source}{note}: {args.out}")
        return 0
    if args.action == "status":
        source = boundaries.source_in_use(engine)
        print(f"Ranh giới đang dùng: {source or 'chưa có'}"
              + (f" ({boundaries.APPROXIMATE_LABEL})" if source == boundaries.DERIVED else ""))
        return 0
    actor = users.local_admin()
    if args.action == "remove-official":
        if not args.yes:
            raise BoundaryError("Xoá ranh giới chính thức cần xác nhận: thêm --yes. Chưa xoá gì.")
        n = boundary_import.remove_official(engine, actor)
        print(f"Đã xoá ranh giới chính thức của {n} đơn vị (ghi nhật ký: {actor.audit_name}); "
              "bản đồ dùng lại ranh giới gần đúng.")
        return 0
    if not args.file:
        raise BoundaryError("Cần đường dẫn tệp ranh giới: python -m dashboard geo import TỆP")
    report = boundary_import.import_file(engine, args.file, dry_run=args.dry_run,
                                         accept_gaps=args.accept_gaps, crs=args.crs, actor=actor)
    for line in report.lines():
        print(line)
    if args.dry_run:
        print("Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu."
              + ("" if report.complete else " Tệp chưa khớp đủ."))
        return 0 if report.complete else 1
    return 0
