"""Run the web app with uvicorn: one Assistant, warmed up before the first request."""
from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..assistant import Assistant

LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def warm(a: Assistant) -> float:
    """Load the model, Chroma, the BM25 index, the ledger and the chart library once, so that the
    first search is as fast as the next. Returns the seconds it took."""
    t0 = time.perf_counter()
    a.refresh()  # the state on disk now; later calls see what changes after this
    a.require_index()
    a.ask("warm", top_k=1)
    a.figures_ledger.phrases()  # what the semantic timeline look-up scores
    try:  # the figures page's chart (matplotlib); a missing chart library only costs the chart
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        pass
    return time.perf_counter() - t0


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as exc:
            raise UsageError(f"kan niet luisteren op {host}:{port} ({exc.strerror or exc}); "
                             "kies een andere poort met --port") from None


def serve(a: Assistant, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          log_level: str = "warning") -> None:
    """Serve `a` on http://host:port/ until Ctrl-C."""
    import uvicorn

    from .app import create_app

    loopback = is_loopback(host)
    _check_port(host, port)
    err = sys.stderr.write
    if not loopback:
        err(f"pq serve: LET OP: de pagina luistert op {host}: wie deze computer op poort {port} kan bereiken, "
            "kan de hele index lezen en bestanden opladen; er is geen login. Laat --host weg (127.0.0.1: "
            "alleen deze computer) tenzij dat de bedoeling is.\n")
    err(f"pq serve: index {a.index} openen en het model laden ...\n")
    seconds = warm(a)
    app = create_app(a, allowed_hosts=LOOPBACK_NAMES if loopback else None)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    s = a.stats()
    err(f"pq serve: {s['documents']} documenten, model {s['model']} (klaar in {seconds:.1f} s)\n")
    err(f"pq serve: open {url} in je browser (Ctrl-C stopt de server)\n")
    if open_browser:
        import webbrowser

        threading.Timer(0.8, webbrowser.open, [url]).start()
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level=log_level, access_log=False,
                server_header=False, timeout_graceful_shutdown=3)
