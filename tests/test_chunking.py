"""Chunks follow the PQ structure, carry context for the model, and have stable ids."""
from __future__ import annotations

from conftest import CORPUS, SEED_000, SEED_004

from pq_assistant.chunking import MAX_WORDS, _split_long, chunk_document
from pq_assistant.loaders import load
from pq_assistant.parsing import parse


def test_seed_004_chunks():
    doc = parse(load(SEED_004))
    chunks = chunk_document(doc)
    assert [c.chunk_id for c in chunks] == [
        "004_20b2bb69adfdfb62:question:0", "004_20b2bb69adfdfb62:question:1", "004_20b2bb69adfdfb62:question:2",
        "004_20b2bb69adfdfb62:answer:0", "004_20b2bb69adfdfb62:answer:1", "004_20b2bb69adfdfb62:annex:0",
    ]
    a1 = chunks[3]
    assert (a1.section, a1.part, a1.page) == ("answer", "1", 2)
    # the shown text is the document's (with the answer header first), the embedded text adds context
    assert a1.text.startswith("JO VANDEURZEN VLAAMS MINISTER")
    assert "op vraag nr. 503 van 23 mei 2018" in a1.text
    assert "153 erkende Huizen van het Kind" in a1.text
    assert a1.embed_text.startswith("Huizen van het Kind - Regionale spreiding\nVraag: Kan de minister een overzicht geven")
    assert a1.embed_text.endswith(a1.text)
    assert a1.metadata["number"] == "503" and a1.metadata["date_int"] == 20180523
    assert a1.metadata["minister"] == "Jo Vandeurzen" and a1.metadata["part"] == "1"


def test_merged_answer_gets_both_subquestions_as_context():
    doc = parse(load(SEED_000))
    first = next(c for c in chunk_document(doc) if c.section == "answer")
    assert first.part == "1-2"
    assert "aandacht voor ouders vanuit de Huizen van het Kind" in first.embed_text
    assert "aandacht voor jongvolwassenen" in first.embed_text


def test_chunks_are_bounded_and_cover_the_answer():
    for name in ("aandacht-voor-ouders-en-adolescenten.txt", "2019-38-volledige-gebiedsdekking.txt"):
        doc = parse(load(CORPUS / name))
        chunks = chunk_document(doc)
        assert all(len(c.text.split()) <= MAX_WORDS + 60 for c in chunks)  # + the answer header
        shown = " ".join(c.text for c in chunks)
        for part in doc.answer:
            for para in part.paragraphs:
                assert para.text in shown
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_annex_rows_stay_whole():
    doc = parse(load(CORPUS / "2015-312-spreiding-over-de-provincies.pdf"))
    annex = [c for c in chunk_document(doc) if c.section == "annex"]
    assert len(annex) == 1
    assert "Limburg 13 15 44 34 %\nOost-Vlaanderen 25 40 65 62 %" in annex[0].text
    assert annex[0].page == 3


def test_ids_are_stable():
    doc = parse(load(SEED_000))
    assert [c.chunk_id for c in chunk_document(doc)] == [c.chunk_id for c in chunk_document(parse(load(SEED_000)))]


def test_split_long_paragraph_at_sentences():
    text = " ".join(f"Zin nummer {i} heeft precies zeven woorden." for i in range(50))
    pieces = _split_long(text, 40)
    assert all(len(p.split()) <= 40 for p in pieces)
    assert " ".join(pieces) == text
    words = " ".join(["woord"] * 100)  # no sentence end at all
    assert [len(p.split()) for p in _split_long(words, 40)] == [40, 40, 20]
