"""Output for people (rich) and for programs (JSON / Markdown). Rich is imported lazily."""
from __future__ import annotations

import json
import re
import sys
from typing import Any

from .textutil import fold, title_case_name

FIGURE_RE = re.compile(
    r"(?<![\w/])(?:€\s?)?\d+(?:[.,]\d+)*(?:\s?(?:%|procent|miljoen|miljard)(?:\s?euro)?|\s?euro|\s?op\s(?:de\s)?\d+)?(?![\w/])"
)


def print_json(obj: Any, *, line: bool = False) -> None:
    """JSON on stdout (one line per object with `line`)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None if line else 2) + "\n")
    sys.stdout.flush()


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def err(message: str) -> None:
    """One line on stderr."""
    sys.stderr.write(message.rstrip("\n") + "\n")


def highlight(text: str, query: str):
    """A rich Text with the query's words (by stem prefix, accent-insensitive) and figures marked."""
    from rich.text import Text

    from .lexical import DUTCH_STOPWORDS

    t = Text(text)
    for m in FIGURE_RE.finditer(text):
        t.stylize("bold magenta", m.start(), m.end())
    words = {fold(w) for w in re.findall(r"[^\W\d_]{3,}", query) if fold(w) not in DUTCH_STOPWORDS}
    stems = {w[: max(4, len(w) - 2)] for w in words}
    for m in re.finditer(r"[^\W\d_]+", text):
        w = fold(m.group(0))
        if any(w.startswith(s) for s in stems):
            t.stylize("bold yellow", m.start(), m.end())
    return t


_SECTION = {"question": "vraag", "answer": "antwoord", "annex": "bijlage", "text": "tekst"}


def where_label(p) -> str:
    """'antwoord 3', 'vraag 1-2', 'bijlage': the section of a passage in the tool's language."""
    sec = _SECTION.get(p.section, p.section)
    return sec + (f" {p.part}" if p.part else "")


def score_label(score: float) -> str:
    return f"score {score:.2f}".replace(".", ",")


def status_label(ans, f) -> str:
    """'nieuwste', 'vervangen door 109 … (nr. 287, p. 2)', 'bevestigd', 'conflict'."""
    st = ans.status.get(id(f), "")
    word = _STATUS_WORD.get(st, st)
    r = ans.replaced_by.get(id(f))
    if word == "vervangen" and r:
        src = f"nr. {r['number']}" if r.get("number") else r.get("doc", "")
        word += f" door {_value(r['value'], r['unit'], f.quantity)} ({r['date']}, {src})"
    return word


def _value(value: str, unit: str, quantity: str) -> str:
    """'104' when the quantity already names the unit ('erkende Huizen van het Kind'), else '6,8 miljoen euro'."""
    if unit and fold(unit) not in fold(quantity or ""):
        return f"{value} {unit}"
    return value


def figure_rows(ans) -> list[tuple[str, str, str, str, str, str]]:
    """The Cijfers block, one row a figure: peildatum, waarde, wat, scope, status, bron."""
    rows = []
    for f in ans.figures:
        src = (f"nr. {f.number}, p. {f.page}" if f.number else f"{f.doc}, p. {f.page}")
        date = (f.date or "zonder datum") + ("¹" if f.date_source in ("answer-date", "document-date") else "")
        rows.append((date, _value(f.value, f.unit, f.quantity), f.quantity or f.unit, f.scope or "",
                     status_label(ans, f), src))
    return rows


FIGURE_COLUMNS = ("peildatum", "waarde", "wat", "scope", "status", "bron")


# The formal heading of a document or of its answer ("SCHRIFTELIJKE VRAAG nr. 312 van … aan …",
# "JEROEN CASTELEYN VLAAMS MINISTER … ANTWOORD op vraag nr. 312 van …"). The chunk keeps it (it
# helps a search by minister or number); shown above the answer it only pushes the answer down,
# and the citation already says all of it.
_HEADING = re.compile(r"^(?:SCHRIFTELIJKE VRAAG|VRAAG OM UITLEG|ACTUELE VRAAG)\b|\bANTWOORD\s+op\s+(?:de\s+)?vraag\s+nr\.")


