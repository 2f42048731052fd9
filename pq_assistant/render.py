"""Output for people (rich) and for programs (JSON / Markdown). Rich is imported lazily."""
from __future__ import annotations

import json
import re
import sys
from typing import Any

from .textutil import fold

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


def answer(ans, *, show_figures: bool = True) -> None:
    """Passages with citations, then the 'Cijfers' block."""
    from rich.panel import Panel
    from rich.table import Table

    con = _console()
    if not ans.passages:
        con.print("[dim]Geen passages gevonden.[/dim]")
        return
    for i, p in enumerate(ans.passages, 1):
        where = f"{p.section}" + (f" {p.part}" if p.part else "")
        con.print(Panel(highlight(p.text, ans.query), title=f"[bold]{i}.[/bold] {p.citation}",
                        subtitle=f"{where} · score {p.score:.2f}", title_align="left", subtitle_align="right"))
    if show_figures and ans.figures:
        table = Table(title="Cijfers", title_justify="left", show_lines=False)
        for col in ("waarde", "eenheid", "wat", "peildatum", "bron"):
            table.add_column(col)
        for f in ans.figures:
            src = f"nr. {f.number} p. {f.page}" if f.number else f"{f.doc} p. {f.page}"
            date = f.date + (" (datum antwoord)" if f.date_source == "answer-date" else "")
            table.add_row(f.value, f.unit, f.quantity + (f" ({f.scope})" if f.scope else ""), date or "?", src)
        con.print(table)


def answer_markdown(ans) -> str:
    lines = [f"# {ans.query}", ""]
    for i, p in enumerate(ans.passages, 1):
        lines += [f"## {i}. {p.citation}", "", p.text.replace("\n", "  \n"), ""]
    if ans.figures:
        lines += ["## Cijfers", "", "| waarde | eenheid | wat | peildatum | bron |", "|---|---|---|---|---|"]
        for f in ans.figures:
            lines.append(f"| {f.value} | {f.unit} | {f.quantity} | {f.date} | nr. {f.number or '-'} p. {f.page} |")
    return "\n".join(lines) + "\n"


def documents(docs: list[dict]) -> None:
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("doc", "nr.", "datum", "vraagsteller", "minister", "titel", "p.", "chunks"):
        table.add_column(col, overflow="fold")
    for d in docs:
        table.add_row(d["file"], d.get("number") or "", d.get("date") or "", d.get("asker") or "",
                      d.get("minister") or "", d.get("title") or "", str(d.get("pages", "")), str(d.get("chunks", "")))
    _console().print(table)


def document(doc) -> None:
    con = _console()
    con.print(f"[bold]{doc.title or doc.file}[/bold]")
    con.print(doc.citation())
    for label, value in (("bestand", doc.file), ("nummer", doc.number), ("datum", doc.date), ("vraagsteller", doc.asker),
                         ("minister", doc.minister), ("functie", doc.minister_function), ("pagina's", str(doc.pages))):
        con.print(f"  {label:13s} {value or '—'}")
    for name, parts in (("VRAAG", doc.question), ("ANTWOORD", doc.answer), ("BIJLAGE", doc.annex)):
        if not parts:
            continue
        con.print(f"\n[bold cyan]{name}[/bold cyan]")
        for part in parts:
            head = f"[bold]{part.label}.[/bold] " if part.label else ""
            con.print(f"{head}[dim](p. {part.page})[/dim]")
            for para in part.paragraphs:
                con.print("   " + para.text.replace("\n", "\n   "))


def stats(s: dict) -> None:
    con = _console()
    for k, v in s.items():
        con.print(f"{k:15s} {v}")


def ingest_report(report) -> None:
    from rich.table import Table

    table = Table(title="pq ingest", title_justify="left")
    table.add_column("status")
    table.add_column("files", justify="right")
    table.add_row("ingested", str(len(report.ingested)))
    table.add_row("unchanged", str(len(report.unchanged)))
    if report.removed:
        table.add_row("removed", str(len(report.removed)))
    table.add_row("failed", str(len(report.failed)), style="red" if report.failed else None)
    table.add_row("chunks added", str(report.chunks))
    _console(stderr=True).print(table)
    for path, reason in report.failed:
        err(f"  failed: {path}: {reason}")
