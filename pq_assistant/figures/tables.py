"""Tables (BIJLAGE) as pypdf extracts them: one row a line, a cell a number."""
from __future__ import annotations

import re

from ..models import Figure
from .lexicon import _ABBREVIATIONS, _ENTITY_RE, _NUM, _PLACES, _SCALES, _YEAR, _expand_abbreviations, _find_dates, _lazy, _overlaps, _to_number
from .naming import _head
from .state import _State


_EMPTY_CELL = _lazy(r"[-–/]|n\.?v\.?t\.?", re.I)


def _row_cells(line: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    """'Antwerpen 21 38 70 54 %' -> ('Antwerpen', [(10, 12, '21'), ...]).

    Cells are the numbers (with a '%' or '€' attached or apart) and empty markers ('-', 'n.v.t.')
    at the end of the line. None for a line without such cells or without a label, for a line
    whose last number is part of a date (a caption "... op 1 januari 2021") and for a header
    of years ("Provincie 2019 2020 2021")."""
    dates = [(d.start, d.end) for d in _find_dates(line, "") if d.role != "mask" or d.iso == ""]
    toks = list(re.finditer(r"\S+", line))
    cells: list[tuple[int, int, str]] = []
    i = len(toks) - 1
    while i >= 0:
        t = toks[i]
        s = t.group()
        if s == "%" and i > 0 and re.fullmatch(_NUM, toks[i - 1].group()):
            cells.append((toks[i - 1].start(), t.end(), line[toks[i - 1].start():t.end()]))
            i -= 2
            continue
        if re.fullmatch(rf"(?:€)?(?:{_NUM})%?", s) or _EMPTY_CELL.fullmatch(s):
            if _overlaps(t.start(), t.end(), dates) and not re.fullmatch(_YEAR, s):
                break
            start = t.start()
            if i > 0 and toks[i - 1].group() == "€":
                start = toks[i - 1].start()
                i -= 1
            cells.append((start, t.end(), line[start:t.end()]))
            i -= 1
            continue
        break
    if not cells or i < 0:
        return None
    cells.reverse()
    label = line[:toks[i].end()].strip()
    values = [c[2] for c in cells if not _EMPTY_CELL.fullmatch(c[2])]
    if not values or not re.search(r"[A-Za-zÀ-ÿ]", label):
        return None
    if all(re.fullmatch(_YEAR, v) for v in values):
        # years only: a header of year columns, or a caption that ends in a year
        return None
    return label, cells


def _split_header(header: str, n_cells: int) -> list[str]:
    """Split a header row into the label column + n_cells column names ("" when it cannot).

    Columns start at a capitalised word or a year. When that gives too many columns, a known
    name or abbreviation, or a year, that follows a non-label column word is merged into it
    ("Erkende HvhK", "Aantal Huizen van het Kind", "Subsidie 2021 (euro)")."""
    protected = _ENTITY_RE.sub(lambda m: m.group().replace(" ", "\u2063"), header.strip())
    toks = protected.split()
    if not toks:
        return [""] * (n_cells + 1)
    starts = [i for i, t in enumerate(toks) if t[:1].isupper() or re.fullmatch(_YEAR, t) or t[:1] == "€"]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    i = len(starts) - 1
    while len(starts) > n_cells + 1 and i > 1:
        t = toks[starts[i]]
        if (t.lower() in _ABBREVIATIONS or "\u2063" in t or re.fullmatch(_YEAR, t)) and starts[i - 1] != 0:
            starts.pop(i)
        i -= 1
    if len(starts) != n_cells + 1:
        return [" ".join(toks[:starts[1]] if len(starts) > 1 else toks).replace("\u2063", " ")] + [""] * n_cells
    bounds = zip(starts, [*starts[1:], len(toks)], strict=True)
    return [" ".join(toks[a:b]).replace("\u2063", " ") for a, b in bounds]


def _annex_figures(text: str, state: _State, fallback: str, context: str) -> list[Figure]:
    """One figure per numeric cell of a BIJLAGE table (one row a line): the row label is the
    scope ("" for a total row), the column header says what is counted, the caption (or
    `context`) gives the date; a year in the column header dates that column."""
    out: list[Figure] = []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    caption: list[str] = [context] if context else []
    pending: list[str] = []
    header = ""
    in_rows = False
    for line in lines:
        if re.fullmatch(r"BIJLAGEN?(?:\s+\d+)?\s*:?", line, re.I):
            continue
        row = _row_cells(line)
        if row is None:
            if in_rows:  # text after a table: a new caption/table
                caption, pending, in_rows = ([context] if context else []), [], False
            pending.append(line)
            continue
        if not in_rows:
            header = pending[-1] if pending else ""
            caption = caption + pending[:-1]
            in_rows = True
        label, cells = row
        columns = _split_header(header, len(cells))[1:]
        cap_text = " ".join(caption)
        cap_dates = [d for d in _find_dates(cap_text, state.answer_date) if d.role == "ref" and d.iso]
        cap_date = cap_dates[-1].iso if cap_dates else ""
        entity = _ENTITY_RE.search(_expand_abbreviations(cap_text + " " + header))
        total = re.fullmatch(r"(?:totaal|total|som|vlaanderen\s+totaal|totaal\s+vlaanderen)", label, re.I) is not None
        scope = "" if total else _PLACES.get(label.lower(), label)
        for (s, _e, cell), col in zip(cells, columns, strict=True):
            if _EMPTY_CELL.fullmatch(cell):
                continue
            pct = cell.endswith("%")
            raw = cell.replace("€", "").rstrip("%").strip()
            number = _to_number(raw)
            col_x = _expand_abbreviations(col)
            money = bool(re.search(r"euro|€|\beur\b|subsidie|budget|bedrag|middelen", col + " " + cell, re.I))
            scale = re.search(r"(duizend|miljoen|miljard)", col, re.I)
            if scale and number is not None:
                number *= _SCALES[scale.group(1).lower()]
            col_year = re.search(_YEAR, col)
            col_words = re.sub(r"\(.*?\)|\b(?:19|20)\d\d\b", " ", col_x)
            col_words = " ".join(w for w in col_words.split() if w.lower() not in ("aantal", "totaal"))
            if pct:
                unit, kind = "%", "percent"
                quantity = col_words if col_words.lower().startswith("aandeel") else ("aandeel " + col_words).strip()
            elif money:
                unit, kind = ((scale.group(1).lower() + " euro") if scale else "euro"), "money"
                quantity = "budget " + (_head(entity.group()) if entity else col_words)
            else:
                kind = "count"
                phrase = col_words or (entity.group() if entity else "")
                unit, quantity = (_head(phrase) if phrase else ""), phrase
            if col_year and (money or not cap_date or re.fullmatch(_YEAR, col.strip())):
                date, src = col_year.group(), "explicit"
            elif cap_date:
                date, src = cap_date, "explicit"
            elif state.para_date or state.date:
                date, src = state.para_date or state.date, "explicit"
            elif fallback:
                date, src = fallback[:4], "document-date"
            else:
                date, src = "", "undated"
            if kind == "money" and date:
                date = date[:4]
            vstart = s + cell.find(raw[:1]) if raw else s
            out.append(Figure(value=raw, number_value=number, unit=unit, quantity=quantity.strip(), date=date,
                              date_source=src, sentence=line, scope=scope, start=vstart, end=vstart + len(raw)))
    return out

