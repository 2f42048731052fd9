"""Shapes of the parliament's and the press's web pages as users save them (text copied from the
browser): the report page that prints the question's header under a "Voorzitter" label and
without its title, abbreviated months in datelines, a news page that is no parliamentary text.
The texts are invented; only the layouts are the real ones."""
from __future__ import annotations

import pytest

from pq_assistant.figures.extraction import extract_figures
from pq_assistant.models import LoadedDocument
from pq_assistant.parsing import parse
from pq_assistant.parsing.dates import any_date
from pq_assistant.textutil import dutch_date_to_iso, month_number


def _parse(text: str, name: str = "page.txt"):
    return parse(LoadedDocument(name, [text], "x", "txt"))


REPORT_PAGE = """U bent hier

Commissievergadering

dinsdag 12 december 2017, 14.00u

Voorzitter
van Anna Peeters aan minister Jan Claes
556 (2017-2018)
De voorzitter

Mevrouw Peeters heeft het woord.

Minister, hoeveel gemeenten hebben vandaag een Huis van het Kind?

De voorzitter

Minister Claes heeft het woord.

Mevrouw Peeters, op dit ogenblik hebben 280 gemeenten een Huis van het Kind.

De voorzitter

Mevrouw Peeters heeft het woord.

Dank u, minister.

De voorzitter

De vraag om uitleg is afgehandeld.
"""


def test_report_page_header_without_title():
    d = _parse(REPORT_PAGE)
    assert (d.type, d.number, d.session, d.date) == ("vraag-om-uitleg", "556", "2017-2018", "2017-12-12")
    assert (d.askers, d.minister) == (["Anna Peeters"], "Jan Claes")
    assert d.title == ""  # the page prints the title apart: missing, never made up
    assert [p.speaker for p in d.question] == ["Anna Peeters"]
    assert "280 gemeenten" in d.answer[0].paragraphs[0].text
    assert [p.section for p in d.replies] == ["repliek"]


def test_president_speaking_first_still_starts_a_turn():
    # A bare "De voorzitter" followed by the president's words (no header lines) is a turn, not
    # part of the header: the header ends where it ended before.
    text = REPORT_PAGE.replace("Voorzitter\nvan Anna Peeters aan minister Jan Claes\n556 (2017-2018)\n", "")
    text = text.replace("De voorzitter\n\nMevrouw Peeters heeft het woord.\n\nMinister, hoeveel",
                        "De voorzitter\n\nWe beginnen met de vraag van mevrouw Peeters.\n\n"
                        "Mevrouw Peeters heeft het woord.\n\nMinister, hoeveel", 1)
    d = _parse(text)
    assert (d.number, d.askers, d.date) == ("", ["Peeters"], "2017-12-12")
    assert "We beginnen" not in d.header


@pytest.mark.parametrize("text, iso", [
    ("maandag, 05 jul 2021", "2021-07-05"),
    ("3 sept. 2019", "2019-09-03"),
    ("1 Jan. 2020", "2020-01-01"),
    ("14 mrt 2018", "2018-03-14"),
    ("12 juni 2020", "2020-06-12"),  # "juni" is not read as "jun"
    ("Jan Peeters zei het in 2019", ""),  # a first name, not a month
])
def test_abbreviated_months_with_a_year(text, iso):
    assert any_date(text) == iso


def test_month_number():
    assert (month_number("mei"), month_number("Jul."), month_number("sept"), month_number("Jan")) == (5, 7, 9, 1)
    assert month_number("maandag") is None
    assert dutch_date_to_iso("05", "jul", "2021") == "2021-07-05"


def test_a_dateline_with_an_abbreviated_month_is_no_figure():
    figs = extract_figures("Nieuws, maandag 05 jul 2021. Er zijn 5 consultatiebureaus in Brussel.",
                           fallback_date="2021-07-05")
    assert [(f.value, f.unit) for f in figs] == [("5", "consultatiebureaus")]


def test_news_page_is_dated_by_its_dateline():
    d = _parse("Nieuws\nmaandag, 05 jul 2021\n\nPartij wil meer consultatiebureaus\n\n"
               "De partij wil dat er meer consultatiebureaus komen. Er zijn er vandaag 5 in Brussel.")
    assert (d.type, d.date) == ("overig", "2021-07-05")


def test_a_date_inside_a_sentence_does_not_date_plain_text():
    d = _parse("Notities\n\nOp 5 juli 2021 vergaderde de werkgroep over de consultatiebureaus.")
    assert (d.type, d.date) == ("overig", "")


