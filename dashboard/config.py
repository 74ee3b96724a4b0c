"""Where things live: the database URL and the project's data folders.

Nothing here opens a file or a connection; callers ask for paths and URLs.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
GEO_DIR = PROJECT_DIR / "geo"
DEFAULT_DB_PATH = DATA_DIR / "dashboard.sqlite"
PROVINCE_CODE = "51"
PROVINCE_NAME = "Quảng Ngãi"
UNIT_COUNT = 96


def database_url(explicit: str | None = None) -> str:
    """Return the database URL to use.

    An explicit URL (the CLI's ``--db``) wins, then the ``DATABASE_URL`` environment
    variable, then the embedded SQLite file under ``data/``. A bare file path is
    accepted and turned into a SQLite URL, so staff can write ``--db my.sqlite``.
    """
    url = explicit or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    return url
