"""For every quantity of figures.jsonl that occurs more than once: does `pq figures <quantity>`
list all its values (value, reference date) and in date order?

    python benchmarks/figures_timelines.py [--index DIR] [--set tests/data/dev-eval] [--append]

Builds the index (default embedder) from <set>/corpus, or the repo's corpus/ when the set has
none, when DIR is empty. Prints one line per quantity and a summary line: `complete` = the
quantities whose every (value, date) `pq figures <quantity>` lists; `value_recall` = the listed
share of all their values; `listing_precision` = of the listed figures that are gold figures,
the share that are of the asked quantity (a listing of the whole ledger would score 1.0 on the
first two and low on this one).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pq_assistant import Assistant  # noqa: E402
from pq_assistant.ledger import sort_key  # noqa: E402


def norm_value(v: str) -> str:
    return re.sub(r"[.\s]", "", v)


def refigure(a: Assistant) -> Assistant:
    """The ledger of the current figures code on an index built earlier: every stored record is
    read again, its figures extracted and linked to the chunks it had (chunking is deterministic),
    and the ledger rebuilt with the index's embedder, into a copy of the index (the one returned).
    Nothing is written to the index itself."""
    import shutil
    from pq_assistant.chunking import chunk_document
    from pq_assistant.pipeline import figures_for, link_figures, record_to_document

    catalog = a.storage.catalog
    figs = []
    for doc_id in catalog.doc_ids():
        rec = catalog.record(doc_id)
        if rec is None:
            continue
        doc = record_to_document(rec)
        f = figures_for(doc)
        link_figures(f, chunk_document(doc))
        figs.extend(f)
    entries, vectors = a._ledger_build()(figs)
    copy = Path(tempfile.mkdtemp(prefix="pq-refigure-")) / "index"
    a.storage.catalog.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(a.storage.root, copy)
    b = Assistant(copy)
    with b.storage.write() as w, w.catalog.transaction() as db:
        b.storage.figures_ledger.replace_all(db, entries, vectors)
    print(f"--refigure: {len(figs)} figures re-extracted, {len({e.group for e in entries})} timelines (in {copy})")
    return b


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index")
    ap.add_argument("--set", default=str(ROOT / "tests/data/dev-eval"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--refigure", action="store_true",
                    help="re-extract the figures of an existing --index with the current code (records and chunk "
                         "ids from the catalog; chunks are not re-embedded) and rebuild its ledger in memory")
    ap.add_argument("--append", action="store_true", help="append the summary to benchmarks/RESULTS.md")
    args = ap.parse_args()
    index = Path(args.index or tempfile.mkdtemp(prefix="pq-figtl-"))
    a = Assistant(index)
    corpus = Path(args.set, "corpus") if Path(args.set, "corpus").is_dir() else Path(args.corpus)
    if a.is_empty():
        a.ingest([str(corpus)])
    if args.refigure:
        a = refigure(a)
    gold = [json.loads(x) for x in Path(args.set, "figures.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    by_q: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        by_q[g["quantity"]].append(g)
    # (doc, value, date) -> the gold quantities that hold it: a listed figure of another quantity
    # only is a foreign one (what a listing that shows everything would be full of)
    owners: dict[tuple, set[str]] = defaultdict(set)
    for g in gold:
        owners[(g["doc"], norm_value(g["value"]), g["date"])].add(g["quantity"])
    full = ordered = 0
    found_total = want_total = gold_listed = foreign_total = 0
    names = sorted(q for q, rows in by_q.items() if len(rows) > 1)
    for q in names:
        entries = a.figures(q)
        got = {(e.figure.doc, norm_value(e.figure.value), e.figure.date) for e in entries}
        want = {(g["doc"], norm_value(g["value"]), g["date"]) for g in by_q[q]}
        hit = want & got
        foreign = {k for k in got if k in owners and q not in owners[k]}
        gold_listed += len({k for k in got if k in owners})
        foreign_total += len(foreign)
        in_order = [sort_key(e) for e in entries] == sorted(sort_key(e) for e in entries)
        full += hit == want
        ordered += in_order
        found_total += len(hit)
        want_total += len(want)
        print(f"{len(hit):3d}/{len(want):<3d} {'ordered' if in_order else 'UNORDERED'} {len(entries):4d} listed {len(foreign):3d} foreign  {q}")
        if args.v:
            for miss in sorted(want - got):
                print("      missing", miss)
            for other in sorted(foreign):
                print("      foreign", other, sorted(owners[other]))
    line = (f"SUMMARY quantities={len(names)} complete={full} ({full / max(1, len(names)):.3f}) ordered={ordered} "
            f"value_recall={found_total / max(1, want_total):.3f} ({found_total}/{want_total}) "
            f"listing_precision={1 - foreign_total / max(1, gold_listed):.3f} "
            f"({gold_listed - foreign_total}/{gold_listed} listed gold figures of the asked quantity)")
    print(line)
    if args.append:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from common import append_results

        append_results("figures_timelines", "python benchmarks/figures_timelines.py " + " ".join(sys.argv[1:]),
                       [f"set {args.set}, corpus {corpus}", line])


if __name__ == "__main__":
    main()
