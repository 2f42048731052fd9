#!/usr/bin/env python3
"""Fit the calibrated passage score (ranking.CALIBRATION) and the "no answer" threshold
(ranking.NO_ANSWER_BELOW), and report how well they separate.

Labels: the dev query sets (tests/data/dev-eval, tests/data/dev-formats; a passage is relevant when
it holds one of the query's `contains` strings, as the external scorer judges) and OFF_TOPIC below,
questions the corpus cannot answer (written for this script). Features per returned passage: the
dense cosine with the question and the share of the question's words the passage holds.
A 3-parameter logistic regression (numpy, Newton steps). The threshold is the lowest top-1
confidence that wrongly flags at most 5 % of
answerable questions with a relevant top-1 (the share of off-topic questions it flags is reported).

    python benchmarks/calibrate_scores.py --index DIR   # an index of corpus/ (default: builds one)
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

OFF_TOPIC = [
    "Hoeveel kilometer fietspad werd in 2022 aangelegd langs gewestwegen?",
    "Wat is de gemiddelde wachttijd voor een praktisch rijexamen?",
    "Hoeveel windturbines staan er in de haven van Antwerpen?",
    "Welke maatregelen neemt de minister tegen de droogte in de landbouw?",
    "How many wind turbines are there in Flanders?",
    "Wat kost de renovatie van de Oosterweelverbinding?",
    "Hoeveel leerkrachten wiskunde zijn er tekort in het secundair onderwijs?",
    "Wat is het aantal verkeersdoden op autosnelwegen in 2023?",
    "Hoeveel sociale huurwoningen werden er gebouwd in Gent?",
    "What is the budget for public transport in Brussels?",
    "Welke musea krijgen een werkingssubsidie van de Vlaamse overheid?",
    "Hoeveel hectare bos werd er bijgeplant in Limburg?",
    "Wat is de stand van zaken van de hervorming van het inschrijvingsrecht in het hoger onderwijs?",
    "Hoeveel pendelaars nemen dagelijks de trein naar Brussel?",
    "Wat is de CO2-uitstoot van de Vlaamse industrie?",
    "Hoeveel toeristen bezochten de kust vorige zomer?",
]


def squash(t: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]", "", t.lower())


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fit(X: np.ndarray, y: np.ndarray, iters: int = 50, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression by Newton's method (X includes a bias column)."""
    w = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-X @ w))
        g = X.T @ (p - y) + l2 * w
        H = (X * (p * (1 - p))[:, None]).T @ X + l2 * np.eye(X.shape[1])
        w -= np.linalg.solve(H, g)
    return w


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path)
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()

    from pq_assistant.search import Filters

    from common import corpus_assistant

    a, _tmp = corpus_assistant(args.index)
    queries = [q for s in ("dev-eval", "dev-formats") for q in load(ROOT / "tests" / "data" / s / "queries.jsonl")]
    qs = [q["query"] for q in queries] + OFF_TOPIC
    flt = [Filters.from_dict(q.get("filters")) for q in queries] + [Filters() for _ in OFF_TOPIC]
    results = a.search_many(qs, top_k=10, filters=flt)
    rows, top1 = [], []  # (cos, cov, label); (query kind, features of top-1, relevant?)
    for i, (q, res) in enumerate(zip(qs, results)):
        rel = queries[i]["relevant"] if i < len(queries) else []
        for rank, p in enumerate(res):
            if p.pinned:
                continue
            label = any(Path(p.doc).name == Path(r["doc"]).name and squash(r["contains"]) in squash(p.text) for r in rel)
            cos = p.dense if p.dense is not None else min((x.dense for x in res if x.dense is not None), default=0.7)
            rows.append((cos, p.coverage, float(label)))
            if rank == 0:
                top1.append(("off" if i >= len(queries) else "dev", cos, p.coverage, label))
    data = np.array(rows)
    X = np.c_[np.ones(len(data)), data[:, 0], data[:, 1]]
    w = fit(X, data[:, 2])
    conf = lambda c, v: 1 / (1 + math.exp(-(w[0] + w[1] * c + w[2] * v)))  # noqa: E731
    dev_ok = [conf(c, v) for k, c, v, lab in top1 if k == "dev" and lab]
    off = [conf(c, v) for k, c, v, _ in top1 if k == "off"]
    best_t = None
    for t in sorted(set(np.round(np.linspace(0.01, 0.99, 99), 2))):
        flagged_off = sum(x < t for x in off) / max(1, len(off))
        wrong = sum(x < t for x in dev_ok) / max(1, len(dev_ok))
        if wrong <= 0.05:
            best_t = (t, flagged_off, wrong)
    pos = data[data[:, 2] == 1]
    neg = data[data[:, 2] == 0]
    print(f"passages: {len(data)} ({len(pos)} relevant); questions: {len(queries)} dev + {len(OFF_TOPIC)} off-topic")
    print(f"CALIBRATION = ({w[0]:.2f}, {w[1]:.2f}, {w[2]:.2f})")
    print(f"mean confidence: relevant {np.mean([conf(c, v) for c, v, _ in pos]):.3f}, "
          f"not relevant {np.mean([conf(c, v) for c, v, _ in neg]):.3f}; top-1 off-topic {np.mean(off):.3f}, "
          f"top-1 relevant {np.mean(dev_ok):.3f}")
    if best_t:
        t, fo, wr = best_t
        summary = (f"CALIBRATION=({w[0]:.2f}, {w[1]:.2f}, {w[2]:.2f}) NO_ANSWER_BELOW={t:.2f}: flags {fo:.0%} of "
                   f"{len(off)} off-topic questions, {wr:.0%} of {len(dev_ok)} answerable ones with a relevant top-1")
    else:
        summary = f"CALIBRATION=({w[0]:.2f}, {w[1]:.2f}, {w[2]:.2f}); no threshold meets the 5 % limit"
    print("SUMMARY " + summary)
    if not args.no_record:
        from common import append_results

        append_results("calibrate_scores", "python benchmarks/calibrate_scores.py", [summary])
    return 0


if __name__ == "__main__":
    sys.exit(main())
