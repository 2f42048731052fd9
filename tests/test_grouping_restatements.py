"""One distinctive value, one reference date, two sources, two phrases: an answer restating an
earlier answer's figure names that figure's quantity (figures.grouping._join_across)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pq_assistant.figures import group_quantities
from pq_assistant.figures import grouping
from pq_assistant.figures.grouping import _significant, joins_across, restatement_key
from pq_assistant.models import Figure


def fig(value: str, unit: str, quantity: str, date: str, doc: str, scope: str = "", source: str = "explicit") -> Figure:
    from pq_assistant.figures.lexicon import _to_number

    number = _to_number(value)
    if "miljoen" in unit:
        number *= 1_000_000
    return Figure(value=value, number_value=number, unit=unit, quantity=quantity, date=date, date_source=source,
                  sentence=f"{value} {unit}", scope=scope, doc=doc, doc_id=doc)


# A first answer with two statements of one quantity; a later one restating its newest value under
# another phrase, with a value of its own.
FIRST = [fig("51.870", "kinderopvangplaatsen", "kinderopvangplaatsen baby's", "2021-10-01", "a"),
         fig("52.302", "kinderopvangplaatsen", "kinderopvangplaatsen baby's", "2023-10-01", "a")]
LATER = [fig("52.302", "plaatsen", "plaatsen gezinsopvang", "2023-10-01", "b"),
         fig("53.118", "plaatsen", "plaatsen gezinsopvang", "2024-10-01", "b")]


def values(groups, figs) -> list[list[str]]:
    return [[figs[i].value for i in g] for g in groups]


def test_a_restated_value_joins_the_two_timelines_with_all_their_values():
    figs = FIRST + LATER
    assert values(group_quantities(figs), figs) == [["51.870", "52.302", "52.302", "53.118"]]


def test_without_the_rule_the_two_phrases_stay_apart(monkeypatch):
    monkeypatch.setattr(grouping, "_join_across", lambda *args: None)
    figs = FIRST + LATER
    assert values(group_quantities(figs), figs) == [["51.870", "52.302"], ["52.302", "53.118"]]


def test_the_join_does_not_depend_on_the_order_of_the_documents():
    figs = LATER + FIRST
    assert values(group_quantities(figs), figs) == [["52.302", "53.118", "51.870", "52.302"]]


@pytest.mark.parametrize("change", [
    {"value": "52.000"},                 # round: many quantities are "52.000"
    {"value": "153"},                    # a small count recurs by chance
    {"date": "2022-10-01"},              # another reference date
    {"scope": "Antwerpen"},              # another scope: another series, maybe another quantity
    {"unit": "vacatures", "quantity": "vacatures gezinsopvang"},  # another counted noun
    {"quantity": "extra plaatsen gezinsopvang"},                  # a marker word: an extra, not the stock
    {"date": ""},                        # undated
])
def test_no_join_without_a_distinctive_value_at_one_date_scope_and_noun(change):
    first = [replace(FIRST[1], value=change["value"], number_value=float(change["value"].replace(".", "")))
             if "value" in change else FIRST[1]]
    later = replace(LATER[0], **change)
    figs = first + [later]
    assert len(group_quantities(figs)) == 2, change


def test_two_table_cells_do_not_join_but_a_cell_and_a_sentence_do():
    cells = [replace(FIRST[1], date_source="table"), replace(LATER[0], date_source="table")]
    assert len(group_quantities(cells)) == 2
    assert len(group_quantities([cells[0], LATER[0]])) == 1


def test_a_vague_phrase_joins_nothing():
    # "plaatsen" alone names no particular quantity: its group holds every count of places
    figs = [FIRST[1], replace(LATER[0], quantity="plaatsen")]
    assert len(group_quantities(figs)) == 2


def test_shares_and_money_never_join_a_coincidence_at_scale_is_too_likely():
    """A percentage or an amount of three digits recurs by chance at one date in a large archive,
    under phrases that share a generic word: the rule is for counts alone."""
    a = fig("17,8", "%", "aandeel kinderen kansarm gezin", "2025", "a")
    b = fig("17,8", "%", "kinderen kansarmoede-index", "2025", "b")
    assert len(group_quantities([a, b])) == 2 and restatement_key(a) is None
    # (the synthetic 250k archive: two unrelated answers, one value, one date, one scope)
    v = fig("23,3", "%", "aandeel vrijwilligers bereikt", "2008", "jeugdwerk", scope="Brussel")
    n = fig("23,3", "%", "aandeel nieuwkomers bereikt", "2008", "tweede-taal", scope="Brussel")
    assert len(group_quantities([v, n])) == 2
    m1 = fig("12,1", "miljoen euro", "budget inloopteams kwetsbare gezinnen", "2021", "a")
    m2 = fig("12,1", "miljoen euro", "subsidies kwetsbare gezinnen", "2021", "b")
    assert len(group_quantities([m1, m2])) == 2 and restatement_key(m1) is None


def test_a_two_digit_value_is_not_distinctive():
    m1 = fig("1,5", "miljoen euro", "budget Huizen van het Kind", "2021", "a")
    m2 = fig("1,5", "miljoen euro", "werkingsmiddelen Huizen van het Kind subsidie", "2021", "b")
    assert len(group_quantities([m1, m2])) == 2
    assert restatement_key(m1) is None
    assert [_significant(v) for v in ("17,8", "52.302", "12,1", "25.000", "1,5", "50", "108.455")] == [3, 5, 3, 2, 2, 1, 6]


def test_joins_across_tells_the_storage_when_a_document_joins_or_splits_timelines():
    # the later answer's restatement meets the first answer's figure of that key
    assert joins_across(LATER, FIRST) is True
    # its other value has no counterpart: nothing to join
    assert joins_across(LATER[1:], FIRST) is False
    # a restatement under the same phrase is one key group already
    assert joins_across([replace(FIRST[1], doc="c", doc_id="c")], FIRST) is False
    # figures without a restatement key never join
    assert joins_across([replace(LATER[0], value="52.000", number_value=52000.0)], FIRST) is False
    assert restatement_key(LATER[0]) == restatement_key(FIRST[1]) is not None


# --- pq figures: a timeline counts once a passage, however many of its figures the passage holds ---

def test_for_pq_figures_a_passage_full_of_one_timelines_figures_does_not_crowd_out_the_best_passages_other():
    from pq_assistant.figures.ledger import LedgerEntry, choose_groups
    from pq_assistant.models import Passage

    def passage(chunk: str) -> Passage:
        return Passage(chunk_id=chunk, doc_id=chunk, doc=chunk, text="", score=0.5, page=1, section="", part="", metadata={})

    def entry(group: int, quantity: str, unit: str, chunk: str, value: str) -> LedgerEntry:
        return LedgerEntry(figure=replace(fig(value, unit, quantity, "2022", chunk), chunk_id=chunk), group=group,
                           status="latest")

    query = "aantal activiteiten Huizen van het Kind"
    best = [entry(1, "individuele contacten Huizen van het Kind", "contacten", "c1", "52.300")]
    table = [entry(0, "erkende Huizen van het Kind", "Huizen van het Kind", "c2", str(v)) for v in range(101, 107)]
    both = [passage("c1"), passage("c2")]
    assert sorted(choose_groups(query, both, best + table, once_a_passage=True)) == [0, 1]
    # for the answer line a table of one timeline is what its passage is about
    assert choose_groups(query, both, best + table) == [0]


# --- the storage's incremental update and the rule ------------------------------------------------

def _answer(title: str, number: int, date: str, body: str) -> str:
    return (f" Kinderopvang  -  {title}\n\n1. Hoeveel plaatsen zijn er?\n\n\nHILDE CREVITS\n"
            f"VLAAMS MINISTER VAN WELZIJN, VOLKSGEZONDHEID EN GEZIN\n\nANTWOORD\nop vraag nr. {number} van {date}\n"
            f"van BART VAN MALDEREN\n\n1. {body}\n")


def _grouped(entries) -> set[frozenset]:
    groups: dict[int, set] = {}
    for e in entries:
        groups.setdefault(e.group, set()).add((e.figure.doc, e.figure.value, e.figure.date))
    return {frozenset(g) for g in groups.values()}


def test_a_document_restating_another_ones_figure_updates_the_ledger_as_a_rebuild_does(tmp_path):
    from pq_assistant import Assistant

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a-2023-10.txt").write_text(_answer("Capaciteit", 10, "3 november 2023",
        "Op 1 oktober 2023 telden we 52.302 kinderopvangplaatsen voor baby's en peuters. Op 1 oktober 2021 waren "
        "dat er 51.870."), encoding="utf-8")
    (folder / "b-2024-11.txt").write_text(_answer("Aanbod", 11, "4 maart 2024",
        "Op 1 oktober 2024 waren er 53.118 plaatsen in de gezinsopvang."), encoding="utf-8")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    assert len(_grouped(a.ledger())) == 2
    restating = folder / "c-2024-12.txt"
    restating.write_text(_answer("Herhaling", 12, "25 maart 2024",
        "Op 1 oktober 2023 waren er 52.302 plaatsen in de gezinsopvang."), encoding="utf-8")
    a.ingest([folder])  # the restatement joins the two timelines
    got = _grouped(a.ledger())
    a.rebuild_ledger()
    assert got == _grouped(a.ledger()) and len(got) == 1
    restating.unlink()
    a.ingest([folder], prune=True)  # and they split again when it goes
    got = _grouped(a.ledger())
    a.rebuild_ledger()
    assert got == _grouped(a.ledger()) and len(got) == 2


def test_near_phrases_of_two_kinds_of_one_thing_never_join_not_even_through_a_third():
    """e5 puts "… gemeentelijk werkingsgebied" and "… intergemeentelijk …" at 0.98, above the
    merge threshold: an embedder that finds every phrase the same shows that the contrast of
    the two words keeps them apart, also when a neutral phrase is near both."""
    import numpy as np

    figs = [fig("53", "Huizen van het Kind", "Huizen van het Kind gemeentelijk werkingsgebied", "2014", "a"),
            fig("11", "Huizen van het Kind", "Huizen van het Kind intergemeentelijk georganiseerd", "2014", "a"),
            fig("39", "Huizen van het Kind", "Huizen van het Kind intergemeentelijk werkingsgebied", "2020", "b"),
            fig("60", "Huizen van het Kind", "Huizen van het Kind werkingsgebied georganiseerd", "2021", "c"),
            fig("41", "Huizen van het Kind", "Huizen van het Kind gemeentelijk werkingsgebied", "2025", "d")]
    same = lambda texts: np.ones((len(texts), 4)) / 2.0  # noqa: E731  every pair at cosine 1
    groups = values(group_quantities(figs, embed=same), figs)
    municipal = next(g for g in groups if "53" in g)
    assert "41" in municipal and "11" not in municipal and "39" not in municipal
    assert any({"11", "39"} <= set(g) for g in groups)
    assert grouping._contrasts("gemeentelijk huis kind werkingsgebied", "huis intergemeentelijk kind werkingsgebied")
    assert grouping._contrasts("coordinator voltijds", "coordinator deeltijds")
    assert not grouping._contrasts("huis kind uitmaakt", "huis kind maken")  # one verb, two forms
    # a compound and its head are one kind of thing ("108.455 plaatsen voor baby's" continues the
    # "Kinderopvangplaatsen" of a table); two modifiers of one head are two
    assert not grouping._contrasts("baby plats", "kinderopvangplats")
    assert grouping._contrasts("groepsopvang plats", "gezinsopvang plats")


def test_a_listing_keeps_the_timelines_of_the_family_and_unit_the_question_asks_for():
    """`pq figures` finds timelines through passages and near descriptions, and some are only
    neighbours of the asked quantity: a question about a share lists no counts, one about "het
    aantal" no amounts, a sum per house is not the total budget — but the change of a count in
    percent answers "how many", and a share of the budget a question about the budget."""
    from pq_assistant.figures.ledger import LedgerEntry, fits_question

    def entry(group: int, value: str, unit: str, quantity: str) -> LedgerEntry:
        return LedgerEntry(fig(value, unit, quantity, "2021", "a"), group, "latest")

    entries = [entry(0, "117", "Huizen van het Kind", "erkende Huizen van het Kind"),
               entry(1, "51", "%", "aandeel Huizen van het Kind intergemeentelijk georganiseerd"),
               entry(2, "13,4", "miljoen euro", "budget Huizen van het Kind"),
               entry(3, "29.650", "euro", "bedrag per Huis van het Kind"),
               entry(4, "10", "%", "daling erkende Huizen van het Kind"),
               entry(5, "40", "%", "aandeel budget Huizen van het Kind")]
    assert fits_question("aandeel intergemeentelijke Huizen van het Kind", entries) == {1, 4, 5}
    assert fits_question("aantal erkende Huizen van het Kind", entries) == {0, 4}
    assert fits_question("budget Huizen van het Kind", entries) == {2, 4, 5}
    assert fits_question("bedrag per Huis van het Kind", entries) == {3, 4, 5}
    # a question that names no family keeps all; "per thema" of a share is a breakdown, not a unit
    assert fits_question("Huizen van het Kind", entries) == {0, 1, 2, 3, 4, 5}
    assert fits_question("aandeel vragen per thema", [entry(7, "12", "%", "aandeel vragen opvoeding")]) == {7}


def test_a_listing_of_a_qualified_count_keeps_the_timelines_of_that_kind():
    """"aantal gemeentelijke Huizen van het Kind": the timelines that hold "gemeentelijk" (not the
    total of all houses, not the intergemeentelijke ones, not municipalities); a count stated in
    an adding sentence beside the question's noun stays ("Daarnaast … contacten"); a qualifier no
    timeline holds, or a last word that only looks like an adjective ("… kinderarmoede"),
    narrows nothing."""
    from dataclasses import replace as with_
    from pq_assistant.figures.ledger import LedgerEntry, _qualifiers, narrowest

    def entry(group: int, value: str, unit: str, quantity: str, chunk: str = "c1", sentence: str = "") -> LedgerEntry:
        return LedgerEntry(with_(fig(value, unit, quantity, "2021", "a"), chunk_id=chunk, sentence=sentence or quantity),
                           group, "latest")

    houses = [entry(0, "117", "Huizen van het Kind", "erkende Huizen van het Kind"),
              entry(1, "41", "Huizen van het Kind", "Huizen van het Kind gemeentelijk werkingsgebied"),
              entry(2, "67", "Huizen van het Kind", "Huizen van het Kind intergemeentelijk georganiseerd"),
              entry(3, "161", "gemeenten", "gemeenten Huizen van het Kind gemeentelijk")]
    assert narrowest("aantal gemeentelijke Huizen van het Kind", houses) == {1}
    assert narrowest("aantal intergemeentelijke Huizen van het Kind", houses) == {2}
    assert narrowest("aantal erkende Huizen van het Kind", houses) == {0, 1, 2}
    assert narrowest("aantal voltijdse Huizen van het Kind", houses) == {0, 1, 2}
    activities = [entry(5, "18.640", "groepsactiviteiten", "groepsactiviteiten Huizen van het Kind",
                        sentence="In 2022 organiseerden de Huizen van het Kind samen 18.640 groepsactiviteiten."),
                  entry(6, "52.300", "contacten", "individuele contacten",
                        sentence="Daarnaast vonden er 52.300 individuele contacten plaats."),
                  entry(0, "117", "Huizen van het Kind", "erkende Huizen van het Kind",
                        sentence="Er zijn 117 erkende Huizen van het Kind.")]
    assert narrowest("aantal activiteiten Huizen van het Kind", activities) == {5, 6}
    assert _qualifiers("aantal gemeenten met lokaal actieplan kinderarmoede") == []
    assert _qualifiers("aandeel kwetsbare gezinnen in het bereik") == ["kwetsbar"]
    assert _qualifiers("aantal Vlaamse gemeenten") == []  # a place is a scope, not always in the wording
