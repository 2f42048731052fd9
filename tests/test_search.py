"""Fusion, filters, number lookup and duplicate collapsing: the pure parts of search."""
from __future__ import annotations

import pytest

from pq_assistant.errors import UsageError
from pq_assistant.lexical import tokenize
from pq_assistant.search import (Filters, collapse_near_duplicates, doc_passes, fuse, number_lookup, rrf,
                                 strip_filter_terms, widen_date)
from pq_assistant.textutil import name_matches


def test_rrf_basics():
    assert rrf([]) == {}
    assert rrf([[], []]) == {}
    s = rrf([["a", "b"], ["b", "c"]], k=60)
    assert s["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert s["a"] == pytest.approx(1 / 61) and s["c"] == pytest.approx(1 / 62)
    assert max(s, key=s.get) == "b"
    assert rrf([["a"]], weights=[2.0], k=0) == {"a": 2.0}


def test_fuse_edge_cases():
    assert fuse([], []) == {}
    # only one side: scores scaled into [0, weight]
    assert fuse([("a", 0.9), ("b", 0.8)], [], alpha=0.6) == pytest.approx({"a": 0.6, "b": 0.0})
    assert fuse([], [("a", 4.0), ("b", 2.0)], alpha=0.6) == pytest.approx({"a": 0.4, "b": 0.2})
    # all dense similarities equal: no division by zero
    assert fuse([("a", 0.5), ("b", 0.5)], [], alpha=1.0) == {"a": 0.0, "b": 0.0}
    both = fuse([("a", 0.9), ("b", 0.7)], [("b", 3.0), ("c", 1.0)], alpha=0.5)
    assert both == pytest.approx({"a": 0.5, "b": 0.5, "c": 1 / 6})


def test_name_matching_is_case_accent_and_part_insensitive():
    assert name_matches("vandeurzen", "JO VANDEURZEN")
    assert name_matches("Jo Vandeurzen", "JO VANDEURZEN")
    assert name_matches("van den bossche", "MARIJKE VAN DEN BOSSCHE")
    assert name_matches("Cécile", "CECILE PEETERS")
    assert not name_matches("vandeur", "JO VANDEURZEN")
    assert not name_matches("vandeurzen", "")


def test_filters():
    meta = {"minister": "JO VANDEURZEN", "asker": "BART VAN MALDEREN", "date": "2018-05-23", "number": "503"}
    assert doc_passes(meta, Filters(minister="vandeurzen"))
    assert not doc_passes(meta, Filters(minister="verschaeve"))
    assert doc_passes(meta, Filters(asker="Van Malderen", since="2018", until="2018-05"))
    assert not doc_passes(meta, Filters(since="2018-05-24"))
    assert not doc_passes(meta, Filters(until="2017"))
    assert doc_passes(meta, Filters(number="503")) and not doc_passes(meta, Filters(number="50"))
    # an undated, anonymous document cannot pass a date or name filter
    assert not doc_passes({"minister": "", "date": ""}, Filters(since="2010"))
    assert not doc_passes({"minister": ""}, Filters(minister="x"))
    assert doc_passes({}, Filters())


def test_widen_date():
    assert widen_date("2022", end=False) == "2022-01-01"
    assert widen_date("2016", end=True) == "2016-12-31"
    assert widen_date("2020-02", end=True) == "2020-02-29"  # the real last day (a leap year)
    with pytest.raises(UsageError):
        widen_date("mei 2018", end=False)


def test_number_lookup():
    assert number_lookup("vraag 503 van 2018") == ("503", "2018")
    assert number_lookup("schriftelijke vraag nr. 214 van 2018") == ("214", "2018")
    assert number_lookup("antwoord op vraag 607 (juni 2021) over het nieuwe subsidiekader") == ("607", "2021")
    assert number_lookup("nr. 71") == ("71", "")
    assert number_lookup("Hoeveel Huizen van het Kind waren er in 2018?") is None


def test_collapse_near_duplicates():
    a = "Op 1/5/2018 zijn er 153 erkende Huizen van het Kind in Vlaanderen en Brussel."
    items = [("1", a), ("2", a + " "), ("3", "Iets heel anders over kinderopvang en plaatsen."), ("4", a.upper())]
    assert collapse_near_duplicates(items) == ["1", "3"]


def test_strip_filter_terms():
    f = Filters(minister="ANNELIES VERSCHAEVE")
    assert strip_filter_terms("Wat antwoordde minister Verschaeve over gemeenten?", f) == "Wat antwoordde over gemeenten?"
    assert strip_filter_terms("budget 2022", Filters()) == "budget 2022"


def test_tokenize_dutch():
    assert tokenize("Hoeveel Huizen van het Kind zijn erkend?") == ["huis", "kind", "erk"]
    assert tokenize("52.302 kinderen, 6,8 miljoen euro op 1/5/2018") == ["52302", "kinder", "6,8", "miljoen", "euro", "1", "5", "2018"]
    assert tokenize("coördinatie") == tokenize("coordinatie")
