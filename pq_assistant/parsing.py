"""PQ structure: title, number, date, asker, minister, sub-questions, answer parts, BIJLAGE.

Input is a `LoadedDocument` (page texts as pypdf or a .txt export gives them). The parser
undoes what PDF extraction does (hard wraps, hyphenated words, repeated footers, page breaks
inside paragraphs) and finds the structure of a written question:

    <Onderwerp>  -  <Subonderwerp>          (title line; sometimes after a "Vraag nr." header)
    context paragraphs
    1. sub-question ...  2. ...
    <MINISTER NAME> / <VLAAMS MINISTER VAN ...> / ANTWOORD / op vraag nr. N van <date> / van <MP>
    1. answer ...  1-2. ...  3 en 4. ...
    BIJLAGE
    table rows

Fields that the document does not state stay empty: nothing is invented.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .models import LoadedDocument, Paragraph, Part, PQDocument
from .textutil import MONTH_RE, dehyphenate, dutch_date_to_iso, squash_ws

# "1." "1-2." "1 en 2." "3, 4 en 5." "2 & 3." at a line start; the number is small and is not
# followed by a digit (so "1.200 euro" and "2013." are not numbering).
_NUM = r"(?:[1-9]|[1-4]\d)"
NUMBERING = re.compile(
    rf"^\s*(?P<label>{_NUM}(?:\s*(?:-|–|,|en|&|tot)\s*{_NUM})*)\s*[.)](?!\d)\s*(?=\S|$)"
)
_DATE = rf"(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_RE})\s+(?P<year>\d{{4}})"
ANSWER_REF = re.compile(rf"^\s*op\s+vraag\s+nr\.?\s*(?P<nr>\d+)\s+van\s+{_DATE}", re.I)
QUESTION_REF = re.compile(rf"^\s*(?:schriftelijke\s+)?vraag\s+nr\.?\s*(?P<nr>\d+)\s+van\s+{_DATE}", re.I)
ASKER_LINE = re.compile(r"^\s*van\s+(?P<name>[A-ZÀ-Ý][A-ZÀ-Ý' .\-]+?)\s*$")
ANSWER_WORD = re.compile(r"^\s*ANTWOORD\s*$")
FUNCTION_LINE = re.compile(r"^\s*(?:VLAAMS\s+)?(?:VICE-?\s*)?MINISTER(?:-PRESIDENT)?\b", re.I)
ANNEX_LINE = re.compile(r"^\s*(?:BIJLAGE|BIJLAGEN)(?:\s+\d+)?\s*:?\s*$")
TITLE_SPLIT = re.compile(r"\s+[-–]\s+")

# Page furniture that PDF extraction leaves in the text.
FOOTERS = [
    re.compile(r"^\s*-\s*\d{1,4}\s*-\s*$"),  # "- 2 -"
    re.compile(r"^\s*\d{1,4}\s*$"),  # a lone page number
    re.compile(r"^\s*(?:pagina|blz\.?|p\.)\s*\d+(?:\s*(?:van|/)\s*\d+)?\s*$", re.I),
    re.compile(r"^.*schriftelijke\s+vra(?:ag|gen).*(?:pagina|blz\.?|p\.)\s*\d+(?:\s*(?:van|/)\s*\d+)?\s*$", re.I),
    re.compile(r"^\s*vlaams\s+parlement\b.{0,120}?\s\d{1,4}\s*$", re.I),
]


def is_footer(line: str) -> bool:
    return any(p.match(line) for p in FOOTERS)


@dataclass
class _Line:
    text: str
    page: int
    blank_before: bool


def _repeated_furniture(pages: list[list[str]]) -> set[str]:
    """Short lines that recur at the top or bottom of several pages (digits masked)."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        body = [line for line in lines if line.strip()]
        edge = {re.sub(r"\d+", "#", squash_ws(line)) for line in body[:2] + body[-2:]}
        seen.update(k for k in edge if 0 < len(k) <= 100)
    return {k for k, n in seen.items() if n >= max(3, len(pages) // 2 + 1)}


def _lines(doc: LoadedDocument) -> list[_Line]:
    """All lines with their page, footers dropped, blank lines folded into `blank_before`."""
    pages = [p.replace("\r\n", "\n").replace("\r", "\n").split("\n") for p in doc.pages]
    furniture = _repeated_furniture(pages)
    out: list[_Line] = []
    for pno, lines in enumerate(pages, 1):
        blank = True  # a page starts a new block unless the paragraph continues (see below)
        for raw in lines:
            line = raw.replace("\f", "").rstrip()
            if not line.strip():
                blank = True
                continue
            if is_footer(line) or re.sub(r"\d+", "#", squash_ws(line)) in furniture:
                continue
            out.append(_Line(line, pno, blank))
            blank = False
    return out


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.?!:;]\s*[\"'”’)]?\s*$", text))


