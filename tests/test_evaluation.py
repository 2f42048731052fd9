"""Tests for pq_assistant.evaluation and `pq eval`: metrics computed by hand, the external scorer's rule."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pq_assistant.evaluation import evaluate, format_report, is_relevant, load_queries, score_query, summarise
from pq_assistant.errors import UsageError
from pq_assistant.models import Passage
from pq_assistant.search import Filters

SCORER = Path("/work/shared/tools/retrieval_eval.py")

ZWEMBADEN = """Sport  -  Zwembaden in Limburg

Veel zwembaden in Limburg sluiten de deuren. Ik heb volgende vragen.

1. Hoeveel zwembaden telt Limburg?

2. Welke investeringen zijn gepland?


KAREL PEETERS
VLAAMS MINISTER VAN SPORT

ANTWOORD
op vraag nr. 11 van 4 februari 2019
van ANNA MERTENS

1. Op 1 januari 2019 telde Limburg 37 overdekte zwembaden.

2. Voor de renovatie van zwembaden is 4,5 miljoen euro gepland.
"""

FIETSPADEN = """Mobiliteit  -  Fietspaden langs gewestwegen

De staat van de fietspaden langs gewestwegen baart zorgen. Ik heb volgende vragen.

1. Hoeveel kilometer fietspad werd vernieuwd?

2. Hoeveel fietsongevallen gebeurden er?


LIES JANSSENS
VLAAMS MINISTER VAN MOBILITEIT

ANTWOORD
op vraag nr. 22 van 9 maart 2023
van TOM WOUTERS

1. In 2022 werd 128 kilometer fietspad vernieuwd.

2. In 2022 gebeurden 1.250 fietsongevallen op gewestwegen.
"""

Z, F = "2019-11-zwembaden.txt", "2023-22-fietspaden.txt"

# Five queries whose outcome is certain on the two documents above (each word used is in one document only):
#   q1 figure  rank 1, its figure "1250" is written "1.250" in the passage        -> figure hit
#   q2 fact    rank 1 (only that passage says "overdekte")
#   q3 filter  the minister filter keeps only the other document                  -> miss, figure miss
#   q4 timeline rank 1, one of its two relevant entries exists                    -> covered 1/2
#   q5 number  "vraag 11 van 2019" pins that document's answer                    -> rank 1
QUERIES = [
    {"id": "q1", "type": "figure", "query": "fietsongevallen gewestwegen",
     "relevant": [{"doc": F, "contains": "1.250 fietsongevallen op gewestwegen"}], "figure": {"value": "1250"}},
    {"id": "q2", "type": "fact", "query": "Hoeveel overdekte zwembaden telde Limburg?",
     "relevant": [{"doc": Z, "contains": "37 overdekte\nzwembaden"}]},
    {"id": "q3", "type": "filter", "query": "investeringen renovatie zwembaden",
     "relevant": [{"doc": Z, "contains": "renovatie van zwembaden is 4,5 miljoen euro"}],
     "figure": {"value": "4,5"}, "filters": {"minister": "Lies Janssens"}},
    {"id": "q4", "type": "timeline", "query": "kilometer fietspad 2022",
     "relevant": [{"doc": F, "contains": "128 kilometer fietspad"}, {"doc": F, "contains": "zo staat het er niet"}]},
    {"id": "q5", "type": "number", "query": "vraag 11 van 2019",
     "relevant": [{"doc": Z, "contains": "op vraag nr. 11 van 4 februari 2019"}]},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A two-document corpus, the queries file beside it, and an index built with the hash embedder."""
    root = tmp_path_factory.mktemp("evalset")
    (root / "corpus").mkdir()
    (root / "corpus" / Z).write_text(ZWEMBADEN, encoding="utf-8")
    (root / "corpus" / F).write_text(FIETSPADEN, encoding="utf-8")
    qfile = root / "queries.jsonl"
    qfile.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUERIES), encoding="utf-8")
    from pq_assistant import Assistant

    a = Assistant(root / "index", model="hash:256")
    report = a.ingest([root / "corpus"])
    assert not report.failed and len(report.ingested) == 2
    return root, qfile, a


# -- scoring by hand (a fake assistant returns fixed passages) -----------------------------------

def passage(doc: str, text: str, cid: str = "x") -> Passage:
    return Passage(chunk_id=cid, doc_id=Path(doc).stem, doc=doc, text=text, score=1.0, page=1, section="answer",
                   part="", metadata={})


class FakeAssistant:
    def __init__(self, results: dict[str, list[Passage]]):
        self.results = results
        self.calls: list[tuple[list[str], int, list[Filters]]] = []

    def search_many(self, queries, *, top_k=5, filters=None):
        self.calls.append((list(queries), top_k, list(filters)))
        return [self.results[q][:top_k] for q in queries]


def filler(n: int) -> list[Passage]:
    return [passage("other.txt", f"niets {i}", f"o:{i}") for i in range(n)]


