#!/usr/bin/env python3
""""How many now?" and "how many then?": does `pq ask` put the newest statement (or the one of the
time the question names) in its top 3, and is that figure the answer line?

The questions below were written for this benchmark over the shipped corpus (which is mostly
invented, see corpus/README.md), after reading the corpus' figure series, in Dutch and English.
`expect` is the value as written in the sources; `docs` the documents that state it (any of them
counts). Run:

    python benchmarks/now_eval.py                    # builds a temporary index of corpus/ (real model)
    python benchmarks/now_eval.py --index DIR        # reuse an index of corpus/
    python benchmarks/now_eval.py --no-time-priors   # the same ranker without the time priors

Prints one row per question and a summary line, and appends the run to benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

QUESTIONS = [
    # -- now ------------------------------------------------------------------------------------
    ("now", "Hoeveel Huizen van het Kind zijn er erkend?", "104",
     ["sv-2026-312-huizen-van-het-kind-na-de-fusies.txt", "pb-2026-02-24-maertens-huizen-van-het-kind-na-fusies.txt",
      "av-2026-kansarmoede-index.txt"]),
    ("now", "How many Houses of the Child are there today?", "104",
     ["sv-2026-312-huizen-van-het-kind-na-de-fusies.txt", "pb-2026-02-24-maertens-huizen-van-het-kind-na-fusies.txt",
      "av-2026-kansarmoede-index.txt"]),
    ("now", "Wat is vandaag het budget voor de Huizen van het Kind?", "15,1",
     ["sv-2026-312-huizen-van-het-kind-na-de-fusies.txt", "pb-2026-02-24-maertens-huizen-van-het-kind-na-fusies.txt"]),
    ("now", "Hoeveel consultatieplaatsen van Kind en Gezin zijn er momenteel?", "738",
     ["vou-2025-412-437-consultatiebureaus-landelijke-gemeenten.txt"]),
    ("now", "Wat is de huidige kansarmoede-index in het Vlaams Gewest?", "17,8", ["av-2026-kansarmoede-index.txt"]),
    ("now", "Hoeveel kinderopvangplaatsen voor baby's en peuters zijn er op dit moment?", "109.120",
     ["sv-2024-472-kinderopvangplaatsen-inkomenstarief.txt"]),
    ("now", "Hoeveel bedraagt het vast bedrag per Huis van het Kind nu?", "30.240",
     ["sv-2026-312-huizen-van-het-kind-na-de-fusies.txt", "pb-2026-02-24-maertens-huizen-van-het-kind-na-fusies.txt"]),
    ("now", "What is the latest number of intermunicipal Houses of the Child?", "67",
     ["2025-287-aantal-en-werkingsgebied-per-provincie.txt"]),
    ("now", "In hoeveel gemeenten zit het lokaal loket kinderopvang momenteel in het Huis van het Kind?", "247",
     ["vou-2025-68-lokale-loketten-in-huizen-van-het-kind.txt", "nieuws-2025-10-03-casteleyn-lokale-loketten.txt"]),
    ("now", "Wat is het recentste budget voor de lokale loketten kinderopvang?", "6,4",
     ["vou-2025-68-lokale-loketten-in-huizen-van-het-kind.txt", "nieuws-2025-10-03-casteleyn-lokale-loketten.txt"]),
    # -- then -----------------------------------------------------------------------------------
    ("then", "Hoeveel Huizen van het Kind waren er in mei 2016?", "127", ["aandacht-voor-ouders-en-adolescenten.txt"]),
    ("then", "How many Houses of the Child were there in 2019?", "160", ["2019-38-volledige-gebiedsdekking.txt"]),
    ("then", "Hoeveel erkende Huizen van het Kind waren er op 1 mei 2018?", "153", ["2018-503-regionale-spreiding.txt"]),
    ("then", "Wat was het budget voor de Huizen van het Kind in 2017?", "5,2",
     ["vou-2016-143-huizen-van-het-kind-landelijke-gemeenten.txt", "krant-2017-03-14-huizen-van-het-kind-groei.txt"]),
    ("then", "Hoeveel consultatiebureaus waren er in september 2016?", "331", ["2016-71-consultatiebureaus-en-locaties.txt"]),
    ("then", "Wat was de kansarmoede-index in 2021?", "15,9", ["2022-703-kinderarmoede-en-bereik.txt"]),
    ("then", "How many childcare places for babies and toddlers were there in October 2020?", "109.870",
     ["2022-190-capaciteit-kinderopvang.pdf", "sv-2024-472-kinderopvangplaatsen-inkomenstarief.txt"]),
    ("then", "Hoeveel erkende Huizen van het Kind waren er op 1 januari 2021?", "124",
     ["2021-607-nieuw-subsidiekader.txt", "vou-2021-1471-lokale-verankering-na-schaalvergroting.txt",
      "pb-2021-05-12-lauwaert-minder-maar-sterkere-huizen.txt"]),
    ("then", "Wat was het vast bedrag per Huis van het Kind in 2021?", "25.000",
     ["2021-607-nieuw-subsidiekader.txt", "vou-2021-1471-lokale-verankering-na-schaalvergroting.txt",
      "av-2020-schaalvergroting-huizen-van-het-kind.txt", "pb-2021-05-12-lauwaert-minder-maar-sterkere-huizen.txt"]),
    ("then", "Hoeveel Huizen van het Kind waren er in februari 2015?", "96", ["2015-312-spreiding-over-de-provincies.pdf"]),
]


def value_in(text: str, value: str) -> bool:
    """The value as a whole number in the text ('104' not inside '1.104' or '2104')."""
    return re.search(rf"(?<![\d.,]){re.escape(value)}(?![\d]|[.,]\d)", text) is not None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="an index of corpus/ to reuse (default: a fresh temporary one)")
    ap.add_argument("--no-time-priors", action="store_true", help="switch the present/named-time priors off")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--no-record", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = ap.parse_args()

    from pq_assistant import ranking

    if args.no_time_priors:
        ranking.PRESENT_PRIOR = ranking.NAMED_DOC_PRIOR = ranking.NAMED_FIGURE_PRIOR = 0.0
    from common import corpus_assistant

    a, _tmp = corpus_assistant(args.index)
    t0 = time.perf_counter()
    answers = a.ask_many([q for _, q, _, _ in QUESTIONS], top_k=max(args.k, 5))
    secs = time.perf_counter() - t0
    n_top = n_line = 0
    per_kind: dict[str, list[int]] = {}
    for (kind, q, value, docs), ans in zip(QUESTIONS, answers):
        top = any(p.doc in docs and value_in(p.text, value) for p in ans.passages[: args.k])
        line = ans.answer is not None and ans.answer.value == value
        n_top += top
        n_line += line
        per_kind.setdefault(kind, [0, 0, 0])
        per_kind[kind][0] += 1
        per_kind[kind][1] += top
        per_kind[kind][2] += line
        got = f"{ans.answer.value} ({ans.answer.date})" if ans.answer is not None else "-"
        print(f"{'ok ' if top else 'MISS'} {'ok ' if line else 'MISS'}  [{kind}] {q}  want {value}; line: {got}; "
              f"top3: {', '.join(p.doc[:28] for p in ans.passages[: args.k])}")
    # Questions the corpus cannot answer (calibrate_scores.OFF_TOPIC) must get no answer line.
    from calibrate_scores import OFF_TOPIC

    offered = [(q, ans.answer) for q, ans in zip(OFF_TOPIC, a.ask_many(OFF_TOPIC, top_k=5)) if ans.answer is not None]
    for q, line in offered:
        print(f"FALSE LINE  [off-topic] {q}  line: {line.value} {line.quantity} ({line.date})")
    n = len(QUESTIONS)
    summary = (f"SUMMARY top{args.k}={n_top / n:.3f} answer_line={n_line / n:.3f} n={n} "
               f"off_topic_lines={len(offered)}/{len(OFF_TOPIC)} "
               + " ".join(f"{k}: top{args.k}={v[1]}/{v[0]} line={v[2]}/{v[0]}" for k, v in per_kind.items())
               + f" ({'no time priors' if args.no_time_priors else 'default'}; {secs:.1f} s for all questions)")
    print(summary)
    if not args.no_record:
        from common import append_results

        append_results("now_eval", "python benchmarks/now_eval.py" + (" --no-time-priors" if args.no_time_priors else ""), [summary])
    return 0


if __name__ == "__main__":
    sys.exit(main())
