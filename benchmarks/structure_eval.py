"""Score the structure `pq` reads from each document against a set's gold `documents.jsonl`.

    python benchmarks/structure_eval.py /work/shared/dev-formats [--model hash:128] [--no-append]

Builds a fresh index of SET/corpus with `pq ingest`, then reads what the product says through
its own interface — `pq docs --json` for the metadata, `pq show DOC --json` for the parts — and
compares:

- fields: type, number, session, date, answer_date, askers (the list, in order), minister, title;
  exact after collapsing whitespace (the gold `–` for "no parliament" counts as empty);
- answer parts: a gold answer part is found when an answer part of the document covers its
  numbers ("3 en 4" = [3, 4]; a part "1-4" covers "1") and holds its `contains` text (letters and
  digits compared, like the retrieval scorer) — or, for a short part ("Ja."), is held by it;
  the asker's reply is never an answer part;
- question parts likewise (reported, not a goal).

Prints accuracy per field and per type, the failures, and appends a run to benchmarks/RESULTS.md.
The model matters nothing here (parsing comes before embedding): `--model hash:128` is the default
to keep the run short.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import append_results, pq_command  # noqa: E402

FIELDS = ("type", "number", "session", "date", "answer_date", "askers", "minister", "title")


def squash(text: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]", "", (text or "").lower())


def numbers_of(label: str) -> list[int]:
    nums: list[int] = []
    for m in re.finditer(r"(\d+)(?:\s*(?:-|–|tot)\s*(\d+))?", label or ""):
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        nums.extend(range(a, b + 1) if 0 <= b - a < 20 else [a, b])
    return sorted(set(nums))


def norm(field: str, value):
    if field == "askers":
        return [re.sub(r"\s+", " ", a).strip() for a in (value or [])]
    v = re.sub(r"\s+", " ", str(value or "")).strip()
    return "" if v in ("–", "-") else v


def part_found(gold: dict, parts: list[dict]) -> bool:
    want = set(numbers_of(gold["part"]))
    key = squash(gold["contains"])
    for p in parts:
        if not want <= set(p.get("numbers") or numbers_of(p.get("label", ""))):
            continue
        text = squash("\n".join(q["text"] for q in p.get("paragraphs", [])))
        if key in text or (len(text) >= 2 and text in key):
            return True
    return False


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stderr[-2000:]}")
    return proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", type=Path)
    ap.add_argument("--model", default="hash:128", help="embedding model for the throw-away index")
    ap.add_argument("--pq", default="", help="how to call pq (default: this environment's script)")
    ap.add_argument("--no-append", action="store_true", help="do not append to RESULTS.md")
    args = ap.parse_args()
    pq = args.pq.split() if args.pq else pq_command()
    gold = [json.loads(line) for line in (args.set / "documents.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    index = tempfile.mkdtemp(prefix="pq-structure-")
    run(pq + ["ingest", str(args.set / "corpus"), "--index", index, "--model", args.model, "--json"])
    docs = {d["doc"]: d for d in json.loads(run(pq + ["docs", "--json", "--index", index]))["documents"]}

    field_ok: dict[str, list[int]] = defaultdict(list)
    by_type: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    failures: list[str] = []
    for g in gold:
        got = docs.get(g["doc"])
        shown = json.loads(run(pq + ["show", g["doc"], "--json", "--index", index])) if got else {}
        for f in FIELDS:
            ok = int(bool(got) and norm(f, got.get(f)) == norm(f, g.get(f)))
            field_ok[f].append(ok)
            by_type[g["type"]][f].append(ok)
            if not ok:
                failures.append(f"{g['doc']}: {f} {(got or {}).get(f)!r} != {g.get(f)!r}")
        for sec, gparts in (("answer", g.get("answers", [])), ("question", g.get("questions", []))):
            for gp in gparts:
                ok = int(part_found(gp, shown.get(sec, [])))
                key = f"{sec} parts"
                field_ok[key].append(ok)
                by_type[g["type"]][key].append(ok)
                if not ok:
                    failures.append(f"{g['doc']}: {sec} part {gp['part']} not found ({gp['contains'][:50]!r})")

    cols = list(FIELDS) + ["answer parts", "question parts"]
    acc = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    lines = [f"{'':22s}" + " ".join(f"{c[:12]:>12s}" for c in cols)]
    lines.append(f"{'all (' + str(len(gold)) + ' docs)':22s}" + " ".join(f"{acc(field_ok[c]):12.3f}" for c in cols))
    for t in sorted(by_type):
        n = len(by_type[t]["type"])
        lines.append(f"{t + ' (' + str(n) + ')':22s}" + " ".join(
            f"{acc(by_type[t][c]):12.3f}" if by_type[t][c] else f"{'–':>12s}" for c in cols))
    print("\n".join(lines))
    if failures:
        print("\nfailures:")
        print("\n".join("  " + f for f in failures))
    goal = all(acc(field_ok[f]) >= 0.95 for f in FIELDS) and acc(field_ok["answer parts"]) >= 0.90
    summary = (f"SUMMARY fields_min={min(acc(field_ok[f]) for f in FIELDS):.3f} "
               f"answer_parts={acc(field_ok['answer parts']):.3f} question_parts={acc(field_ok['question parts']):.3f} "
               f"goal={'met' if goal else 'NOT met'}")
    print(summary)
    if not args.no_append:
        append_results(f"Structure: {args.set.name}", f"python benchmarks/structure_eval.py {args.set}",
                       lines + ["", summary],
                       [f"{len(failures)} failures" + (": " + "; ".join(failures[:8]) if failures else "")])


if __name__ == "__main__":
    main()
