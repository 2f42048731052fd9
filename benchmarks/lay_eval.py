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
    args = ap.parse_args()
    from pq_assistant import lay

    if args.methods is not None:
        lay.ACTIVE = frozenset(m for m in args.methods.split(",") if m and m != "none")
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
