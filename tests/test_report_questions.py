"""A committee or plenary report (verslag) that holds several questions: each is a document of
its own (asker, minister, number, title, turns, the meeting's date), all read from one file —
re-ingested, shrunk and pruned together. The texts are invented; the layout is the genre's."""
from __future__ import annotations

from pathlib import Path

import pytest

from pq_assistant import Assistant
from pq_assistant.loaders import load
from pq_assistant.parsing import parse_all

MODEL = "hash:256"  # plumbing only

FIRST = """Vraag om uitleg van mevrouw Anna Peeters aan minister Jan Claes over de Huizen van het Kind in landelijke gemeenten

556 (2017-2018)

De voorzitter

Mevrouw Peeters heeft het woord.

Minister, hoeveel landelijke gemeenten hebben een Huis van het Kind?

De voorzitter

Minister Claes heeft het woord.

Mevrouw Peeters, op dit ogenblik hebben 180 landelijke gemeenten een Huis van het Kind.

De voorzitter

Mevrouw Peeters heeft het woord.

Dank u, minister.

De voorzitter

De vraag om uitleg is afgehandeld.
"""

SECOND = """Vraag om uitleg van de heer Piet Janssens aan minister Jan Claes over de wachtlijsten in de kinderopvang

612 (2017-2018)

De voorzitter

De heer Janssens heeft het woord.

Minister, hoeveel kinderen staan op een wachtlijst voor kinderopvang?

De voorzitter

Minister Claes heeft het woord.

Mijnheer Janssens, vandaag staan 4.300 kinderen op een wachtlijst.

De voorzitter

De heer Janssens heeft het woord.

Dat zijn er veel.

De voorzitter

De vraag om uitleg is afgehandeld.
"""

HEAD = "Commissievergadering\n\ndinsdag 12 december 2017, 14.00u\n\n"


def test_each_question_of_a_report_is_a_document(tmp_path):
    d1, d2 = parse_all(load(_write(tmp_path, HEAD + FIRST + "\n" + SECOND)))
    assert (d1.doc_id, d2.doc_id) == ("verslag", "verslag~2")
    assert [(d.number, d.session, d.date, d.askers, d.minister) for d in (d1, d2)] == [
        ("556", "2017-2018", "2017-12-12", ["Anna Peeters"], "Jan Claes"),
        ("612", "2017-2018", "2017-12-12", ["Piet Janssens"], "Jan Claes")]
    assert d2.title.startswith("Vraag om uitleg van de heer Piet Janssens")
    # the second asker's question is a question (not a reply to the first), the minister's words
    # to him an answer (not a last word)
    assert [p.speaker for p in d2.question] == ["Piet Janssens"]
    assert "4.300 kinderen" in d2.answer[0].text and [p.section for p in d2.replies] == ["repliek"]
    assert "Janssens" not in " ".join(p.text for p in d1.question + d1.answer + d1.replies)