def test_pq_show_names_the_parts_in_dutch(capsys):
    from pq_assistant import render

    render.document(_parse(REPORT_PAGE))
    out = capsys.readouterr().out
    assert "vraag — Anna Peeters" in out and "repliek — Anna Peeters" in out
    assert "question —" not in out


KAMERVRAAG_PAGE = """Aanhangsel van de Handelingen

Datum publicatieOrganisatieVergaderjaarNummerDatum ontvangst
Tweede Kamer der Staten-Generaal2015-20161644

Vragen van het lid Jansen (PvdA) aan de Minister van Sociale Zaken en Werkgelegenheid over het bericht «Meer kinderen naar de opvang» (ingezonden 28 januari 2016).

Antwoord van Minister De Vries (Sociale Zaken en Werkgelegenheid) (ontvangen 24 februari 2016).

Vraag 1

Hoeveel kinderen gingen in 2015 naar de kinderopvang?

Antwoord 1

In 2015 gingen 720.000 kinderen naar de kinderopvang, tegenover 690.000 in 2014.
"""


def test_kamervraag_page_with_its_metadata_table_run_together():
    d = _parse(KAMERVRAAG_PAGE)
    assert (d.type, d.number, d.session, d.date, d.answer_date) == (
        "kamervraag", "1644", "2015-2016", "2016-01-28", "2016-02-24")
    assert (d.askers, d.minister) == (["Jansen"], "De Vries")
    from pq_assistant.pipeline import figures_for

    assert sorted(f.value for f in figures_for(d)) == ["690.000", "720.000"]  # not the fused "20161644"


def test_kamervraag_without_answer_keeps_its_own_number_and_who_answers():
    text = KAMERVRAAG_PAGE.replace("Aanhangsel van de Handelingen", "Kamervragen zonder Antwoord")
    text = text.replace("2015-20161644", "2015-20162016Z01234").split("Antwoord van Minister")[0]
    d = _parse(text + "Vraag 1\n\nHoeveel kinderen gingen in 2015 naar de kinderopvang?\n")
    assert (d.type, d.number, d.session, d.minister) == ("kamervraag", "2016Z01234", "2015-2016", "")
    assert d.minister_function == "Minister van Sociale Zaken en Werkgelegenheid"


def test_the_page_of_one_turn_is_still_a_report():
    # the parliament's page of one speaker's part of a report: one turn, given by the president
    d = _parse("U bent hier\n\nDe voorzitter\n\nMevrouw Peeters heeft het woord.\n\n"
               "Vorig jaar werden 128 Huizen van het Kind bevraagd. Minister, wat leert die bevraging?\n")
    assert (d.type, d.askers) == ("vraag-om-uitleg", ["Peeters"])
    # one "heeft het woord" in running text is no report
    assert _parse("Notities\n\nOp de buurtvergadering heeft het woord gekregen wie wou.\n").type == "overig"


class _NoEmbedder:
    name = "none"

    def embed_passages(self, texts):
        return [[0.0] for _ in texts]


def test_an_undated_page_is_ranked_by_the_latest_year_it_reports_on():
    from pq_assistant.pipeline import prepare
    from pq_assistant.ranking import recency_map

    page = ("U bent hier\n\nDe voorzitter\n\nMevrouw Peeters heeft het woord.\n\n"
            "In 2019 waren er 120 Huizen van het Kind. Tegen 2030 moeten het er 150 zijn. "
            "Minister, hoeveel zijn er nu?\n")
    prepared = prepare(LoadedDocument("p.txt", [page], "x", "txt"), "p", "/tmp/p.txt", _NoEmbedder())
    row = prepared.write.row
    assert (row.date, row.extra["year_estimate"]) == ("", "2019")  # not the target's 2030
    docs = {"old": {"date": "2016-05-01"}, "page": {"date": "", "year_estimate": "2019"},
            "new": {"date": "2022-01-10"}, "none": {"date": ""}}
    rec = recency_map(docs)
    assert rec["old"] == 0.0 and rec["new"] == 1.0 and 0.0 < rec["page"] < 1.0 and "none" not in rec
    # a dated document keeps its own date
    assert prepare(LoadedDocument("q.txt", [REPORT_PAGE], "x", "txt"), "q", "/tmp/q.txt",
                   _NoEmbedder()).write.row.extra.get("year_estimate") is None


