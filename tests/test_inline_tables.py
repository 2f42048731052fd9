"""Tables inside an answer (not in a BIJLAGE), and tables whose rows name their own quantity under
year columns: before, the parser ran a table's rows into one sentence and every cell got the
answer's year; a row "Aantal kinderen ( x 1.000) 450 441 436*" was a scope with unscaled cells."""
from __future__ import annotations

from pathlib import Path

from pq_assistant.figures import extract_figures, figures_for_document
from pq_assistant.loaders import load
from pq_assistant.parsing import parse
from pq_assistant.parsing.common import is_table_row

ANSWER = """SCHRIFTELIJKE VRAAG

nr. 77
van AN JANSSENS

datum: 3 februari 2025

aan JEROEN CASTELEYN
VLAAMS MINISTER VAN WELZIJN, GEZIN EN ARMOEDEBESTRIJDING


Consultatiebureaus  -  Spreiding per provincie

1. Hoeveel consultatiebureaus zijn er per provincie?


JEROEN CASTELEYN
VLAAMS MINISTER VAN WELZIJN, GEZIN EN ARMOEDEBESTRIJDING

ANTWOORD
op vraag nr. 77 van 3 februari 2025
van AN JANSSENS

1. Het aantal consultatiebureaus per provincie, telkens op 1 januari:
Provincie 2022 2023 2024 2025
Antwerpen 81 80 79 78
Limburg 46 45 45 44
Totaal 127 125 124 122

Het aantal daalt licht. Op 1 januari 2025 waren er in Vlaanderen 193 bureaus en in 2024 nog 196
bureaus, waarvan 12 in 2023 en 14 in 2024
verbouwd werden.
"""


def test_a_table_in_the_answer_stays_a_table_and_its_cells_are_dated_by_their_column(tmp_path: Path):
    path = tmp_path / "2025-77-spreiding.txt"
    path.write_text(ANSWER, encoding="utf-8")
    doc = parse(load(path))
    texts = [p.text for part in doc.answer for p in part.paragraphs]
    assert "Provincie 2022 2023 2024 2025\nAntwerpen 81 80 79 78\nLimburg 46 45 45 44\nTotaal 127 125 124 122" in texts
    # prose around it is prose: two lines that end in numbers are no table unless both are rows
    assert any(t.startswith("Het aantal daalt licht.") and "\n" not in t for t in texts)
    cells = {(f.scope, f.date): (f.value, f.unit, f.date_source) for f in figures_for_document(doc)
             if f.date_source == "table"}
    assert cells[("Antwerpen", "2022-01-01")] == ("81", "consultatiebureaus", "table")
    assert cells[("Limburg", "2025-01-01")] == ("44", "consultatiebureaus", "table")
    assert cells[("", "2024-01-01")][0] == "124"  # the total row
    assert len(cells) == 12


def test_what_a_table_row_is():
    assert is_table_row("Antwerpen 81 80 79 78") and is_table_row("Provincie 2022 2023 2024")
    assert is_table_row("Limburg 21 % 38 %") and is_table_row("Budget (in euro) 12.100.000 13.400.000")
    assert not is_table_row("Op 1 januari waren er 81.")
    assert not is_table_row("In 2022 waren er 81 en in 2023 80.")
    assert not is_table_row("81 80 79")  # no label
    assert not is_table_row("Normalenvektor, 87, 89")  # a book's index: page numbers, not cells


def test_rows_that_name_their_quantity_under_year_columns():
    table = ("Kinderopvang in cijfers\n"
             "2021 2022 2023\n"
             "Aantal kinderen in de opvang ( x 1.000) 450 441 436*\n"
             "Percentage kinderen 0 tot 3 jaar in de opvang (%) 52 48 43\n"
             "Budget kinderopvang (in euro) 12.100.000 13.400.000 14.600.000")
    figs = extract_figures(table, section="annex", fallback_date="2024-03-01")
    got = [(f.value, f.unit, f.number_value, f.quantity, f.scope, f.date, f.date_source) for f in figs]
    assert got[:3] == [
        ("450", "duizend kinderen", 450_000.0, "kinderen in de opvang", "", "2021", "table"),
        ("441", "duizend kinderen", 441_000.0, "kinderen in de opvang", "", "2022", "table"),
        ("436", "duizend kinderen", 436_000.0, "kinderen in de opvang", "", "2023", "table")]  # "436*": a note mark
    assert got[3][:5] == ("52", "%", 52.0, "aandeel kinderen 0 tot 3 jaar in de opvang", "")
    assert got[6][:4] == ("12.100.000", "euro", 12_100_000.0, "budget kinderopvang")
    assert len(got) == 9


