"""The web page's speed: time to first byte of a search page and of /api/ask (warm, p50/p95), and a
bounded load run against a real `pq serve` on the loopback.

    python benchmarks/bench_web.py [--index /tmp/pq-bench-index] [--reps 3] [--clients 16]
                                   [--seconds 60] [--model NAME] [--no-append]

- warm: one pass over the 45 dev queries (with their filters) to warm up, then --reps passes, each
  query as the search page `/?q=...` and as `/api/ask?q=...`, one keep-alive connection; time to
  first byte (request sent -> status line and headers in) and to the last byte.
- load: --clients threads for --seconds, each looping over a mix (60 % search pages, 15 % figure
  pages, 15 % document views, 10 % /api/ask), each request on its own connection; errors (any
  status but 200, any exception) counted; p50/p95/max; the server's RSS sampled every second
  (first 10 s vs last 10 s: "memory steady" when it grew less than 10 %).
The index is built with `pq ingest corpus/` (default model) when the folder holds none yet.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEV_QUERIES, ROOT, append_results, ensure_index, percentile, pq_command  # noqa: E402

GOAL_TTFB_P50_MS = 60.0  # the warm search (~40 ms) plus rendering
FIGURE_QUERIES = ["aantal erkende Huizen van het Kind", "budget Huizen van het Kind", "vaccinatiegraad",
                  "aantal consultatiebureaus", "kleuterparticipatie"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(pq_command() + ["serve", "--index", str(index), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"pq serve exited: {proc.stderr.read()[-2000:]}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/stats")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("pq serve did not start within 180 s")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float, float]:
    """(status, seconds to first byte, seconds to last byte)."""
    t0 = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()  # returns once the status line and headers are in
    t1 = time.perf_counter()
    resp.read()
    return resp.status, t1 - t0, time.perf_counter() - t0


def query_path(prefix: str, row: dict) -> str:
    params = {"q": row["query"]}
    params.update({k: v for k, v in (row.get("filters") or {}).items() if v})
    return prefix + "?" + urllib.parse.urlencode(params)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path("/tmp/pq-bench-index"))
    ap.add_argument("--model", default=None)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--no-append", action="store_true")
    args = ap.parse_args()

    ensure_index(args.index, args.model)
    rows = [json.loads(line) for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    port = free_port()
    t0 = time.perf_counter()
    proc = start_server(args.index, port)
    startup = time.perf_counter() - t0
    lines = [f"index {args.index}, {len(rows)} dev queries, server start (index open + warm-up) {startup:.1f} s"]
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        docs = json.loads((conn.request("GET", "/api/docs"), conn.getresponse().read())[1])["documents"]
        for r in rows:  # warm-up pass
            timed_get(conn, query_path("/", r))
        results: dict[str, dict[str, list[float]]] = {}
        for name, prefix in (("search page  /?q=", "/"), ("JSON API     /api/ask?q=", "/api/ask")):
            ttfb, total = [], []
            for _ in range(args.reps):
                for r in rows:
                    status, a, b = timed_get(conn, query_path(prefix, r))
                    if status != 200:
                        sys.exit(f"{prefix} {r['query']!r}: HTTP {status}")
                    ttfb.append(a * 1000)
                    total.append(b * 1000)
            results[name] = {"ttfb": ttfb, "total": total}
        conn.close()
        lines.append(f"warm, {args.reps} passes x {len(rows)} queries, one keep-alive connection:")
        lines.append(f"  {'':27s} {'TTFB p50':>9s} {'p95':>7s} {'total p50':>10s} {'p95':>7s}   (ms)")
        for name, r in results.items():
            lines.append(f"  {name:27s} {percentile(r['ttfb'], 50):9.1f} {percentile(r['ttfb'], 95):7.1f} "
                         f"{percentile(r['total'], 50):10.1f} {percentile(r['total'], 95):7.1f}")
        p50 = percentile(results["search page  /?q="]["ttfb"], 50)
        lines.append(f"  search page TTFB p50 goal <= {GOAL_TTFB_P50_MS:.0f} ms: {'ok' if p50 <= GOAL_TTFB_P50_MS else 'OVER GOAL'}")

        # -- bounded load run -------------------------------------------------------------------
        mix = ([("search", lambda r=r: query_path("/", r)) for r in rows] * 4
               + [("figures", lambda q=q: "/figures?" + urllib.parse.urlencode({"q": q})) for q in FIGURE_QUERIES] * 2
               + [("document", lambda d=d: "/doc/" + urllib.parse.quote(d["doc_id"], safe="")) for d in docs[:10]]
               + [("api", lambda r=r: query_path("/api/ask", r)) for r in rows[:7]])
        stop_at = time.time() + args.seconds
        lat: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            while time.time() < stop_at:
                kind, make = rnd.choice(mix)
                path = make()
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    status, _, total = timed_get(c, path)
                    c.close()
                    with lock:
                        lat.setdefault(kind, []).append(total * 1000)
                        if status != 200:
                            errors.append(f"{status} {path}")
                except Exception as exc:  # noqa: BLE001 - every failure counts as an error
                    with lock:
                        errors.append(f"{type(exc).__name__} {path}")

        rss: list[tuple[float, float]] = [(0.0, rss_mb(proc.pid))]
        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
        t_load = time.time()
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            time.sleep(1.0)
            rss.append((time.time() - t_load, rss_mb(proc.pid)))
        for t in threads:
            t.join()
        n = sum(len(v) for v in lat.values())
        every = [x for v in lat.values() for x in v]
        lines.append(f"load: {args.clients} concurrent clients for {args.seconds:.0f} s on the loopback, mixed requests:")
        lines.append(f"  {n} requests ({n / args.seconds:.1f}/s), errors {len(errors)}"
                     + (f" (first: {errors[0]})" if errors else ""))
        lines.append(f"  {'':10s} {'n':>6s} {'p50':>8s} {'p95':>8s} {'max':>8s}   (ms, request to last byte)")
        for kind in ("search", "figures", "document", "api"):
            v = lat.get(kind, [])
            if v:
                lines.append(f"  {kind:10s} {len(v):6d} {percentile(v, 50):8.0f} {percentile(v, 95):8.0f} {max(v):8.0f}")
        lines.append(f"  {'all':10s} {n:6d} {percentile(every, 50):8.0f} {percentile(every, 95):8.0f} {max(every):8.0f}")
        early = [m for t, m in rss if t <= 10]
        late = [m for t, m in rss if t >= rss[-1][0] - 10]
        grow = (max(late) - max(early)) / max(early) if early and late else float("nan")
        lines.append(f"  server RSS: before {rss[0][1]:.0f} MB, first 10 s max {max(early):.0f} MB, last 10 s max "
                     f"{max(late):.0f} MB, peak {max(m for _, m in rss):.0f} MB -> "
                     f"{'steady' if grow < 0.10 else f'GREW {grow:.0%}'}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("\n".join(lines))
    if not args.no_append:
        append_results("bench_web", "python benchmarks/bench_web.py " + " ".join(sys.argv[1:]), lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