def test_metrics_by_hand():
    rel = {"doc": "a.txt", "contains": "de 153 erkende Huizen"}
    queries = [
        {"id": "r1", "type": "figure", "query": "A", "relevant": [rel], "figure": {"value": "1.200"}},
        {"id": "r3", "type": "figure", "query": "B", "relevant": [rel], "figure": {"value": "153"}},
        {"id": "r7", "type": "fact", "query": "C", "relevant": [rel]},
        {"id": "miss", "type": "fact", "query": "D", "relevant": [rel], "filters": {"minister": "X", "since": "2019"}},
        {"id": "tl", "type": "timeline", "query": "E",
         "relevant": [rel, {"doc": "b.txt", "contains": "64 erkende"}, {"doc": "c.txt", "contains": "nergens"}]},
    ]
    hit = passage("/some/where/a.txt", "Er zijn De 153 er-\nkende  HUIZEN van het Kind; 1 200 in totaal.")
    fake = FakeAssistant({
        "A": [hit] + filler(12),
        "B": filler(2) + [hit] + filler(10),
        "C": filler(6) + [hit] + filler(6),
        # the right text in the wrong document does not count
        "D": [passage("b.txt", "de 153 erkende Huizen")] + filler(12),
        "E": filler(1) + [passage("b.txt", "toen 64 erkende")] + filler(3) + [hit] + filler(6),
    })
    res = evaluate(fake, queries, k=10)
    # search_many is called once with k and each query's filters
    (qs, k, filters), = fake.calls
    assert qs == list("ABCDE") and k == 10
    assert filters[3] == Filters(minister="X", since="2019") and not filters[0].active()

    ranks = {r["id"]: r["rank"] for r in res["rows"]}
    assert ranks == {"r1": 1, "r3": 3, "r7": 7, "miss": None, "tl": 2}
    t = res["total"]
    assert t["n"] == 5
    assert t["recall@1"] == pytest.approx(1 / 5)
    assert t["recall@5"] == pytest.approx(3 / 5)
    assert t["recall@10"] == pytest.approx(4 / 5)
    assert t["mrr@10"] == pytest.approx((1 + 1 / 3 + 1 / 7 + 0 + 1 / 2) / 5)
    # r1: "1.200" -> 1200 is "1 200" in the top passage; r3: 153 is at rank 3 -> inside top 3
    assert t["figure@3"] == pytest.approx(2 / 2)
    assert t["timeline@10"] == pytest.approx(2 / 3)
    bt = res["by_type"]
    assert bt["figure"]["recall@1"] == pytest.approx(0.5) and bt["figure"]["mrr@10"] == pytest.approx((1 + 1 / 3) / 2)
    assert bt["fact"]["recall@10"] == pytest.approx(0.5) and bt["fact"]["recall@5"] == 0
    assert bt["timeline"]["n"] == 1 and bt["timeline"]["mrr@10"] == pytest.approx(0.5)
    assert [(m["id"], m["rank"]) for m in res["misses"]] == [("r7", 7), ("miss", None)]

    # a smaller k cuts the list before scoring: r7 is a miss, figure of r3 still in the top 3
    res5 = evaluate(fake, queries, k=5)
    assert res5["total"]["recall@5"] == pytest.approx(3 / 5) and "recall@10" not in res5["total"]
    assert res5["total"]["mrr@5"] == pytest.approx((1 + 1 / 3 + 1 / 2) / 5)
    assert res5["total"]["timeline@5"] == pytest.approx(1 / 3)


def test_figure_outside_top3_and_no_figure_queries():
    q = {"id": "f", "type": "figure", "query": "A", "relevant": [], "figure": {"value": "153"}}
    row = score_query(q, [p.to_dict() for p in filler(3) + [passage("a.txt", "153 Huizen")]], k=10)
    assert row["figure_hit"] is False and row["rank"] is None
    # "153" must be a whole number: 1530 and 2153 do not count
    assert score_query(q, [{"doc": "a.txt", "text": "1530 en 2153"}])["figure_hit"] is False
    s = summarise([score_query({"id": "x", "type": "fact", "query": "x", "relevant": []}, [])])
    assert s["total"]["figure@3"] is None and s["total"]["timeline@10"] is None


@pytest.mark.skipif(not SCORER.exists(), reason="the external scorer is not on this machine")
def test_same_rule_as_external_scorer():
    spec = importlib.util.spec_from_file_location("retrieval_eval", SCORER)
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    queries = [dict(q) for q in QUERIES]
    texts = [ZWEMBADEN, FIETSPADEN, "1 250 fietsongevallen op gewest-\nwegen", "128\nkilometer  fietspad",
             "OP VRAAG NR. 11 VAN 4 FEBRUARI 2019", "4,5 miljoen", "nummer 4.5"]
    items = [{"doc": d, "text": t} for t in texts for d in (Z, "/x/" + F, "other.txt")]
    results = {q["id"]: items[5 * i:] + items[:5 * i] for i, q in enumerate(queries)}  # 21 items, rotated
    mine = [score_query(q, results[q["id"]], 10) for q in queries]
    theirs = ext.score(queries, results, 10)
    assert {r["rank"] for r in mine} - {None} and None in {r["rank"] for r in mine}  # hits and misses
    assert [(r["rank"], r["covered"], r["figure_hit"]) for r in mine] == \
           [(r["rank"], r["covered"], r["figure_hit"]) for r in theirs]
    assert summarise(mine)["total"] == pytest.approx(ext.summarise(theirs)["total"])
    for q in queries:
        for item in results[q["id"]]:
            for rel in q["relevant"]:
                assert is_relevant(item, rel) == ext.is_relevant(item, rel)


