"""The Flemish written question ("schriftelijke vraag"): the question document with its header
block, the answer document of the seeds, or both in one file.

    SCHRIFTELIJKE VRAAG / nr. 312 / van ELINE MAERTENS / datum: 14 januari 2026 /
    aan JEROEN CASTELEYN / VLAAMS MINISTER VAN ...           (header block of the question)
    <Onderwerp>  -  <Subonderwerp>          (title line; sometimes after a "Vraag nr." header)
    context paragraphs
    1. sub-question ...  2. ...
    <MINISTER NAME> / <VLAAMS MINISTER VAN ...> / ANTWOORD / op vraag nr. N van <date> / van <MP>
    1. answer ...  1-2. ...  3 en 4. ...
    BIJLAGE
    table rows

Without an answer header (seed 000) the answer starts where the numbering starts again at 1.
Fields that the document does not state stay empty: nothing is invented.
"""
from __future__ import annotations

import re

from ..models import Paragraph, Part, PQDocument
from ..textutil import dehyphenate, dutch_date_to_iso, squash_ws
from .common import (ANNEX_LINE, ANSWER_REF, ANSWER_WORD, ASKER_LINE, FUNCTION_LINE, NUMBERING, QUESTION_REF,
                     TITLE_SPLIT, _ends_sentence, _label, _Line, _paragraphs, _split_numbered)
from .dates import written_date

BLOCK_TITLE = re.compile(r"^\s*SCHRIFTELIJKE\s+VRA(?:AG|GEN)\s*$", re.I)
BLOCK_NR = re.compile(r"^\s*nr\.?\s*(?P<nr>\d{1,5})(?:\s*\((?P<session>(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2})\))?\s*$", re.I)
BLOCK_FROM = re.compile(r"^\s*van\s+(?P<name>[A-ZÀ-Ý][\wÀ-ÿ'’ .\-]+?)\s*$")
BLOCK_DATE = re.compile(r"^\s*datum\s*:?\s*(?P<date>.+?)\s*$", re.I)
BLOCK_TO = re.compile(r"^\s*aan\s+(?P<name>[A-ZÀ-Ý][\wÀ-ÿ'’ .\-]+?)\s*$")


def _header_block(lines: list[_Line], doc: PQDocument) -> set[int]:
    """The question's header block near the top; returns the indexes of its lines."""
    used: set[int] = set()
    start = next((i for i, line in enumerate(lines[:6]) if BLOCK_TITLE.match(line.text)), None)
    if start is None:
        return used
    used.add(start)
    i = start + 1
    while i < min(len(lines), start + 10):
        text = lines[i].text.strip()
        if m := BLOCK_NR.match(text):
            doc.number = m.group("nr")
            if m.group("session"):
                doc.session = re.sub(r"\s*[-–]\s*", "-", m.group("session"))
        elif m := BLOCK_DATE.match(text):
            doc.date = written_date(m.group("date"))[0] or doc.date
        elif (m := BLOCK_FROM.match(text)) and not doc.asker:
            doc.asker = squash_ws(m.group("name"))
        elif m := BLOCK_TO.match(text):
            doc.minister = squash_ws(m.group("name"))
            used.add(i)
            # the function may follow on the next line(s) in capitals
            while i + 1 < len(lines) and FUNCTION_LINE.match(lines[i + 1].text):
                i += 1
                used.add(i)
                doc.minister_function = squash_ws((doc.minister_function + " " + lines[i].text))
        elif FUNCTION_LINE.match(text) and doc.minister:
            doc.minister_function = squash_ws(doc.minister_function + " " + text)
        else:
            break
        used.add(i)
        i += 1
    doc.header = " ".join(squash_ws(lines[j].text) for j in sorted(used))
    return used


def _title(lines: list[_Line], skip: set[int] = frozenset()) -> tuple[int, str, int]:
    """Index, text and line count of the title "Onderwerp  -  Subonderwerp" near the top."""
    for i, line in enumerate(lines[:8 + len(skip)]):
        text = line.text.strip()
        if i in skip or QUESTION_REF.match(text) or ASKER_LINE.match(text):
            continue
        if re.search(r"\S\s{2,}[-–]\s{2,}\S", line.text) or (TITLE_SPLIT.search(text) and len(text) < 140 and not _ends_sentence(text)):
            # a title that wraps: the next line follows without a blank line and starts in lower case
            if i + 1 < len(lines) and not lines[i + 1].blank_before and lines[i + 1].text.strip()[:1].islower() \
                    and len(text) > 60:
                return i, squash_ws(text + " " + lines[i + 1].text), 2
            return i, squash_ws(text), 1
    return -1, "", 0


def _is_caps(text: str) -> bool:
    """A line in capitals (minister name or function in the answer header)."""
    t = text.strip()
    return bool(t) and t.upper() == t and bool(re.search(r"[A-ZÀ-Ý]{2}", t)) and not ANSWER_WORD.match(t)


