"""Imports from the web run in a worker process, with a time and a memory limit.

Inside the Streamlit server, one odd file would hold the server's process for as long as
reading it takes and could exhaust its memory, stalling every user. Here the reading,
parsing and loading of one file happen in a separate process started from a clean
"forkserver" (never a fork of the threaded server itself); the server only waits. A
worker that runs past ``timeout_s`` is killed, one that runs out of memory stops; the
database is unchanged in both cases (the import is one transaction), and the person is
told why in Vietnamese.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import dataclass, field

from dashboard import errors
from dashboard.errors import DashboardError, ReportError
from dashboard.users import EDITOR, User, require

log = logging.getLogger(__name__)

TIMEOUT_S = 120.0  # a real report imports in about a second
MEMORY_MB = 1024  # on top of what the worker holds when it starts (the reader's modules)


@dataclass
class Outcome:
    """What a worker import did: ``status`` and the same dictionary as ``ImportResult.as_dict``."""

    status: str
    info: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return self.info


def _limit_memory(memory_mb: int) -> None:
    """Cap the worker's address space at what it uses now plus ``memory_mb``."""
    import os
    import resource

    with open("/proc/self/statm", encoding="ascii") as fh:
        in_use = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = in_use + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _work(conn, url: str, data: bytes, file_name: str, options: dict, memory_mb: int) -> None:
    """The worker: read, parse and load one file; send back an outcome or the error's parts."""
    try:
        _limit_memory(memory_mb)
        from dashboard.store import db
        from dashboard.ingest import loader, readers

        document = readers.read_bytes(data, file_name)  # the costly part, before any database work
        engine = db.connect(url)
        try:
            result = loader.ingest(engine, document, **options)
        finally:
            engine.dispose()
        conn.send(("ok", result.status, result.as_dict()))
    except MemoryError:
        conn.send(("memory",))
    except ReportError as exc:
        conn.send(("error", type(exc).__name__, exc.file_name, exc.reason))
    except DashboardError as exc:
        conn.send(("error", type(exc).__name__, None, str(exc)))
    except Exception as exc:  # anything else is reported as one line, never a traceback
        conn.send(("error", "ReportError", file_name, f"lỗi không mong đợi khi đọc tệp ({type(exc).__name__})."))
    finally:
        conn.close()


def _rebuild(kind: str, file_name: str | None, reason: str) -> DashboardError:
    cls = getattr(errors, kind, None)
    if isinstance(cls, type) and issubclass(cls, ReportError) and file_name is not None:
        return cls(file_name, reason)
    if isinstance(cls, type) and issubclass(cls, DashboardError) and not issubclass(cls, ReportError):
        try:
            return cls(reason)
        except TypeError:  # an error class with a richer constructor
            pass
    return DashboardError(reason)


def ingest_isolated(url: str, data: bytes, file_name: str, commune: str | None = None, period: str | None = None,
                    dry_run: bool = False, *, actor: User, replace_reviewed: bool = False,
                    timeout_s: float = TIMEOUT_S, memory_mb: int = MEMORY_MB) -> Outcome:
    """Import one uploaded file in a worker process; return its :class:`Outcome`.

    The worker's errors come back as the same typed exceptions (``MissingMetadata`` so
    the page can ask for the commune or period; ``ReportError`` with its reason). Past
    ``timeout_s`` seconds or ``memory_mb`` MB the worker is stopped and a
    :class:`ReportError` says so; nothing is written. Editors and admins only: the role is
    checked here, before a worker starts, and again by the loader inside it.
    """
    require(actor, EDITOR)
    options = {"commune": commune, "period": period, "dry_run": dry_run, "actor": actor,
               "replace_reviewed": replace_reviewed}
    context = multiprocessing.get_context("forkserver")
    # The fork server imports the reader once; each worker then starts in milliseconds.
    context.set_forkserver_preload(["dashboard.ingest.loader", "dashboard.ingest.readers", "dashboard.store.db"])
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(send, url, data, file_name, options, memory_mb), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout_s):
            process.kill()
            process.join(5)
            raise ReportError(file_name, f"đọc tệp quá {timeout_s:g} giây nên đã dừng; không có gì thay đổi. "
                                         "Tệp có thể quá phức tạp hoặc bị lỗi.")
        try:
            message = receive.recv()
        except EOFError:  # the worker died without a word (killed, out of memory)
            message = ("memory",)
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
    if message[0] == "ok":
        return Outcome(message[1], message[2])
    if message[0] == "memory":
        raise ReportError(file_name, f"đọc tệp cần hơn {memory_mb} MB bộ nhớ nên đã dừng; không có gì thay đổi.")
    raise _rebuild(*message[1:])