def test_a_table_in_a_docx_answer_is_read_as_a_table(tmp_path: Path):
    """Word answers hold real tables; the loader gives a row a line, and the answer reads them."""
    import docx

    before, rest = ANSWER.split("Provincie 2022 2023 2024 2025\n")
    rows, after = rest.split("\n\n", 1)
    d = docx.Document()
    for block in before.split("\n\n"):
        d.add_paragraph(block.replace("\n", " "))
    t = d.add_table(rows=0, cols=5)
    for line in ["Provincie 2022 2023 2024 2025", *rows.split("\n")]:
        *label, a, b, c, e = line.split()
        for cell, text in zip(t.add_row().cells, [" ".join(label), a, b, c, e]):
            cell.text = text
    d.add_paragraph(after.replace("\n", " "))
    path = tmp_path / "2025-77-spreiding.docx"
    d.save(path)
    figs = [f for f in figures_for_document(parse(load(path))) if f.date_source == "table"]
    assert [(f.value, f.scope, f.date) for f in figs[:2]] == [("81", "Antwerpen", "2022-01-01"),
                                                            ("80", "Antwerpen", "2023-01-01")]
    assert len(figs) == 12


def test_a_table_on_a_saved_web_page_keeps_its_cells_apart_and_its_rows_together(tmp_path: Path):
    """A report page's <table>: before, "Antwerpen8079" (cells glued) and a blank line a row."""
    page = tmp_path / "verslag.html"
    page.write_text(
        "<html><body><main><h1>Vraag om uitleg over de spreiding van consultatiebureaus</h1>"
        "<p>Mevrouw Janssens heeft het woord.</p><p>Minister, hoeveel consultatiebureaus zijn er?</p>"
        "<p>Minister Casteleyn heeft het woord.</p>"
        "<p>Het aantal consultatiebureaus per provincie, telkens op 1 januari:</p>"
        "<table><tr><th>Provincie</th><th>2023</th><th>2024</th></tr>"
        "<tr><td><p>Antwerpen</p></td><td>80</td><td>79</td></tr>"
        "<tr><td>Limburg</td><td>45</td><td>45</td></tr></table>"
        "<p>Dat is een lichte daling.</p></main></body></html>", encoding="utf-8")
    loaded = load(page)
    assert "Provincie 2023 2024\nAntwerpen 80 79\nLimburg 45 45\n\nDat is" in loaded.pages[0]
    figs = figures_for_document(parse(loaded))
    assert [(f.value, f.scope, f.date, f.date_source) for f in figs] == [
        ("80", "Antwerpen", "2023-01-01", "table"), ("79", "Antwerpen", "2024-01-01", "table"),
        ("45", "Limburg", "2023-01-01", "table"), ("45", "Limburg", "2024-01-01", "table")]


def test_a_share_column_and_a_total_over_year_columns():
    """A column "%" holds shares (before: counts named "%"); a "Totaal" column beside year
    columns is the sum over those years, as of the last one (before: the answer's year, and the
    same quantity as the yearly values)."""
    shares = extract_figures("Huizen van het Kind per provincie op 1 januari 2025\nProvincie Aantal %\n"
                             "Antwerpen 27 25,0\nLimburg 14 13,0", section="annex", fallback_date="2025-03-01")
    assert [(f.value, f.unit) for f in shares] == [("27", "Huizen van het Kind"), ("25,0", "%"),
                                                   ("14", "Huizen van het Kind"), ("13,0", "%")]
    sums = extract_figures("Aantal consulten per jaar\nType 2022 2023 Totaal\nFysiek 96.200 98.100 194.300",
                           section="annex", fallback_date="2025-03-01")
    assert [(f.value, f.quantity, f.date, f.date_source) for f in sums] == [
        ("96.200", "consulten", "2022", "table"), ("98.100", "consulten", "2023", "table"),
        ("194.300", "totaal consulten", "2023", "table")]


def test_a_row_label_wrapped_over_two_lines_in_an_answer_table(tmp_path: Path):
    path = tmp_path / "2025-77-spreiding.txt"
    path.write_text(ANSWER.replace("Limburg 46 45 45 44\n", "Limburg 46 45 45 44\nBrussels Hoofdstedelijk\nGewest 8 8 8 7\n"),
                    encoding="utf-8")
    figs = [f for f in figures_for_document(parse(load(path))) if f.date_source == "table"]
    assert [(f.value, f.date) for f in figs if f.scope == "Brussels Hoofdstedelijk Gewest"] == [
        ("8", "2022-01-01"), ("8", "2023-01-01"), ("8", "2024-01-01"), ("7", "2025-01-01")]
    assert len(figs) == 16


def test_a_table_cut_by_a_page_break_stays_one_table(tmp_path: Path):
    path = tmp_path / "2025-77-spreiding.txt"
    path.write_text(ANSWER.replace("Limburg 46 45 45 44\n", "Limburg 46 45 45 44\n\f"), encoding="utf-8")
    doc = parse(load(path))
    assert doc.pages == 2
    figs = [f for f in figures_for_document(doc) if f.date_source == "table"]
    assert [(f.value, f.date) for f in figs if f.scope == ""] == [  # the total row, after the break
        ("127", "2022-01-01"), ("125", "2023-01-01"), ("124", "2024-01-01"), ("122", "2025-01-01")]