def parse_written(lines: list[_Line], doc: PQDocument) -> None:
    """Fill `doc` from a written question / answer document (`doc.is_pq` False when no structure)."""
    doc.type = "schriftelijke-vraag"
    header_lines = _header_block(lines, doc)
    block_header = doc.header
    # Header in the title area: "Vraag nr. 247 van 8 januari 2018" / "van TIJS DESMEDT".
    for i, line in enumerate(lines[:6]):
        if header_lines:
            break
        m = QUESTION_REF.match(line.text)
        if m:
            doc.number = m.group("nr")
            doc.date = dutch_date_to_iso(m.group("day"), m.group("month"), m.group("year")) or ""
            doc.header = squash_ws(line.text)
            header_lines.add(i)
            if i + 1 < len(lines) and (a := ASKER_LINE.match(lines[i + 1].text)):
                doc.asker = squash_ws(a.group("name"))
                doc.header += " " + squash_ws(lines[i + 1].text)
                header_lines.add(i + 1)
            break
    t_idx, doc.title, t_len = _title(lines, header_lines)
    if doc.title:
        bits = TITLE_SPLIT.split(doc.title, maxsplit=1)
        doc.subject, doc.subtopic = bits[0].strip(), (bits[1].strip() if len(bits) > 1 else "")
    body_start = t_idx + t_len if t_idx >= 0 else 0
    # Lines above the title that are not the header stay text of the question (nothing is dropped).
    above_title = [line for i, line in enumerate(lines[:max(t_idx, 0)]) if i not in header_lines]
    # Skip a title-area header that sits below the title.
    while body_start < len(lines) and body_start in header_lines:
        body_start += 1

    # The answer header: find "ANTWOORD", the minister block above it, the reference below.
    ans_idx = next((i for i in range(body_start, len(lines)) if ANSWER_WORD.match(lines[i].text)), None)
    q_end = ans_start = None
    if ans_idx is not None:
        # Walk up over the block in capitals: "<NAME>" then "VLAAMS MINISTER VAN ..." (may wrap).
        j = ans_idx
        while j - 1 >= body_start and ans_idx - (j - 1) <= 5 and _is_caps(lines[j - 1].text):
            j -= 1
        block = [squash_ws(x.text) for x in lines[j:ans_idx]]
        if block and not FUNCTION_LINE.match(block[0]):
            doc.minister = block[0]  # the answer header names who answered (may differ from "aan")
            block = block[1:]
        doc.minister_function = " ".join(block)
        q_end = j
        k = ans_idx + 1
        if k < len(lines) and (m := ANSWER_REF.match(lines[k].text)):
            doc.number = doc.number or m.group("nr")
            doc.date = dutch_date_to_iso(m.group("day"), m.group("month"), m.group("year")) or doc.date
            k += 1
            if k < len(lines) and (a := ASKER_LINE.match(lines[k].text)):
                doc.asker = squash_ws(a.group("name"))
                k += 1
        ans_start = k
        doc.header = " ".join(squash_ws(x.text) for x in lines[q_end:ans_start])
        if block_header:
            doc.header = block_header + " " + doc.header

    annex_idx = next((i for i in range(ans_start or body_start, len(lines)) if ANNEX_LINE.match(lines[i].text)), None)
    q_lines = above_title + lines[body_start:q_end if q_end is not None else (annex_idx if annex_idx is not None else len(lines))]
    a_lines = lines[ans_start:annex_idx] if ans_start is not None else []
    x_lines = lines[annex_idx + 1:] if annex_idx is not None else []

    q_paras = _paragraphs(q_lines)
    a_paras = _paragraphs(a_lines)
    if ans_start is None:
        # No answer header (seed 000): "4. ... ?" then " 1-2.Huizen van het Kind zijn ...".
        q_paras, a_paras = _split_headerless(q_paras)
    q_parts = _split_numbered(q_paras, "question")
    max_q = max((n for p in q_parts for n in p.numbers), default=0)
    a_parts = _split_numbered(a_paras, "answer", max_number=max_q)
    doc.question = q_parts
    doc.answer = a_parts
    if x_lines:
        # The annex is a table as pypdf lays it out (one row a line): keep it whole, rows intact,
        # joining only a caption line that wraps onto the next ("... per\nprovincie, op ...").
        rows: list[str] = []
        for line in x_lines:
            text = squash_ws(line.text)
            if rows and len(rows[-1]) > 75 and text[:1].islower():
                rows[-1] = dehyphenate(rows[-1] + "\n" + text).replace("\n", " ")
            else:
                rows.append(text)
        doc.annex = [Part(section="annex", label="", numbers=[], paragraphs=[Paragraph("\n".join(rows), x_lines[0].page)])]
    elif annex_idx is not None:
        doc.annex = [Part(section="annex", label="", numbers=[], paragraphs=[Paragraph("BIJLAGE", lines[annex_idx].page)])]
    doc.is_pq = bool(doc.title or doc.number or doc.answer or doc.subquestions)


def _split_headerless(paras: list[Paragraph]) -> tuple[list[Paragraph], list[Paragraph]]:
    """Without an answer header, the answer starts where the numbering starts again at 1."""
    last = 0
    for i, para in enumerate(paras):
        m = NUMBERING.match(para.text)
        if not m:
            continue
        _, nums = _label(m.group("label"))
        if nums and last and nums[0] == 1:
            return paras[:i], paras[i:]
        if nums and nums[0] > last:
            last = nums[-1]
    return paras, []
