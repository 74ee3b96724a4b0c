"""Report ingestion: readers per format → paragraphs and outline → header → extraction → loader.

Readers never touch the database; the loader writes one report in one transaction.
"""

from dashboard.ingest.loader import ImportResult, ParsedReport, ingest, parse
from dashboard.ingest.readers import MAX_REPORT_BYTES, READERS, read_bytes, read_path

__all__ = ["ImportResult", "ParsedReport", "ingest", "parse", "read_bytes", "read_path", "READERS",
           "MAX_REPORT_BYTES"]