def test_load_queries_errors(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text('{"id": "a", "query": "x"}\n\n{"query": "y"}\nnot json\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"q.jsonl:4: not JSON"):
        load_queries(p)
    p.write_text('{"id": "a", "query": "x"}\n\n{"query": "y"}\n', encoding="utf-8")
    assert [q["id"] for q in load_queries(p)] == ["a", "line3"]
    with pytest.raises(UsageError, match="cannot read"):
        load_queries(tmp_path / "missing.jsonl")


# -- a real index (hash embedder) ----------------------------------------------------------------

def check_small_set(res: dict) -> None:
    ranks = {r["id"]: r["rank"] for r in res["rows"]}
    assert ranks == {"q1": 1, "q2": 1, "q3": None, "q4": 1, "q5": 1}
    t = res["total"]
    assert (t["n"], t["recall@1"], t["recall@5"], t["recall@10"]) == (5, 0.8, 0.8, 0.8)
    assert t["mrr@10"] == pytest.approx(0.8)
    assert t["figure@3"] == pytest.approx(0.5)  # q1 hit, q3 miss
    assert t["timeline@10"] == pytest.approx(0.5)  # q4: one of its two entries
    assert {k: v["n"] for k, v in res["by_type"].items()} == {"fact": 1, "figure": 1, "filter": 1, "number": 1, "timeline": 1}
    assert res["by_type"]["filter"]["recall@10"] == 0 and res["by_type"]["number"]["recall@1"] == 1
    assert [m["id"] for m in res["misses"]] == ["q3"]


def test_evaluate_on_a_small_index(built):
    root, qfile, a = built
    res = evaluate(a, load_queries(qfile), k=10)
    check_small_set(res)
    # without its filter q3 is found: the filter really reaches the search
    unfiltered = [dict(q, filters={}) if q["id"] == "q3" else q for q in QUERIES]
    assert {r["id"]: r["rank"] for r in evaluate(a, unfiltered)["rows"]}["q3"] is not None


def test_cli_eval(built):
    from pq_assistant.cli import app

    root, qfile, _ = built
    runner = CliRunner()
    out = runner.invoke(app, ["eval", str(qfile), "--index", str(root / "index"), "--json"])
    assert out.exit_code == 0, out.output
    res = json.loads(out.stdout)
    check_small_set(res)
    assert res["k"] == 10 and len(res["rows"]) == 5

    out = runner.invoke(app, ["eval", str(qfile), "--index", str(root / "index"), "--top-k", "3"])
    assert out.exit_code == 0, out.output
    assert "R@1" in out.stdout and "MRR@3" in out.stdout and "R@10" not in out.stdout
    assert "q3 (filter, niet in de top 3)" in out.stdout
    assert "timeline@3 0.500" in out.stdout


def test_cli_eval_ingests_an_empty_index_first(built, tmp_path):
    from pq_assistant.cli import app

    root, qfile, _ = built
    runner = CliRunner()
    # --corpus given explicitly, queries elsewhere
    q2 = tmp_path / "elsewhere.jsonl"
    q2.write_text(qfile.read_text(encoding="utf-8"), encoding="utf-8")
    out = runner.invoke(app, ["eval", str(q2), "--index", str(tmp_path / "i1"), "--corpus", str(root / "corpus"),
                              "--model", "hash:256", "--json"])
    assert out.exit_code == 0, out.output
    check_small_set(json.loads(out.stdout))
    # a corpus/ folder beside the queries file is used when no --corpus is given
    out = runner.invoke(app, ["eval", str(qfile), "--index", str(tmp_path / "i2"), "--model", "hash:256"])
    assert out.exit_code == 0, out.output
    assert "gemist" in out.stdout
    # no corpus and an empty index: the index error, not a crash
    out = runner.invoke(app, ["eval", str(q2), "--index", str(tmp_path / "i3"), "--model", "hash:256"])
    assert out.exit_code != 0 and "empty" in str(out.exception)


def test_format_report_lists_misses():
    fake = FakeAssistant({"A": filler(3)})
    res = evaluate(fake, [{"id": "z", "type": "fact", "query": "A", "relevant": [{"doc": "a", "contains": "b"}]}])
    text = format_report(res)
    assert "z (fact, niet in de top 10): A  [top: o:0]" in text
    assert "all" in text and "timeline@10 -" in text