def _paragraphs(lines: list[_Line]) -> list[Paragraph]:
    """Group lines into paragraphs.

    A paragraph ends at a blank line (unless a page break cut a sentence: the next page then
    starts in lower case), before a numbered item, before a "- " bullet, and, in text without
    blank lines (pypdf output), after a short line that ends a sentence.
    """
    if not lines:
        return []
    width = max(len(line.text.strip()) for line in lines)
    paras: list[list[_Line]] = []
    prev: _Line | None = None
    for line in lines:
        stripped = line.text.strip()
        new = prev is None
        if prev is not None:
            page_cut = line.page != prev.page and not _ends_sentence(prev.text) and stripped[:1].islower()
            if line.blank_before and not page_cut:
                new = True
            elif NUMBERING.match(stripped) or stripped.startswith(("- ", "• ", "* ")):
                new = True
            elif _ends_sentence(prev.text) and len(prev.text.strip()) < 0.7 * width and line.page == prev.page:
                new = True
        if new:
            paras.append([line])
        else:
            paras[-1].append(line)
        prev = line
    out = []
    for group in paras:
        text = squash_ws(dehyphenate("\n".join(line.text.strip() for line in group)))
        out.append(Paragraph(text=text, page=group[0].page, gap=group[0].blank_before))
    return out


def _label(raw: str) -> tuple[str, list[int]]:
    """'1 en 2' -> ('1-2', [1, 2]); '3-5' -> ('3-5', [3, 4, 5]); '2, 4' -> ('2,4', [2, 4])."""
    nums: list[int] = []
    for m in re.finditer(r"(\d+)(?:\s*(?:-|–|tot)\s*(\d+))?", raw):
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        nums.extend(range(a, b + 1) if 0 <= b - a < 20 else [a, b])
    nums = sorted(set(nums))
    if len(nums) > 1 and nums == list(range(nums[0], nums[-1] + 1)):
        return f"{nums[0]}-{nums[-1]}", nums
    return ",".join(map(str, nums)), nums


def _split_numbered(paras: list[Paragraph], section: str, max_number: int = 0) -> list[Part]:
    """Cut paragraphs into parts at numbered items that go up (1, 2, 3-4, ...).

    A numbered item that does not continue the sequence (an inner list "1. 2." inside part 3)
    stays inside the current part, so answer parts keep mapping to the right sub-questions.
    """
    parts: list[Part] = []
    current = Part(section=section, label="", numbers=[], paragraphs=[])
    last = 0
    inner = 0  # last number of a list that restarted at 1 inside the current part
    for para in paras:
        m = NUMBERING.match(para.text)
        if m:
            label, nums = _label(m.group("label"))
            fits = bool(nums) and nums[0] > last and (not max_number or nums[-1] <= max_number)
            continues_inner = bool(inner) and nums[:1] == [inner + 1] and not para.gap
            if fits and not continues_inner:
                if current.paragraphs:
                    parts.append(current)
                body = para.text[m.end():].strip()
                current = Part(section=section, label=label, numbers=nums,
                               paragraphs=[Paragraph(body, para.page, para.gap)] if body else [])
                last, inner = nums[-1], 0
                continue
            if nums[:1] == [1] or continues_inner:
                inner = nums[-1]
        current.paragraphs.append(para)
    if current.paragraphs or current.numbers:
        parts.append(current)
    return parts


def _title(lines: list[_Line]) -> tuple[int, str]:
    """Index and text of the title line "Onderwerp  -  Subonderwerp" near the top."""
    for i, line in enumerate(lines[:8]):
        text = line.text.strip()
        if QUESTION_REF.match(text) or ASKER_LINE.match(text):
            continue
        if re.search(r"\S\s{2,}[-–]\s{2,}\S", line.text) or (TITLE_SPLIT.search(text) and len(text) < 140 and not _ends_sentence(text)):
            return i, squash_ws(text)
    return -1, ""


def _is_caps(text: str) -> bool:
    """A line in capitals (minister name or function in the answer header)."""
    t = text.strip()
    return bool(t) and t.upper() == t and bool(re.search(r"[A-ZÀ-Ý]{2}", t)) and not ANSWER_WORD.match(t)


def doc_id_for(path: str | Path) -> str:
    """Stable document id: the file stem, lower-cased, safe for chunk ids."""
    stem = Path(path).stem.lower()
    return re.sub(r"[^a-z0-9_.-]+", "-", stem).strip("-") or "doc"


def parse(loaded: LoadedDocument, doc_id: str | None = None) -> PQDocument:
    """Parse a loaded document into a `PQDocument` (plain documents get `is_pq=False`)."""
    lines = _lines(loaded)
    doc = PQDocument(
        doc_id=doc_id or doc_id_for(loaded.path), file=Path(loaded.path).name, path=str(loaded.path),
        sha256=loaded.sha256, pages=len(loaded.pages),
    )
    # Header in the title area: "Vraag nr. 247 van 8 januari 2018" / "van TIJS DESMEDT".
    header_lines: set[int] = set()
    for i, line in enumerate(lines[:6]):
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
    t_idx, doc.title = _title(lines)
    if doc.title:
        bits = TITLE_SPLIT.split(doc.title, maxsplit=1)
        doc.subject, doc.subtopic = bits[0].strip(), (bits[1].strip() if len(bits) > 1 else "")
    body_start = t_idx + 1 if t_idx >= 0 else 0
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
            doc.minister = block[0]
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
    return doc


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
