"""Retrieval quality on an evaluation set (`pq eval QUERIES.jsonl`).

The queries file is the dev-eval format (tests/data/dev-eval/FORMAT.md): one JSON object a line
with `id`, `query`, `type`, `relevant` [{doc, contains}], optional `figure` {value, date} and
`filters`. Every query goes through `Assistant.search_many` with its own filters.

Scoring follows the external scorer (/work/shared/tools/retrieval_eval.py) rule for rule, so the
two give the same numbers on the same results:

- a passage is relevant to a query when its document's file name is the `relevant[].doc` file
  name and the `contains` string, squashed to lower-case letters and digits, lies in the passage
  text squashed the same way;
- rank = the rank (from 1) of the first relevant passage in the top k, or None;
- recall@n = share of queries with rank <= n; MRR@k = mean of 1/rank (0 for a miss);
- figure@3 = share of the queries with a `figure` whose value (digits only) is a whole number in
  one of the top 3 passages (thousands separators removed);
- timeline@k = for `timeline` queries, the mean share of their relevant entries found in the top k.
"""
from __future__ import annotations

import json
import math
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

MISS_AT = 5  # a query is listed as a miss when nothing relevant is in its top 5 (as the scorer does)


def squash(text: str) -> str:
    """Lower-cased letters and digits only: the comparison key for `contains`."""
    return re.sub(r"[^0-9a-zà-ÿ]", "", str(text).lower())


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", str(text))


def _digits_spaced(text: str) -> str:
    """Numbers with their thousands separators removed ('1.200' -> '1200')."""
    return re.sub(r"(?<=\d)[.\s](?=\d{3}(?!\d))", "", text)


def doc_matches(result_doc: str, wanted: str) -> bool:
    """A result names its document by path or file name; compare file names."""
    return Path(str(result_doc)).name == Path(str(wanted)).name


def is_relevant(result: dict, rel: dict) -> bool:
    """Does a result ({doc, text}) hold the relevant entry ({doc, contains})?"""
    return doc_matches(result.get("doc", ""), rel["doc"]) and squash(rel["contains"]) in squash(result.get("text", ""))


def figure_hit(results: list[dict], figure: dict, n: int = 3) -> bool:
    """Is the figure's value (digits) a whole number in one of the first `n` results?"""
    want = _digits(str(figure.get("value", "")))
    return bool(want) and any(re.search(rf"(?<!\d){want}(?!\d)", _digits_spaced(r.get("text", "")))
                              for r in results[:n])


def load_queries(path: str | Path) -> list[dict]:
    """The queries of a JSONL file; a UsageError names the file and line of a bad one."""
    from .errors import UsageError

    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"{p}: cannot read queries ({exc.strerror or exc})") from exc
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{p}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(q, dict) or not q.get("query"):
            raise UsageError(f"{p}:{n}: a query needs at least a 'query' field")
        q.setdefault("id", f"line{n}")
        out.append(q)
    return out


def score_query(q: dict, results: list[dict], k: int = 10) -> dict:
    """One row: the rank of the first relevant result, the relevant entries covered, the figure."""
    res = results[:k]
    rels = q.get("relevant") or []
    rank = next((r for r, item in enumerate(res, 1) if any(is_relevant(item, rel) for rel in rels)), None)
    covered = sum(any(is_relevant(item, rel) for item in res) for rel in rels)
    fig = q.get("figure")
    return {"id": q.get("id"), "type": q.get("type") or "?", "query": q.get("query", ""), "rank": rank,
            "covered": covered, "n_relevant": len(rels),
            "figure_hit": figure_hit(res, fig) if fig else None,
            "top": [{"doc": Path(str(r.get("doc", ""))).name, "chunk_id": r.get("chunk_id", "")} for r in res[:3]]}


