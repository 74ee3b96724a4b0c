"""What a page costs the server and the network, for the benchmark (:mod:`dashboard.bench`).

A page is run by Streamlit's AppTest, the script runner a server uses, against a database URL.
Bytes sent are the serialized sizes of the ForwardMsgs the run enqueues for the browser (what
the websocket carries, less its few bytes of framing): every delta, the plotly figures' JSON,
the dataframes' Arrow tables.
"""

from __future__ import annotations

import os
import statistics
import time
from contextlib import contextmanager


@contextmanager
def _counting():
    """Count the bytes of every ForwardMsg enqueued while inside (``sent["bytes"]``)."""
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

    sent = {"bytes": 0, "messages": 0}
    original = ForwardMsgQueue.enqueue

    def enqueue(self, msg):
        sent["bytes"] += msg.ByteSize()
        sent["messages"] += 1
        return original(self, msg)

    ForwardMsgQueue.enqueue = enqueue
    try:
        yield sent
    finally:
        ForwardMsgQueue.enqueue = original


@contextmanager
def _database(url: str):
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


_COMPONENTS: list = []


def _components():
    """One registry of custom components for every run, as a server has: it scans the installed
    packages once when it starts, whereas each new AppTest would scan them again on its first run
    (tens of milliseconds that no page costs a server)."""
    if not _COMPONENTS:
        from streamlit.components.v2.component_manager import BidiComponentManager

        manager = BidiComponentManager()
        manager.discover_and_register_components(start_file_watching=False)
        _COMPONENTS.append(manager)
    return _COMPONENTS[0]


def page(path: str, url: str, repeat: int = 3, params: dict | None = None) -> dict[str, float]:
    """One page's first run (cold caches, as the first visitor after a change), its warm runs
    (median of ``repeat``), and the bytes one visit sends the browser. Each run is a new
    visitor (a new AppTest: a fresh session) of the same server process."""
    from streamlit.testing.v1 import AppTest

    def run() -> tuple[float, int]:
        at = AppTest.from_file(path, default_timeout=600)
        if hasattr(at, "_bidi_component_manager"):  # Streamlit ≥ 1.51: else AppTest scans per run
            at._bidi_component_manager = _components()
        for key, value in (params or {}).items():
            at.query_params[key] = value
        with _counting() as sent:
            start = time.perf_counter()
            at.run()
            elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            raise RuntimeError(f"{path}: {at.exception[0].message}")
        return elapsed, sent["bytes"]

    with _database(url):
        cold, sent = run()
        warm = [run()[0] for _ in range(repeat)]
    return {"cold ms": cold, "warm ms": statistics.median(warm), "bytes sent": float(sent)}


def map_change(path: str, url: str, indicator: str, key: str = "map_indicator") -> dict[str, float]:
    """Bytes the map page sends on a first visit (the geometry included) and then, in the same
    session, on a change of indicator (the values only: the browser keeps the geometry)."""
    from streamlit.testing.v1 import AppTest

    with _database(url):
        at = AppTest.from_file(path, default_timeout=600)
        with _counting() as first:
            at.run()
        with _counting() as change:
            at.sidebar.selectbox(key=key).select(indicator).run()
        if at.exception:
            raise RuntimeError(f"{path}: {at.exception[0].message}")
    return {"first visit bytes": float(first["bytes"]), "indicator change bytes": float(change["bytes"])}


def peak_memory_mib() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux the high-water mark of this program's own memory (``VmHWM``): ``getrusage`` would
    also count what the parent held when it started this process (kept across ``exec``).
    """
    import resource
    import sys

    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