def shown_text(text: str) -> str:
    """A passage as a reader sees it: without a leading formal heading paragraph (see _HEADING)."""
    head, sep, rest = text.partition("\n\n")
    if sep and rest.strip() and _HEADING.search(head) and len(head) < 600:
        return rest.lstrip()
    return text


def answer(ans, *, show_figures: bool = True) -> None:
    """The answer line, the passages with citations, then the 'Cijfers' block."""
    from rich.panel import Panel
    from rich.table import Table

    from .answerline import format_line

    con = _console()
    if not ans.passages:
        con.print("[dim]Geen passages gevonden.[/dim]")
        return
    if ans.note:
        con.print(f"[bold yellow]{ans.note[0].upper() + ans.note[1:]}.[/bold yellow] [dim]Zwakke treffers:[/dim]")
        con.print()
    if ans.answer is not None:
        con.print(f"[bold green]{format_line(ans.answer)}[/bold green]")
        con.print()
    for i, p in enumerate(ans.passages, 1):
        weak = " [dim](zwak)[/dim]" if p.score < ans.weak_below else ""
        # The citation goes above the panel, whole: a panel title would cut it at the terminal width.
        con.print(f"[bold]{i}. {p.citation}[/bold]{weak}")
        con.print(Panel(highlight(shown_text(p.text), ans.query), subtitle=f"{where_label(p)} · {score_label(p.score)}",
                        subtitle_align="right"))
    if show_figures and ans.figures:
        table = Table(title="Cijfers", title_justify="left", show_lines=False)
        for col in FIGURE_COLUMNS:
            table.add_column(col, overflow="fold")
        for row in figure_rows(ans):
            table.add_row(*row)
        con.print(table)
        if any(f.date_source in ("answer-date", "document-date") for f in ans.figures):
            con.print("[dim]¹ geen peildatum in de tekst: datum van het document[/dim]")


def answer_markdown(ans) -> str:
    from .answerline import format_line

    lines = [f"# {ans.query}", ""]
    if ans.note:
        lines += [f"_{ans.note[0].upper() + ans.note[1:]}; zwakke treffers:_", ""]
    if ans.answer is not None:
        lines += [f"**{format_line(ans.answer)}**", ""]
    for i, p in enumerate(ans.passages, 1):
        lines += [f"## {i}. {p.citation}", "", f"_{where_label(p)} · {score_label(p.score)}_", "",
                  shown_text(p.text).replace("\n", "  \n"), ""]
    if ans.figures:
        lines += ["## Cijfers", "", "| " + " | ".join(FIGURE_COLUMNS) + " |", "|" + "---|" * len(FIGURE_COLUMNS)]
        for row in figure_rows(ans):
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines) + "\n"


def documents(docs: list[dict]) -> None:
    """The documents with their metadata: a table on a wide terminal, a block a document on a
    narrow one (eight columns cannot be read at 80 characters). Cells wrap on word boundaries."""
    from rich.table import Table

    from .search import document_row

    con = _console()
    rows = []
    for d in docs:
        r = document_row(d)
        nr = ", ".join(r["numbers"]) + (f" ({r['session']})" if r["session"] else "")
        # the second question of a report shares the file: its id tells them apart (pq show ID)
        name = r["doc"] if "~" not in (r["doc_id"] or "") else f"{r['doc']} [{r['doc_id']}]"
        rows.append((name, r["type"] or "?", nr, r["date"], ", ".join(r["askers"]), r["minister"], r["title"],
                     ", ".join(_FIELD_LABELS.get(m, m) for m in r["missing"])))
    if con.width >= 140:
        table = Table(show_lines=False)
        for col in ("doc", "type", "nr.", "datum", "vraagsteller", "minister", "titel", "ontbreekt"):
            # file names and dates are single words: let them fold; names and titles wrap on words
            table.add_column(col, overflow="fold" if col in ("doc", "datum") else "ellipsis")
        for row in rows:
            table.add_row(*row)
        con.print(table)
        return
    from rich.markup import escape
    from rich.padding import Padding

    for doc, typ, nr, date, askers, minister, title, missing in rows:
        head = " · ".join(x for x in (typ, f"nr. {nr}" if nr else "", date) if x)
        con.print(f"[bold]{escape(doc)}[/bold]  {escape(head)}")
        who = askers + (f" → {minister}" if minister else "")
        for line in (title, who, f"ontbreekt: {missing}" if missing else ""):
            if line:  # indented, also where it wraps
                con.print(Padding(escape(line), (0, 0, 0, 2)), style="dim" if line.startswith("ontbreekt") else None)


