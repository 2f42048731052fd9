"""Layout helpers every genre shares: lines without page furniture (footers, repeated running
heads), paragraphs with hard wraps and hyphenation undone, numbered parts ("1.", "1-2.", "3 en 4.").

Input is a `LoadedDocument` (page texts as pypdf or a .txt export gives them)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..models import LoadedDocument, Paragraph, Part, PQDocument
from ..textutil import MONTH_DATE_RE, dehyphenate, dutch_date_to_iso, squash_ws

# "1." "1-2." "1 en 2." "3, 4 en 5." "2 & 3." at a line start; the number is small and is not
# followed by a digit (so "1.200 euro" and "2013." are not numbering).
_NUM = r"(?:[1-9]|[1-4]\d)"
NUMBERING = re.compile(
    rf"^\s*(?P<label>{_NUM}(?:\s*(?:-|–|,|en|&|tot)\s*{_NUM})*)\s*[.)](?!\d)\s*(?=\S|$)"
)
_DATE = rf"(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_DATE_RE})\s+(?P<year>\d{{4}})"

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


# A table row as a text export or pypdf gives it: a label, then two or more numeric cells ("Antwerpen
# 81 80 79 78", "Provincie 2022 2023 2024", "Budget (euro) 12.100.000 13.400.000", "Limburg 21 %
# 38 %"), nothing after them. A line of prose seldom ends in two numbers, and never two in a row.
_TABLE_ROW = re.compile(r"^\s*[A-Za-zÀ-ÿ(][^\n]*?(?:\s+(?:€\s?)?(?:\d[\d.]*(?:,\d+)?|-|–)\s?%?\*?){2,}\s*$")
# (a cell is a number, a decimal comma followed by digits: "Normalenvektor, 87, 89" of a book's index is no row)


def is_table_row(text: str) -> bool:
    """A line that is a row of a table (see _TABLE_ROW); one that ends a sentence is none ("In
    2022 waren er 81 en in 2023 80.": the regex's cell takes the full stop as a separator)."""
    return bool(_TABLE_ROW.match(text)) and not text.rstrip().endswith((".", ";", ":", "?", "!"))


def _table_lines(lines: list[_Line]) -> set[int]:
    """The indices of lines that belong to a table: two or more table rows in a row (a table cut
    by a page break stays one), and the header right above them when it is no sentence ("Provincie
    Aantal Huizen van het Kind Subsidie (euro)"). They stay lines: a table read as one run-on
    sentence dates every cell alike."""
    rows = [is_table_row(line.text.strip()) for line in lines]
    for n in range(1, len(lines) - 1):
        # a row label wrapped over two lines ("Brussels Hoofdstedelijk" / "Gewest 8 8 8 7"): part of the table
        text = lines[n].text.strip()
        if not rows[n] and rows[n - 1] and rows[n + 1] and len(text) < 40 and not re.search(r"\d", text) \
                and not _ends_sentence(text) and not lines[n].blank_before:
            rows[n] = True
    out: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and rows[j]:  # (also across a page break: the footer is gone already)
            j += 1
        if j - i >= 2:
            out.update(range(i, j))
            head = lines[i - 1].text.strip() if i > 0 else ""
            if i > 0 and i - 1 not in out and head and not _ends_sentence(head) and not lines[i].blank_before \
                    and len(head) <= 120 and not NUMBERING.match(head):
                out.add(i - 1)
        i = max(j, i + 1)
    return out


def _paragraphs(lines: list[_Line], solo=None) -> list[Paragraph]:
    """Group lines into paragraphs.

    A paragraph ends at a blank line (unless a page break cut a sentence: the next page then
    starts in lower case), before a numbered item, before a "- " bullet, and, in text without
    blank lines (pypdf output), after a short line that ends a sentence. A line for which
    `solo(text)` is true (a speaker line, "X heeft het woord.") is a paragraph of its own.
    """
    if not lines:
        return []
    width = max(len(line.text.strip()) for line in lines)
    table = _table_lines(lines)
    table_set = {id(lines[n]) for n in table}
    paras: list[list[_Line]] = []
    prev: _Line | None = None
    prev_solo = False
    for n, line in enumerate(lines):
        stripped = line.text.strip()
        new = prev is None
        is_solo = bool(solo and solo(stripped))
        if is_solo or prev_solo:
            new = True
        elif (n in table) != (n - 1 in table):  # a table is a paragraph of its own
            new = True
        elif n in table:
            new = False  # one table, one paragraph (also over a page break)
        elif prev is not None:
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
        prev_solo = is_solo
    out = []
    for group in paras:
        if len(group) > 1 and all(line in table_set for line in map(id, group)):
            text = "\n".join(squash_ws(line.text.strip()) for line in group)  # one row a line
        else:
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


def doc_id_for(path: str | Path) -> str:
    """Stable document id: the file stem, lower-cased, safe for chunk ids."""
    stem = Path(path).stem.lower()
    return re.sub(r"[^a-z0-9_.-]+", "-", stem).strip("-") or "doc"


