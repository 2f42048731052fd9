"""Lay language (pq_assistant/lay.py): what the index learns from its own sub-questions and answer
parts is rebuilt on ingest, survives a restart, is deterministic, and lets a question in the
asker's words find an answer written in the minister's words.

The corpus here is made for these tests (invented people and figures): MPs write "naschoolse
opvang", the minister answers "buitenschoolse opvang"."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pq_assistant import Assistant
from pq_assistant import lay
from pq_assistant.lay import Lay, build, ibm1
from pq_assistant.storage import layfile

DOCS = {
    "sv-2019-71-naschoolse-opvang-bereik.txt": ("71", "12 maart 2019", "Naschoolse opvang  -  Bereik", [
        ("Hoeveel kinderen gingen in 2018 naar de naschoolse opvang?",
         "In 2018 maakten 48.300 kinderen gebruik van de buitenschoolse opvang."),
        ("Hoeveel gemeenten hebben een eigen naschoolse opvang?",
         "In 231 gemeenten organiseert het lokaal bestuur zelf buitenschoolse opvang."),
    ]),
    "sv-2020-145-naschoolse-opvang-personeel.txt": ("145", "4 juni 2020", "Naschoolse opvang  -  Begeleiders", [
        ("Hoeveel begeleiders werken er in de naschoolse opvang?", "In de buitenschoolse opvang werken 6.120 begeleiders."),
        ("Is er een tekort aan personeel in de naschoolse opvang?",
         "Ongeveer een op vijf initiatieven voor buitenschoolse opvang meldt openstaande vacatures."),
    ]),
    "sv-2021-302-naschoolse-opvang-vakanties.txt": ("302", "9 februari 2021", "Naschoolse opvang  -  Schoolvakanties", [
        ("Blijft de naschoolse opvang open tijdens de schoolvakanties?",
         "De meeste initiatieven voor buitenschoolse opvang blijven open tijdens de zomer."),
        ("Welk budget gaat naar de naschoolse opvang?", "Voor de buitenschoolse opvang is 32 miljoen euro voorzien."),
    ]),
    "sv-2022-88-ouderbijdrage.txt": ("88", "17 januari 2022", "Buitenschoolse opvang  -  Ouderbijdrage", [
        ("Wat betalen gezinnen gemiddeld voor de buitenschoolse opvang op een woensdagnamiddag?",
         "Voor een woensdagnamiddag in de buitenschoolse opvang betalen gezinnen gemiddeld 7,40 euro."),
    ]),
    "sv-2022-90-speelpleinwerking.txt": ("90", "19 januari 2022", "Speelpleinwerking  -  Deelname", [
        ("Hoeveel kinderen namen deel aan de speelpleinwerking op woensdagnamiddag?",
         "Op woensdagnamiddag namen 5.200 kinderen deel aan de speelpleinwerking."),
    ]),
}
LAY_QUESTION = "Wat kost de naschoolse opvang op woensdagnamiddag?"
TARGET = "sv-2022-88-ouderbijdrage:answer:0"


def written_question(nr: str, date: str, title: str, qa: list[tuple[str, str]]) -> str:
    qs = "\n\n".join(f"{i}. {q}" for i, (q, _) in enumerate(qa, 1))
    ans = "\n\n".join(f"{i}. {a}" for i, (_, a) in enumerate(qa, 1))
    minister = "LIESBETH CORNELIS\nVLAAMS MINISTER VAN WELZIJN EN GEZIN"
    return (f"SCHRIFTELIJKE VRAAG\n\nnr. {nr}\nvan WANNES DE KEYSER\n\ndatum: {date}\n\naan {minister}\n\n{title}\n\n"
            "De opvang van schoolkinderen voor en na de schooluren blijft een aandachtspunt voor veel ouders.\n\n"
            f"{qs}\n\n\n\n{minister}\n\nANTWOORD\nop vraag nr. {nr} van {date}\nvan WANNES DE KEYSER\n\n{ans}\n")


def make_corpus(folder: Path, names=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names or DOCS:
        (folder / name).write_text(written_question(*DOCS[name]), encoding="utf-8")
    return folder


def ingest(index: Path, corpus: Path) -> Assistant:
    a = Assistant(index, model="hash:256")
    a.ingest([corpus])
    return a


def test_ibm1_learns_the_answers_word_for_the_askers_word():
    pairs = [(["naschools", "opvang", "kinder"], ["buitenschools", "opvang", "48300"]),
             (["naschools", "opvang", "gemeent"], ["buitenschools", "opvang", "231", "gemeent"]),
             (["naschools", "budget"], ["buitenschools", "miljoen", "euro"]),
             (["speelplein", "kinder"], ["speelplein", "5200", "kinder"])]
    table = ibm1(pairs)
    assert table["naschools"][0][0] == "buitenschools"
    assert "speelplein" not in table  # seen in one pair only: not translated
    assert ibm1(pairs) == table  # deterministic
    assert ibm1([]) == {}


def test_compound_split_uses_the_index_vocabulary():
    lay = Lay({"words": {"kinderopvang": 3, "plaatsen": 5, "gezin": 4, "netwerken": 1}})
    assert lay.split("kinderopvangplaatsen") == ["kinderopvang", "plaatsen"]
    assert lay.split("gezinsnetwerken") == ["gezin", "netwerken"]  # the linking s
    assert lay.split("kinderopvang") == []  # a known word stays whole
    assert lay.split("vaderschapsverlof") == []  # no known parts
    assert lay.lexical_query("vrije kinderopvangplaatsen") == "vrije kinderopvangplaatsen kinderopvang plaatsen"


def test_asked_before_lifts_the_answer_of_a_matching_subquestion():
    lay = Lay({"asked": {"d:question:3": ["d:answer:2"]}}, use=frozenset({"asked"}))
    out = lay.boost_asked({"d:question:3": 1.0, "d:answer:2": 0.1, "e:answer:0": 0.5})
    assert out["d:answer:2"] == pytest.approx(0.9) and out["e:answer:0"] == 0.5
    assert Lay({"asked": {}}, use=frozenset({"asked"})).boost_asked({"x": 1.0}) == {"x": 1.0}


def test_learned_part_is_rebuilt_on_ingest_and_survives_a_restart(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", list(DOCS)[:4])
    a = ingest(tmp_path / "index", corpus)
    data = layfile.load(a.index)
    assert data["chunks"] == a.storage.catalog.chunk_count()
    assert data["translate"]["naschools"][0][0] == "buitenschools"
    assert "asked" not in data  # (the asked-before map is in the catalog: a question looks up its candidates)
    assert a.storage.catalog.asked_of(["sv-2022-90-speelpleinwerking:question:1"]) == {}
    before = [p.chunk_id for p in a.search(LAY_QUESTION)]
    # a new document: the learned part is rebuilt with it
    make_corpus(corpus, ["sv-2022-90-speelpleinwerking.txt"])
    a.ingest([corpus])
    data2 = layfile.load(a.index)
    assert data2["chunks"] == a.storage.catalog.chunk_count() > data["chunks"]
    assert a.storage.catalog.asked_of(["sv-2022-90-speelpleinwerking:question:1", "nergens:question:1"]) == {
        "sv-2022-90-speelpleinwerking:question:1": ["sv-2022-90-speelpleinwerking:answer:0"]}
    # a restart: a new Assistant on the same index reads it and ranks as the first one does
    after = [p.chunk_id for p in a.search(LAY_QUESTION)]
    lay._CACHE.clear()  # nothing of this process's reading is kept
    again = [p.chunk_id for p in Assistant(tmp_path / "index", model="hash:256").search(LAY_QUESTION)]
    assert again == after and TARGET in after[:2]
    assert before  # the earlier index answered too


def test_learned_part_is_deterministic_for_one_corpus(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    one, two = ingest(tmp_path / "one", corpus), ingest(tmp_path / "two", corpus)
    assert layfile.path_of(one.index).read_bytes() == layfile.path_of(two.index).read_bytes()
    w1, w2 = layfile.load_adapter(one.index), layfile.load_adapter(two.index)
    assert w1 is not None and w1.shape == (256, 256) and np.array_equal(w1, w2)
    rows = sorted(one.storage.vectors.scan(embeddings=True), key=lambda r: r[0])
    d1, _ = build(rows)
    d2, _ = build(list(reversed(rows)))  # the order the store scans in does not matter
    assert json.dumps(d1, sort_keys=True) == json.dumps(d2, sort_keys=True)


def test_a_lay_question_finds_its_answer_only_with_the_learned_part(tmp_path, monkeypatch):
    a = ingest(tmp_path / "index", make_corpus(tmp_path / "corpus"))
    default = [p.chunk_id for p in a.search(LAY_QUESTION, top_k=3)]
    monkeypatch.setattr(lay, "ACTIVE", frozenset())
    without = [p.chunk_id for p in a.search(LAY_QUESTION, top_k=3)]
    monkeypatch.setattr(lay, "ACTIVE", frozenset({"translate"}))
    translated = [p.chunk_id for p in a.search(LAY_QUESTION, top_k=3)]
    assert TARGET not in without
    assert TARGET in translated[:2]
    assert default[0] == TARGET


def test_search_runs_without_the_file(tmp_path):
    a = ingest(tmp_path / "index", make_corpus(tmp_path / "corpus", list(DOCS)[:2]))
    layfile.path_of(a.index).unlink()
    layfile.adapter_path(a.index).unlink(missing_ok=True)
    assert Assistant(tmp_path / "index", model="hash:256").search("naschoolse opvang")


def test_a_large_index_keeps_its_learned_part_until_the_corpus_has_moved(tmp_path, monkeypatch):
    """Rebuilding reads every chunk; in a large index one more document barely moves the
    statistics, so the data is kept until the chunk count moved by LAY_REBUILD_SHARE (here the
    'large' threshold is lowered to the test corpus' size)."""
    from pq_assistant.storage import writer

    corpus = make_corpus(tmp_path / "corpus", list(DOCS)[:4])
    a = ingest(tmp_path / "index", corpus)
    built = layfile.load(a.index)["chunks"]
    monkeypatch.setattr(writer, "LAY_REBUILD_SMALL", 1)
    monkeypatch.setattr(writer, "LAY_REBUILD_MIN", 1000)
    make_corpus(corpus, ["sv-2022-90-speelpleinwerking.txt"])
    a.ingest([corpus])
    assert layfile.load(a.index)["chunks"] == built < a.storage.catalog.chunk_count()
    monkeypatch.setattr(writer, "LAY_REBUILD_MIN", 1)  # now the move is large enough
    (corpus / "sv-2022-90-speelpleinwerking.txt").unlink()
    a.ingest([corpus], prune=True)
    a.ingest([make_corpus(corpus, ["sv-2022-90-speelpleinwerking.txt"])])
    assert layfile.load(a.index)["chunks"] == a.storage.catalog.chunk_count()


def test_the_chunk_count_is_read_from_the_head_of_the_file_and_from_a_file_of_before(tmp_path: Path):
    """`chunk_count` (asked on every ingest) reads the count written first, without parsing the
    file; a file of before (keys sorted: the count anywhere) still gives it; a damaged one None."""
    layfile.save(tmp_path, {"words": {"a": 1}, "chunks": 1234, "answers": []})
    assert layfile.path_of(tmp_path).read_bytes().startswith(b'{"chunks":1234,')
    assert layfile.chunk_count(tmp_path) == 1234 and layfile.load(tmp_path)["chunks"] == 1234
    assert layfile.load(tmp_path) == {"words": {"a": 1}, "chunks": 1234, "answers": []}
    layfile.path_of(tmp_path).write_text(json.dumps({"answers": [], "chunks": 77}, sort_keys=True), encoding="utf-8")
    assert layfile.chunk_count(tmp_path) == 77
    assert layfile.chunk_count(tmp_path, upgrade=True) == 77  # (a writer: the count comes first now)
    assert layfile.path_of(tmp_path).read_bytes() == b'{"chunks":77,"answers":[]}'
    layfile.path_of(tmp_path).write_text('{"chunks":', encoding="utf-8")
    assert layfile.chunk_count(tmp_path) is None
    layfile.save(tmp_path, {"chunks": 5})
    assert layfile.load(tmp_path) == {"chunks": 5} and layfile.chunk_count(tmp_path) == 5


def test_a_lay_file_of_before_with_its_asked_map_is_read_and_the_next_writer_moves_the_map(tmp_path):
    """A lay.json written before the catalog held the asked-before map still ranks as it did; the
    next writer moves the map into the catalog (the file's head tells it holds one), the adapter
    stays, and the ranking is the same."""
    import json

    corpus = make_corpus(tmp_path / "corpus", list(DOCS)[:4] + ["sv-2022-90-speelpleinwerking.txt"])
    a = ingest(tmp_path / "index", corpus)
    before = [p.chunk_id for p in a.search(LAY_QUESTION)]
    asked = {q: v for q, v in a.storage.catalog.db.execute("SELECT question, answers FROM lay_asked")}
    assert asked
    data = layfile.load(a.index)
    data["asked"] = {q: json.loads(v) for q, v in asked.items()}
    layfile.path_of(a.index).write_text(json.dumps(data, sort_keys=True), encoding="utf-8")  # the old layout
    a.storage.catalog.set_asked({})
    assert layfile.holds_asked(a.index)
    assert [p.chunk_id for p in a.search(LAY_QUESTION)] == before  # read from the file as it is
    adapter = layfile.adapter_path(a.index).read_bytes() if layfile.adapter_path(a.index).exists() else None
    b = ingest(tmp_path / "index", corpus)  # nothing changed: the writer only moves the map
    assert [p.chunk_id for p in b.search(LAY_QUESTION)] == before
    assert not layfile.holds_asked(b.index) and "asked" not in layfile.load(b.index)
    assert {q: v for q, v in b.storage.catalog.db.execute("SELECT question, answers FROM lay_asked")} == asked
    assert (layfile.adapter_path(b.index).read_bytes() if layfile.adapter_path(b.index).exists() else None) == adapter
    assert [p.chunk_id for p in b.search(LAY_QUESTION)] == before