def test_a_report_of_one_question_is_one_document(tmp_path):
    docs = parse_all(load(_write(tmp_path, HEAD + FIRST)))
    assert [d.doc_id for d in docs] == ["verslag"]


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "verslag.txt"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def report(tmp_path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    return _write(corpus, HEAD + FIRST + "\n" + SECOND), tmp_path / "index"


def test_ingest_reingest_shrink_and_prune_a_report(report):
    path, index = report
    a = Assistant(index, model=MODEL)
    rep = a.ingest([path.parent])
    assert rep.failed == [] and len(rep.ingested) == 1
    docs = {d["doc_id"]: d for d in a.documents()}
    assert set(docs) == {"verslag", "verslag~2"}
    assert (docs["verslag~2"]["number"], docs["verslag~2"]["asker"]) == ("612", "Piet Janssens")
    # a number lookup and a filter find the second question's own document
    assert a.resolve_doc("612") == "verslag~2"
    hits = a.search("wachtlijst kinderopvang", top_k=3)
    assert hits and hits[0].doc_id == "verslag~2"
    # unchanged: nothing is written again
    again = Assistant(index, model=MODEL).ingest([path.parent])
    assert again.unchanged == [str(path)] and not again.ingested
    # the file now holds one question: the other's document goes, with its chunks
    path.write_text(HEAD + FIRST, encoding="utf-8")
    b = Assistant(index, model=MODEL)
    b.ingest([path.parent])
    assert [d["doc_id"] for d in b.documents()] == ["verslag"]
    assert not [c for c in b.storage.catalog.chunk_ids("verslag~2")]
    assert b.storage.vectors.count() == len(b.storage.catalog.chunk_ids("verslag"))
    # and back to two, then the file is deleted: --prune drops both
    path.write_text(HEAD + FIRST + "\n" + SECOND, encoding="utf-8")
    Assistant(index, model=MODEL).ingest([path.parent])
    path.unlink()
    c = Assistant(index, model=MODEL)
    pruned = c.ingest([], prune=True)
    assert pruned.removed == [str(path.resolve())]
    assert c.storage.is_empty() and c.storage.catalog.doc_ids() == [] and c.storage.vectors.count() == 0


def test_a_lost_question_of_a_report_comes_back_with_the_next_ingest(report):
    # a question's document cut off by a crash or dropped by `pq doctor --fix`: the file is not
    # "unchanged" while one of its documents is missing
    path, index = report
    a = Assistant(index, model=MODEL)
    a.ingest([path.parent])
    with a.storage.write() as w:
        w.remove("verslag~2")
    b = Assistant(index, model=MODEL)
    rep = b.ingest([path.parent])
    assert rep.ingested == [str(path)] and not rep.unchanged
    assert sorted(d["doc_id"] for d in b.documents()) == ["verslag", "verslag~2"]
    assert b.resolve_doc("612") == "verslag~2"


def test_the_file_name_of_a_report_names_its_questions(report):
    from pq_assistant.errors import UsageError

    path, index = report
    a = Assistant(index, model=MODEL)
    a.ingest([path.parent])
    with pytest.raises(UsageError, match=r"verslag, verslag~2; geef er het id van"):
        a.resolve_doc("verslag.txt")
    assert a.document("verslag~2").askers == ["Piet Janssens"]


def test_a_report_with_a_table_of_contents(tmp_path):
    # the report lists its questions first: the first question's document does not take the
    # others' titles, askers or numbers
    title2 = SECOND.split("\n")[0]
    contents = ("Inhoud\n\n" + FIRST.split("\n")[0] + "\n556 (2017-2018)\n\n" + title2 + "\n612 (2017-2018)\n\n")
    d1, d2 = parse_all(load(_write(tmp_path, HEAD + contents + FIRST + "\n" + SECOND)))
    assert (d1.numbers, d1.askers, d1.other_titles) == (["556"], ["Anna Peeters"], [])
    assert (d2.numbers, d2.askers) == (["612"], ["Piet Janssens"])


def test_a_file_read_again_for_a_newer_parser_keeps_the_vectors_of_its_unchanged_chunks(tmp_path, monkeypatch):
    import sqlite3

    import numpy as np

    from pq_assistant.embeddings import HashEmbedder

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "vraag.txt").write_text(HEAD + FIRST, encoding="utf-8")
    index = tmp_path / "index"
    a = Assistant(index, model=MODEL)
    a.ingest([folder])
    with a.storage.write() as w:
        before = w.stored_vectors(["vraag"])
    assert before
    db = sqlite3.connect(index / "catalog.sqlite", isolation_level=None)
    db.execute("UPDATE documents SET extra = json_set(extra, '$.parser', 2)")  # an index of the parser before
    db.close()
    embedded: list[str] = []
    real = HashEmbedder.embed_passages
    monkeypatch.setattr(HashEmbedder, "embed_passages", lambda self, texts: embedded.extend(texts) or real(self, texts))
    b = Assistant(index, model=MODEL)
    rep = b.ingest([folder])
    assert rep.upgraded == [str(folder / "vraag.txt")] and embedded == []  # the same chunks: nothing embedded again
    with b.storage.write() as w:
        after = w.stored_vectors(["vraag"])
    assert after.keys() == before.keys() and all(np.allclose(after[t], before[t], atol=1e-6) for t in before)
    # a chunk whose text changed is embedded again, the others are kept
    (folder / "vraag.txt").write_text(HEAD + FIRST.replace("Dank u, minister.", "Dank u wel, minister."), encoding="utf-8")
    Assistant(index, model=MODEL).ingest([folder])
    assert len(embedded) == len(before)  # a changed file (another hash) is embedded whole, as before


def test_a_report_without_closing_formulas_is_split_at_the_next_title(tmp_path):
    text = HEAD + FIRST.replace("De voorzitter\n\nDe vraag om uitleg is afgehandeld.\n", "") + "\n" + SECOND
    d1, d2 = parse_all(load(_write(tmp_path, text)))
    assert (d1.number, d2.number, d2.askers) == ("556", "612", ["Piet Janssens"])
    assert [p.section for p in d1.replies] == ["repliek"]


def test_pq_docs_tells_the_questions_of_one_report_apart(report):
    from typer.testing import CliRunner

    from pq_assistant.cli import app

    path, index = report
    Assistant(index, model=MODEL).ingest([path.parent])
    out = CliRunner().invoke(app, ["docs", "--index", str(index)], env={"COLUMNS": "80"}).stdout
    assert "verslag.txt [verslag~2]" in out and out.count("verslag.txt") == 2