OFFICIAL_KV_PAGE = """Vragen van de leden Jansen (ChristenUnie) en De Vries (GroenLinks) aan de Minister voor Rechtsbescherming over de wachtlijsten in de jeugdzorg (ingezonden 19 januari 2022).

Vraag 1

Bent u bekend met de reportage over de wachtlijsten?1

Vraag 2

Hoeveel kinderen staan op een wachtlijst voor jeugdzorg?


X Noot
1

Aanhangsel Handelingen II, vergaderjaar 2020–2021, nr. 3976

Naar boven
"""


def test_official_kamervraag_page_without_its_notes():
    # the notes cite another document: its session and number are not this question's, and the
    # notes answer nothing; the page's own number is in the name the site gives the file
    d = _parse(OFFICIAL_KV_PAGE, "kv-tk-2022Z00700.html")
    assert (d.type, d.number, d.session, d.date, d.askers) == ("kamervraag", "2022Z00700", "", "2022-01-19",
                                                               ["Jansen", "De Vries"])
    assert [p.label for p in d.question] == ["1", "2"] and d.answer == []
    assert _parse(OFFICIAL_KV_PAGE, "vraag.html").number == ""  # not read from anywhere else


def test_kamervraag_copied_from_a_news_site_with_numbered_questions():
    d = _parse("Zaaknummer: 2019Z18127\n\n2019Z18127\n\n"
               "Vragen van de leden Pieters en Van den Berg (beiden PvdA) aan de minister van Volksgezondheid, "
               "Welzijn en Sport over de opvang (ingezonden 26 september 2019)\n\n"
               "1. Bent u bekend met het artikel over de opvang? [1]\n\n2. Hoeveel kinderen wonen in een crisisopvang?\n\n"
               "[1] RTL Nieuws, 25 september 2019\n\nGerelateerd\n")
    assert (d.number, d.date, d.askers) == ("2019Z18127", "2019-09-26", ["Pieters", "Van den Berg"])
    assert [(p.label, p.text[:20]) for p in d.question] == [("1", "Bent u bekend met he"), ("2", "Hoeveel kinderen won")]


def test_a_scraped_news_page_is_dated_and_its_relative_dates_resolved():
    # a scraper's " date 2022-09" before the headline dates the item; "dit jaar" and "nu" are read
    # against it, and where a figure comes from ("blijkt uit cijfers van ...") is not what it counts
    text = (" date 2022-09 Lange wachtlijst kinderopvang\n\nIn het tweede kwartaal van dit jaar gingen 830.000 "
            "kinderen naar de kinderopvang.\n\nDat waren er in 2017 nog 726.000, blijkt uit cijfers van het "
            "ministerie. Er staan nu 4.000 vacatures open.\n")
    d = _parse(text)
    assert (d.type, d.date) == ("overig", "2022-09-01")
    from pq_assistant.pipeline import figures_for

    got = {f.value: (f.unit, f.date, f.quantity) for f in figures_for(d)}
    assert got["830.000"][:2] == ("kinderen", "2022-06-30")
    assert got["726.000"][:2] == ("kinderen", "2017") and "cijfers" not in got["726.000"][2]
    assert got["4.000"][:2] == ("vacatures", "2022-09-01")


def test_a_saved_report_page_takes_its_heading_as_title(tmp_path):
    page = tmp_path / "verslag.html"
    body = "".join(f"<p>{line}</p>" for line in REPORT_PAGE.split("\n\n")[1:] for line in [line.replace("\n", "<br>")])
    page.write_text("<html><head><title>x</title><script>var a;</script></head><body>"
                    "<nav><a href='/'>Home</a></nav><main><h1>Vraag om uitleg over de Huizen van het Kind</h1>"
                    f"{body}</main><footer>Vlaams Parlement - Leuvenseweg 86</footer></body></html>",
                    encoding="utf-8")
    from pq_assistant.loaders import load

    d = parse(load(page))
    assert (d.type, d.number, d.askers, d.title) == ("vraag-om-uitleg", "556", ["Anna Peeters"],
                                                     "Vraag om uitleg over de Huizen van het Kind")
    # the heading above the page's <main> is kept too (its navigation and footer are not)
    page.write_text("<html><body><nav><a href='/'>Home</a></nav><div class='kop'><h1>Vraag om uitleg over de "
                    f"kinderopvang</h1></div><main>{body}</main><footer>Leuvenseweg 86</footer></body></html>",
                    encoding="utf-8")
    loaded = load(page)
    assert loaded.pages[0].startswith("Vraag om uitleg over de kinderopvang\n\n") and "Leuvenseweg" not in loaded.pages[0]
    assert "Home" not in loaded.pages[0] and parse(loaded).title == "Vraag om uitleg over de kinderopvang"
