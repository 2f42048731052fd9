"""PQ structure of every shape users bring: the document's type, its metadata read from the text
(never invented), its question and answer parts, and in transcripts the speaker turns.

One module per genre, detected by the genre's fixed formulae and layout:

- `written`     schriftelijke-vraag: the Flemish written question (header block and/or answer document)
- `transcript`  vraag-om-uitleg (committee) and actuele-vraag (plenary): "... heeft het woord."
- `kamervraag`  kamervraag: Tweede Kamer (openkamer page, Aanhangsel van de Handelingen)
- `federal`     federale-vraag: "Schriftelijke vraag nr. 7-123 ... d.d. ..."
- `press`       persbericht: a press release or news item that reports an answer
- anything else: overig (plain text, `is_pq` False)
"""
from __future__ import annotations

import re
from pathlib import Path

from ..models import LoadedDocument, PQDocument
from .common import (ANNEX_LINE, FOOTERS, NUMBERING, _label, _lines, _paragraphs, _repeated_furniture,
                     _split_numbered, doc_id_for, is_footer)
from .federal import is_federal, parse_federal
from .kamervraag import is_kamervraag, parse_kamervraag
from .names import person_name
from .press import dateline_date, is_press, parse_press
from .transcript import is_transcript, parse_transcript, report_blocks
from .written import parse_written

# Bumped when the parser — or the figures read from its documents — reads more from the same
# file: an index built by an older one is re-parsed at the next ingest (see Assistant.ingest),
# nothing else is lost, and a chunk whose text is the same keeps its vector. 4: the figures
# rules of 2026-12-01 (scales "mln.", places and scopes, targets, denominators, participles).
PARSER_VERSION = 4

__all__ = ["parse", "parse_all", "sibling_id", "detect_type", "doc_id_for", "is_footer", "PARSER_VERSION", "ANNEX_LINE", "FOOTERS",
           "NUMBERING", "_label", "_repeated_furniture", "_split_numbered", "_paragraphs", "_lines"]

_WRITTEN_FORMULA = re.compile(r"^\s*(?:ANTWOORD|SCHRIFTELIJKE\s+VRAAG)\s*$|^\s*op\s+vraag\s+nr\.?\s*\d+\s+van\b|"
                              r"^\s*(?:schriftelijke\s+)?vraag\s+nr\.?\s*\d+\s+van\s+\d", re.M | re.I)


def detect_type(text: str) -> str:
    """The genre of a document's text, by its fixed formulae (before any parsing)."""
    if is_kamervraag(text):
        return "kamervraag"
    if is_federal(text):
        return "federale-vraag"
    if is_transcript(text):
        return "transcript"
    if _WRITTEN_FORMULA.search(text):
        return "schriftelijke-vraag"
    # A press item has no numbered sub-questions; a headerless answer (seed 000) has them.
    numbered = re.findall(r"(?m)^\s*[1-9](?:\s*-\s*[1-9])?\s*[.)]\s*\S[^\n]*$", text)
    asks = len(numbered) >= 2 and "?" in text
    if is_press(text) and not asks:
        return "persbericht"
    return "schriftelijke-vraag?"  # the written parser decides (a headerless answer, or plain text)


def parse(loaded: LoadedDocument, doc_id: str | None = None) -> PQDocument:
    """Parse a loaded document into a `PQDocument` with its `type` (plain documents: `overig`,
    `is_pq=False`). A report of several questions gives its first (see `parse_all`)."""
    return parse_all(loaded, doc_id)[0]


def sibling_id(doc_id: str, k: int) -> str:
    """The id of the k-th question (from 1) of a file that holds several: 'verslag', 'verslag~2'."""
    return doc_id if k == 1 else f"{doc_id}~{k}"


def parse_all(loaded: LoadedDocument, doc_id: str | None = None) -> list[PQDocument]:
    """Every question a loaded document holds, each a `PQDocument`: one, except for a committee or
    plenary report (verslag) of several questions, where each gets its own document (its asker,
    minister, number, title, turns) with the meeting's date; ids `sibling_id(doc_id, k)`."""
    lines = _lines(loaded)
    text = "\n".join(loaded.pages)
    base = doc_id or doc_id_for(loaded.path)
    kind = detect_type(text)
    if kind == "transcript":
        blocks = report_blocks(lines)
        if len(blocks) > 1:
            return [_parse_lines(loaded, block, sibling_id(base, k), "\n".join(line.text for line in block), kind)
                    for k, block in enumerate(blocks, 1)]
    return [_parse_lines(loaded, lines, base, text, kind)]


def _parse_lines(loaded: LoadedDocument, lines: list, doc_id: str, text: str, kind: str) -> PQDocument:
    """One document from `lines` (the whole file, or one question of a report), of genre `kind`."""
    doc = PQDocument(
        doc_id=doc_id, file=Path(loaded.path).name, path=str(loaded.path),
        sha256=loaded.sha256, pages=len(loaded.pages),
    )
    if kind == "kamervraag":
        parse_kamervraag(lines, doc, loaded.pages)
    elif kind == "federale-vraag":
        parse_federal(lines, doc)
    elif kind == "transcript":
        parse_transcript(lines, doc, text)
    elif kind == "persbericht":
        parse_press(lines, doc, text)
    else:
        parse_written(lines, doc)
        if kind == "schriftelijke-vraag?":
            # no formula of the genre: only the layout of a headerless answer counts (a title
            # "Onderwerp  -  Subonderwerp" with numbered sub-questions or answer parts)
            doc.is_pq = bool(doc.number or (doc.title and (doc.subquestions or any(p.numbers for p in doc.answer))))
        if doc.is_pq:
            doc.parliament = "Vlaams Parlement"
            if not doc.session and doc.number:
                doc.session = _printed_session(text, doc.number)
        if not doc.is_pq:
            doc.type = "overig"
            # a news page or note with a dateline at its top is dated by it (recency, filters)
            doc.date = doc.date or dateline_date([line.text.strip() for line in lines if line.text.strip()])
    return _finish(doc)


def _printed_session(text: str, number: str) -> str:
    """The session where a written question prints it with its number: a running head
    'Schriftelijke vraag 41 (2025-2026)' or 'nr. 41 (2025-2026)'."""
    m = re.search(rf"(?:vraag|nr\.?)\s*(?:nr\.?\s*)?{re.escape(number)}\s*\(\s*((?:19|20)\d{{2}})\s*[-–]\s*((?:19|20)\d{{2}})\s*\)",
                  text, re.I)
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        return f"{m.group(1)}-{m.group(2)}"
    return ""


def _finish(doc: PQDocument) -> PQDocument:
    """Names as a person writes them, the derived `asker`, the numbers list, `is_pq`."""
    if not doc.askers and doc.asker:
        doc.askers = [doc.asker]
    doc.askers = [person_name(a) for a in doc.askers if a and a.strip()]
    doc.asker = ", ".join(doc.askers)
    doc.minister = person_name(doc.minister)
    if doc.number and not doc.numbers:
        doc.numbers = [doc.number]
    for part in doc.question + doc.answer + doc.replies:
        part.speaker = person_name(part.speaker)
        part.asker = person_name(part.asker)
    if doc.type != "overig":
        doc.is_pq = doc.is_pq or bool(doc.number or doc.askers or doc.minister or doc.answer)
    if doc.type == "persbericht":
        doc.is_pq = True
    return doc