def _aggregate(rows: list[dict], k: int) -> dict:
    n = len(rows)
    if not n:
        return {"n": 0}
    agg: dict[str, Any] = {"n": n}
    for cut in (1, 5, 10):
        if cut <= k:
            agg[f"recall@{cut}"] = sum(1 for r in rows if r["rank"] and r["rank"] <= cut) / n
    agg[f"mrr@{k}"] = sum(1 / r["rank"] for r in rows if r["rank"]) / n
    figs = [r for r in rows if r["figure_hit"] is not None]
    if figs:
        agg["figure@3"] = sum(1 for r in figs if r["figure_hit"]) / len(figs)
    return agg


def summarise(rows: list[dict], k: int = 10) -> dict:
    """Totals and per-type figures of scored rows (see the module docstring); None where a set has
    no figure or timeline queries."""
    total = _aggregate(rows, k)
    figs = [r for r in rows if r["figure_hit"] is not None]
    total["figure@3"] = sum(1 for r in figs if r["figure_hit"]) / len(figs) if figs else None
    tl = [r for r in rows if r["type"] == "timeline" and r["n_relevant"]]
    total[f"timeline@{k}"] = sum(r["covered"] / r["n_relevant"] for r in tl) / len(tl) if tl else None
    by_type: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r)
    return {"total": total, "by_type": {t: _aggregate(rs, k) for t, rs in sorted(by_type.items())}}


def evaluate(assistant, queries: Iterable[dict], k: int = 10) -> dict:
    """Run `queries` through `assistant.search_many(top_k=k)` with their filters and score them.

    Returns {"k", "n", "total", "by_type", "misses", "rows", "seconds"}: `total` holds recall@1/5/10,
    mrr@k, figure@3 and timeline@k; `misses` the queries with nothing relevant in the top 5.
    """
    from .search import Filters

    queries = list(queries)
    t0 = time.perf_counter()
    results = assistant.search_many([q["query"] for q in queries], top_k=k,
                                    filters=[Filters.from_dict(q.get("filters")) for q in queries])
    seconds = time.perf_counter() - t0
    rows = [score_query(q, [p.to_dict() if hasattr(p, "to_dict") else p for p in res], k)
            for q, res in zip(queries, results)]
    summary = summarise(rows, k)
    misses = [{"id": r["id"], "type": r["type"], "rank": r["rank"], "query": r["query"], "top": r["top"]}
              for r in rows if not r["rank"] or r["rank"] > MISS_AT]
    return {"k": k, "n": len(rows), **summary, "misses": misses, "rows": rows, "seconds": round(seconds, 3)}


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def format_report(result: dict) -> str:
    """The plain-text report of `pq eval` (a table per type, the totals, the misses)."""
    k = result["k"]
    cols = [c for c in ("recall@1", "recall@5", "recall@10", f"mrr@{k}", "figure@3") if c in result["total"]]
    heads = [c.replace("recall", "R").replace("mrr", "MRR").replace("figure", "fig") for c in cols]
    lines = [f"{'soort':13s}{'n':>4s}" + "".join(f"{h:>9s}" for h in heads)]
    for t, s in result["by_type"].items():
        lines.append(f"{t:13s}{s['n']:4d}" + "".join(f"{_fmt(s.get(c)):>9s}" for c in cols))
    tot = result["total"]
    lines.append(f"{'alle':13s}{tot['n']:4d}" + "".join(f"{_fmt(tot.get(c)):>9s}" for c in cols))
    lines.append("")
    lines.append(f"timeline@{k} {_fmt(tot.get(f'timeline@{k}'))}   ({result['n']} vragen, "
                 f"{result['seconds']:.2f} s voor de zoekopdrachten)")
    if result["misses"]:
        lines.append("")
        lines.append(f"gemist (niets relevants in de top {MISS_AT}):")
        for m in result["misses"]:
            where = f"rang {m['rank']}" if m["rank"] else f"niet in de top {k}"
            top = m["top"][0]["chunk_id"] if m["top"] else "geen resultaten"
            lines.append(f"  {m['id']} ({m['type']}, {where}): {m['query']}  [top: {top}]")
    else:
        lines.append(f"gemist: geen (elke vraag heeft een relevante passage in haar top {MISS_AT})")
    return "\n".join(lines) + "\n"
