"""Typed exceptions of the dashboard library.

Each carries a Vietnamese message meant for staff; the CLI and the pages translate
them once, at the edge, into an exit code or an error box.
"""

from __future__ import annotations


class DashboardError(Exception):
    "Base class of every error the dashboard reports to a person."


class UnknownCommune(DashboardError):
    "No commune of the register matches the name or code."


class AmbiguousCommune(DashboardError):
    "Several communes match a name written without diacritics."

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


class UnknownProvince(DashboardError):
    "The province code is not one of the 34 provinces in vietnamadminunits."


class UnknownIndicator(DashboardError):
    "The indicator code is not in the catalog."


class UnknownPeriod(DashboardError):
    "The period code cannot be parsed (expected e.g. 6T/2025, Q4/2025, 2025)."


class CatalogError(DashboardError):
    "The indicator catalog or target file is malformed."


class ReportError(DashboardError):
    "A report file cannot be read or imported."

    def __init__(self, file_name: str, reason: str):
        super().__init__(f"Tệp «{file_name}»: {reason}")
        self.file_name = file_name
        self.reason = reason


class MissingMetadata(ReportError):
    "The commune or period of a report cannot be detected and must be given."


class BoundaryError(DashboardError):
    "A boundary file cannot be read or matched to the communes."


class MapComponentError(DashboardError):
    "The map page's browser component cannot be made ready (its page, script and plotly.js)."


class ExportError(DashboardError):
    "A snapshot cannot be written."


class DatabaseBusy(DashboardError):
    "Another writer held the database past the busy timeout; nothing was changed."


class DatabaseUnavailable(DashboardError):
    "The database cannot be opened: not a SQLite file, or the server cannot be reached."


class BackupError(DashboardError):
    "A backup cannot be written or a backup file cannot be restored."


# --- issue 5: the map ---------------------------------------------------------------------------
class BoundaryMismatch(BoundaryError):
    "A boundary file's features do not match the communes one to one; nothing was imported."

    def __init__(self, message: str, report: object):
        super().__init__(message)
        self.report = report


# --- issue 9: the accuracy report ---------------------------------------------------------------
class CorpusError(DashboardError):
    "A labelled report folder is missing or empty, or an expected file is malformed."


# --- issue 11: roles and log-in -----------------------------------------------------------------
class NotAllowed(DashboardError):
    "The acting user lacks the role a write needs (or nobody is logged in); nothing was changed."

    def __init__(self, message: str, needed: str):
        super().__init__(message)
        self.needed = needed


class LoginFailed(DashboardError):
    "Wrong name or password, a disabled account, or an account locked after repeated failures."

    def __init__(self, message: str, kind: str = "wrong", **details: object):
        super().__init__(message)
        self.kind = kind  # wrong | locked | disabled: the page says it in the interface language
        self.details = details


class SessionExpired(DashboardError):
    "The log-in session ended (idle too long, logged out, or the account was disabled)."

    def __init__(self, message: str, kind: str = "ended"):
        super().__init__(message)
        self.kind = kind  # none | ended | expired


class UserError(DashboardError):
    "A user cannot be created or changed (bad name, unknown role, short password, duplicate)."


class NeedsConfirmation(ReportError):
    "Importing would replace a report someone already reviewed; the person must confirm first."