# the fields a document lacks, as `pq docs` names them (the JSON keeps the English keys)
_FIELD_LABELS = {"number": "nummer", "session": "zitting", "date": "datum", "answer_date": "antwoorddatum",
                 "askers": "vraagsteller", "asker": "vraagsteller", "minister": "minister", "title": "titel",
                 "parliament": "parlement", "type": "type"}

# the parts' sections as `pq show` names them (the JSON keeps the English keys)
_SECTION_LABELS = {"question": "vraag", "answer": "antwoord", "reply": "repliek", "repliek": "repliek",
                   "slotwoord": "slotwoord", "annex": "bijlage", "context": "context"}


def document(doc) -> None:
    con = _console()
    con.print(f"[bold]{doc.title or doc.file}[/bold]")
    con.print(doc.citation())
    for label, value in (("bestand", doc.file), ("type", doc.type), ("parlement", doc.parliament),
                         ("nummer", ", ".join(doc.numbers) or doc.number), ("zitting", doc.session), ("datum", doc.date),
                         ("antwoorddatum", doc.answer_date), ("vraagsteller", ", ".join(doc.askers) or doc.asker),
                         ("minister", doc.minister), ("functie", doc.minister_function), ("pagina's", str(doc.pages))):
        con.print(f"  {label:13s} {value or '—'}")
    for name, parts in (("VRAAG", doc.question), ("ANTWOORD", doc.answer), ("REPLIEK", doc.replies), ("BIJLAGE", doc.annex)):
        if not parts:
            continue
        con.print(f"\n[bold cyan]{name}[/bold cyan]")
        for part in parts:
            head = f"[bold]{part.label}.[/bold] " if part.label else ""
            if part.speaker and part.section != "answer":
                head += f"[italic]{_SECTION_LABELS.get(part.section, part.section)} — {part.speaker}[/italic] "
            con.print(f"{head}[dim](p. {part.page})[/dim]")
            for para in part.paragraphs:
                con.print("   " + para.text.replace("\n", "\n   "))


# Dutch labels for `pq stats` (the JSON keeps the English keys of the contract).
_STAT_LABELS = {"documents": "documenten", "chunks": "passages", "figures": "cijfers", "model": "model",
                "dim": "dimensie", "index": "index", "schema": "schema", "chroma": "chroma",
                "lexical_chunks": "bm25-passages", "updated": "bijgewerkt", "pending": "onafgewerkt",
                "stale": "verouderd", "chroma_behind": "chroma achter"}


def stats(s: dict) -> None:
    con = _console()
    for k, v in s.items():
        con.print(f"{_STAT_LABELS.get(k, k.replace('_', ' ')):15s} {v}")


def ingest_report(report) -> None:
    from rich.table import Table

    table = Table(title="pq ingest", title_justify="left")
    table.add_column("status")
    table.add_column("bestanden", justify="right")
    table.add_row("ingelezen", str(len(report.ingested)))
    table.add_row("ongewijzigd", str(len(report.unchanged)))
    if getattr(report, "upgraded", None):
        table.add_row("opnieuw gelezen", str(len(report.upgraded)))
    if report.removed:
        table.add_row("verwijderd", str(len(report.removed)))
    table.add_row("mislukt", str(len(report.failed)), style="red" if report.failed else None)
    table.add_row("passages toegevoegd", str(report.chunks))
    _console(stderr=True).print(table)
    for path, reason in report.failed:
        err(f"  mislukt: {path}: {reason}")


