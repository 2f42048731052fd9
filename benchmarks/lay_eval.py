"""Lay-language retrieval, in one process: the dev-eval and dev-formats query sets over indexes of
their corpora, scored with the shared tool's relevance rule (../shared/tools/retrieval_eval.py),
per query type and for the paraphrase questions of both sets together.

  python benchmarks/lay_eval.py --ev /tmp/lay-ev-idx --fm /tmp/lay-fm-idx [--methods asked,translate]

The indexes are built with `pq ingest <set>/corpus --index DIR` (an empty DIR: built here). Methods
are switched with --methods (lay.ACTIVE); the official numbers come from the shared tool.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _tool():
    spec = importlib.util.spec_from_file_location("retrieval_eval", SHARED / "tools" / "retrieval_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_set(set_dir: Path, index: Path, k: int = 10) -> list[dict]:
    from pq_assistant.assistant import Assistant
    from pq_assistant.search import Filters

    tool = _tool()
    if not index.exists() or not any(index.iterdir()):
        subprocess.run([sys.executable, "-m", "pq_assistant", "ingest", str(set_dir / "corpus"), "--index", str(index)],
                       check=True, capture_output=True)
    queries = tool.load_jsonl(set_dir / "queries.jsonl")
    a = Assistant(index)
    answers = a.ask_many([q["query"] for q in queries], top_k=k,
                         filters=[Filters.from_dict(q.get("filters")) for q in queries])
    results = {q["id"]: [p.to_dict() for p in ans.passages] for q, ans in zip(queries, answers)}
    return tool.score(queries, results, k)


def latency(index: Path, reps: int = 5) -> tuple[float, float, float]:
    """Warm Assistant.search over the dev-eval queries, with the lay methods on and off in turn
    (paired, so the load of a shared machine hits both alike): p50 on, p50 off, median paired
    difference, in ms."""
    import statistics
    import time

    from pq_assistant import lay
    from pq_assistant.assistant import Assistant
    from pq_assistant.search import Filters

    tool = _tool()
    queries = tool.load_jsonl(SHARED / "dev-eval" / "queries.jsonl")
    a = Assistant(index)
    on_set = lay.ACTIVE
    on, off, diff = [], [], []
    for rep in range(reps + 1):
        for q in queries:
            f = Filters.from_dict(q.get("filters"))
            t = {}
            for state in ((on_set, frozenset()) if rep % 2 else (frozenset(), on_set)):
                lay.ACTIVE = state
                t0 = time.perf_counter()
                a.search(q["query"], top_k=5, filters=f)
                t[bool(state)] = (time.perf_counter() - t0) * 1000
            if rep:  # the first pass warms up
                on.append(t[True]); off.append(t[False]); diff.append(t[True] - t[False])
    lay.ACTIVE = on_set
    return statistics.median(on), statistics.median(off), statistics.median(diff)


def table(rows: list[dict]) -> dict[str, tuple[int, float, float]]:
    out = {}
    for t in sorted({r["type"] for r in rows}) + ["ALL"]:
        rs = [r for r in rows if t == "ALL" or r["type"] == t]
        r5 = sum(1 for r in rs if r["rank"] and r["rank"] <= 5) / len(rs)
        mrr = sum(1 / r["rank"] for r in rs if r["rank"] and r["rank"] <= 10) / len(rs)
        out[t] = (len(rs), r5, mrr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ev", default="/tmp/lay-ev-idx")
    ap.add_argument("--fm", default="/tmp/lay-fm-idx")
    ap.add_argument("--methods", default=None, help="comma list of lay.py methods (asked, translate, compounds,"
                    " adapter) or 'none'; default: lay.DEFAULT_METHODS")
    ap.add_argument("--json-out")
    ap.add_argument("--latency", type=Path, help="an index of the shipped corpus: time the search with and without")
    args = ap.parse_args()
    from pq_assistant import lay

    if args.methods is not None:
        lay.ACTIVE = frozenset(m for m in args.methods.split(",") if m and m != "none")
    if args.latency:
        p_on, p_off, d = latency(args.latency)
        print(f"warm search p50 with lay {p_on:.1f} ms, without {p_off:.1f} ms, median paired difference {d:+.1f} ms")
        return
    ev = run_set(SHARED / "dev-eval", Path(args.ev))
    fm = run_set(SHARED / "dev-formats", Path(args.fm))
    te, tf = table(ev), table(fm)
    para = [r for r in ev + fm if r["type"] == "paraphrase"]
    tp = table(para)["ALL"]
    print(f"methods={','.join(sorted(lay.ACTIVE)) or 'none'}")
    for t in sorted(set(te) | set(tf)):
        a, b = te.get(t), tf.get(t)
        fa = f"{a[1]:.3f}/{a[2]:.3f}" if a else "   -   "
        fb = f"{b[1]:.3f}/{b[2]:.3f}" if b else "   -   "
        print(f"{t:13s} dev-eval {fa}  dev-formats {fb}")
    print("paraphrase ranks: " + " ".join(f"{r['id']}={r['rank']}" for r in para))
    print(f"PARAPHRASE R@5={tp[1]:.3f} MRR={tp[2]:.3f} | dev-eval R@5={te['ALL'][1]:.3f} MRR={te['ALL'][2]:.3f}"
          f" | dev-formats R@5={tf['ALL'][1]:.3f} MRR={tf['ALL'][2]:.3f}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"ev": ev, "fm": fm}), encoding="utf-8")


if __name__ == "__main__":
    main()