_STATUS = {"latest": "[bold green]nieuwste[/]", "confirmed": "[green]bevestigd[/]", "superseded": "[dim]vervangen[/]",
           "conflict": "[bold red]conflict[/]", "undated": "[yellow]zonder peildatum[/]"}
_KIND_NL = {"target": "doel", "forecast": "raming"}
_DATE_MARK = {"document-date": "¹", "inferred": "¹", "relative": "²", "table": "", "context": "", "explicit": ""}


def _status_cell(e) -> str:
    """Status, what replaced a superseded figure and where, and the kind when it is not a measurement."""
    s = _STATUS.get(e.status, e.status)
    r = getattr(e, "replaced_by", None)
    if r:
        src = f"nr. {r['number']}" if r.get("number") else r.get("doc", "")
        s += f"\n[dim]door {r['value']} {r['unit']} ({r['date']}, {src})[/]"
    kind = _KIND_NL.get(getattr(e, "kind", "measurement"))
    if kind:
        s += f"\n[italic]{kind}[/]"
    return s
_STATUS_WORD = {"latest": "nieuwste", "superseded": "vervangen", "conflict": "conflict", "confirmed": "bevestigd",
                "undated": "zonder peildatum"}


def figure_sentence(f, query: str = ""):
    """The sentence with the figure itself in bold."""
    from rich.text import Text

    t = Text(f.sentence)
    if 0 <= f.start < f.end <= len(f.sentence):
        t.stylize("bold magenta reverse", f.start, f.end)
    return t


def figure_table(entries, query: str = "") -> None:
    """One table per timeline, oldest reference date first: date, value, what + the sentence
    (figure highlighted), source, status (nieuwste / vervangen / conflict)."""
    from rich.table import Table
    from rich.text import Text

    con = _console()
    if not entries:
        if query:
            con.print(f"[yellow]Geen cijfers over '{query}' in de index:[/yellow] geen tijdreeks waarvan de "
                      "omschrijving een woord van de vraag bevat (probeer pq ask, of pq figures --all).")
        else:
            con.print("[dim]Geen cijfers gevonden.[/dim]")
        return
    groups: dict[int, list] = {}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    for members in groups.values():
        head = members[-1].figure
        table = Table(title=f"[bold]{head.quantity or head.unit}[/bold]", title_justify="left", show_lines=True,
                      expand=True)
        table.add_column("peildatum", no_wrap=True)
        table.add_column("waarde", justify="right", no_wrap=True)
        table.add_column("wat · zin", ratio=1)
        table.add_column("bron", max_width=16)
        table.add_column("status", max_width=18)
        for e in members:
            f = e.figure
            date = (f.date or "?") + _DATE_MARK.get(f.date_source, "")
            what = Text(f.quantity + (f" ({f.scope})" if f.scope else ""), style="bold")
            what.append("\n")
            what.append_text(figure_sentence(f, query))
            src = "\n".join(x for x in (f"nr. {f.number}" if f.number else f.doc, f.doc_date,
                                        title_case_name(f.minister), f"p. {f.page}") if x)
            table.add_row(date, f"{f.value} {f.unit}" if f.unit == "%" else f.value, what, src, _status_cell(e))
        con.print(table)
    if any(e.figure.date_source in ("document-date", "inferred") for e in entries):
        con.print("[dim]¹ geen peildatum in de tekst: het jaar (of de dag) van het document[/dim]")
    if any(e.figure.date_source == "relative" for e in entries):
        con.print("[dim]² relatieve datum ('vorig jaar', 'nu', ...) gelezen tegen de datum van het document[/dim]")
