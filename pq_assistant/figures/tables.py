"""Tables (BIJLAGE) as pypdf extracts them: one row a line, a cell a number."""
from __future__ import annotations

import re

from ..models import Figure
from ..textutil import DUTCH_MONTHS, MONTH_RE
from .lexicon import _ABBREVIATIONS, _ENTITY_RE, _NUM, _PLACES, _SCALES, _YEAR, _expand_abbreviations, _find_dates, _lazy, _overlaps, _to_number, scale_word
from .phrases import _head, _is_adjective, _noun_phrase, with_compound
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
        if re.fullmatch(rf"(?:€)?(?:{_NUM})%?\*?", s) or _EMPTY_CELL.fullmatch(s):  # ("636*": a note mark)
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
    if len(toks) == n_cells and all(re.fullmatch(_YEAR, t) for t in toks):
        return [""] + toks  # "2021 2022 2023" over rows that each name their own quantity
    starts = [i for i, t in enumerate(toks) if t[:1].isupper() or re.fullmatch(_YEAR, t) or t[:1] == "€"
              or t in ("%", "(%)")]  # ("Provincie Aantal %": a share column)
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


_YEAR_HEADER_RE = _lazy(r"^(?:jaar|jaartal|jaren|schooljaar|werkjaar|periode|kalenderjaar|begrotingsjaar)\b", re.I)
_YEAR_LABEL_RE = _lazy(rf"^({_YEAR})(?:\s*[-–/]\s*({_YEAR}|\d\d))?$")
_CAPTION_CUT_RE = _lazy(r",|\s(?:per|op|in|telkens|sinds|tussen|volgens|naar|van\s+\d|tot|voor\s+de\s+jaren)\s|\(", re.I)
_DAY_MONTH_RE = _lazy(rf"(?<!\d)(\d{{1,2}})\s+({MONTH_RE})(?!\s+\d)", re.I)


def _caption_quantity(caption: str) -> str:
    """What a table counts, from its caption: 'Aantal consultatiebureaus per provincie, op 31
    december' -> 'consultatiebureaus'; 'Budget voor de Huizen van het Kind (euro)' -> 'Budget voor
    de Huizen van het Kind'."""
    text = re.sub(r"^\s*(?:tabel|figuur|bijlage)\s*\d*\s*[:.-]?\s*", "", caption.strip(), flags=re.I)
    m = _CAPTION_CUT_RE.search(text)
    text = text[:m.start()] if m else text
    text = re.sub(r"^\s*(?:het\s+)?(?:aantal|totaal|overzicht(?:\s+van)?)\s+(?:de\s+|het\s+)?", "", text, flags=re.I)
    return text.strip(" :.")


def _caption_day(caption: str) -> tuple[int, int] | None:
    """The day and month a table's year columns are as of: 'telkens op 1 januari', 'op 31 december'."""
    m = _DAY_MONTH_RE.search(caption)
    if not m:
        return None
    return DUTCH_MONTHS[m.group(2).lower()], int(m.group(1))


def _year_date(year: str, caption: str) -> str:
    """A column or row year with the caption's day ('2023' + 'op 1 januari' -> '2023-01-01')."""
    dm = _caption_day(caption)
    return f"{year}-{dm[0]:02d}-{dm[1]:02d}" if dm else year


def _annex_figures(text: str, state: _State, fallback: str, context: str) -> list[Figure]:
    """One figure per numeric cell of a table (one row a line, as pypdf extracts it).

    - Years as columns ("Provincie 2023 2024 2025 2026"): a cell is dated by its column year,
      with the caption's day ("telkens op 1 januari" -> 2023-01-01); what it counts comes from
      the caption ("Aantal consultatiebureaus per provincie" -> consultatiebureaus).
    - Years as rows ("Jaar Plaatsen totaal Plaatsen met inkomenstarief" / "2018 108.940 47.615"):
      a cell is dated by its row year; the column header says what it counts.
    - Otherwise the column header says what is counted and the caption (or `context`, or the
      text's date) dates every cell.
    The row label is the scope ("" for a total row); a label wrapped over two lines ("Brussels
    Hoofdstedelijk" / "Gewest 1 1 1 1") is joined. date_source is "table" for a column or row
    year, "explicit"/"relative" for the caption's own date."""
    out: list[Figure] = []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    caption: list[str] = [context] if context else []
    pending: list[str] = []
    header = ""
    in_rows = False
    carry_label = ""
    tables: dict[str, list[list[Figure]]] = {}  # per table header: its rows (`_ratio_columns`)
    for n, line in enumerate(lines):
        if re.fullmatch(r"BIJLAGEN?(?:\s+\d+)?\s*:?", line, re.I):
            continue
        row = _row_cells(line)
        year_row = None
        if row is None:
            year_row = _year_row(line, header if in_rows else (pending[-1] if pending else ""))
        if row is None and year_row is None:
            nxt = lines[n + 1] if n + 1 < len(lines) else ""
            if in_rows and len(line) < 40 and not re.search(r"\d", line) and _row_cells(nxt) is not None \
                    and not re.match(r"(?:bron|noot|opmerking)\b", line, re.I):
                carry_label = line  # a row label wrapped over two lines
                continue
            if in_rows:  # text after a table: a new caption/table
                caption, pending, in_rows = ([context] if context else []), [], False
            pending.append(line)
            continue
        if not in_rows:
            header = pending[-1] if pending else ""
            caption = caption + pending[:-1]
            in_rows = True
        if year_row is not None:
            label, cells = year_row
        else:
            label, cells = row  # type: ignore[misc]
        if carry_label:
            label, carry_label = f"{carry_label} {label}", ""
        header_cells = _split_header(header, len(cells))
        columns = header_cells[1:]
        cap_text = " ".join(caption)
        cap_dates = [d for d in _find_dates(cap_text, state.answer_date) if d.role == "ref" and d.iso]
        cap_date = cap_dates[-1] if cap_dates else None
        cap_quantity = _caption_quantity(caption[-1]) if caption else ""
        entity = _ENTITY_RE.search(_expand_abbreviations(cap_text + " " + header))
        label_year = _YEAR_LABEL_RE.match(label)
        total = re.fullmatch(r"(?:totaal|total|som|vlaanderen\s+totaal|totaal\s+vlaanderen)", label, re.I) is not None
        # a row that names its own quantity ("Aantal kinderen met opvang (x 1.000)", "Percentage …
        # (%)") under year columns: the label is what is counted, not a scope
        indicator = _indicator(label) if all(re.fullmatch(_YEAR, c.strip()) for c in columns) else None
        scope = "" if total or label_year or indicator else _PLACES.get(label.lower(), label)
        years = [c for c in columns if re.fullmatch(_YEAR, c.strip())]
        row_out: list[Figure] = []
        for (s, _e, cell), col in zip(cells, columns, strict=True):
            if _EMPTY_CELL.fullmatch(cell):
                continue
            cell = cell.rstrip("*")
            pct = cell.endswith("%") or bool(indicator and indicator[1] == "%") \
                or re.search(r"^\(?%\)?$|\(%\)|^(?:percentage|aandeel)\b", col.strip(), re.I) is not None
            raw = cell.replace("€", "").rstrip("%").strip()
            number = _to_number(raw)
            if indicator and indicator[2] and number is not None:
                number *= indicator[2]
            col_x = _expand_abbreviations(col)
            # (a row that names its quantity says whether it is money, not the caption)
            money = bool(re.search(r"euro|€|\beur\b|subsidie|budget|bedrag|middelen", f"{label} {cell}" if indicator else
                                   col + " " + cell + " " + (cap_quantity if re.fullmatch(_YEAR, col.strip()) else ""),
                                   re.I)) and not pct
            scale = re.search(r"(duizend|miljoen|miljard|\b(?:mln|mio|mld|mrd)\b)", col + " " + cap_text, re.I)
            if scale and number is not None:
                number *= _SCALES[scale_word(scale.group(1))]
            col_year = re.search(_YEAR, col)
            # a "Totaal" column beside year columns: the sum over those years, as of the last one
            sum_of_years = bool(years) and re.fullmatch(r"totaal|total|som", col.strip(), re.I) is not None
            col_words = re.sub(r"\(.*?\)|\b(?:19|20)\d\d\b|%", " ", col_x)
            col_words = " ".join(w for w in col_words.split() if w.lower() not in ("aantal", "totaal"))
            if not col_words and indicator:  # a year column: the row says what is counted
                col_words = indicator[0]
            elif not col_words:  # a year column: the caption says what is counted
                col_words = cap_quantity
            elif cap_quantity:  # caption "Kinderopvangplaatsen voor ..." + column "Plaatsen totaal"
                first, _, rest = col_words.partition(" ")
                named = with_compound(first, _noun_phrase(cap_quantity)[0])
                col_words = f"{named} {rest}".strip() if named != first else col_words
            if pct:
                unit, kind = "%", "percent"
                quantity = col_words if col_words.lower().startswith("aandeel") else ("aandeel " + col_words).strip()
            elif money and indicator:
                unit, kind = ((scale_word(scale.group(1)) + " euro") if scale else "euro"), "money"
                quantity = col_words[:1].lower() + col_words[1:]  # "Gemiddeld bedrag per Huis van het Kind (euro)"
            elif money:
                unit, kind = ((scale_word(scale.group(1)) + " euro") if scale else "euro"), "money"
                quantity = "budget " + (_head(entity.group()) if entity else re.sub(r"^(?:budget|subsidie)\b\s*(?:voor\s+)?(?:de\s+|het\s+)?", "", col_words, flags=re.I))
                quantity = quantity.strip()
            else:
                kind = "count"
                phrase = col_words or (entity.group() if entity else "")
                unit, quantity = _counted_noun(phrase), phrase
                if indicator and indicator[2] in _SCALE_NAMES and unit:
                    unit = f"{_SCALE_NAMES[indicator[2]]} {unit}"  # "(x 1.000)": "312" is 312 duizend gezinnen
            if sum_of_years:
                date, src = _year_date(max(years), cap_text), "table"
                quantity = quantity if quantity.startswith("totaal ") else f"totaal {quantity}"
            elif label_year:
                date, src = _year_date(label_year.group(2) and _school_end(label_year) or label_year.group(1), cap_text), "table"
            elif col_year and (money or not cap_date or re.fullmatch(_YEAR, col.strip())):
                date, src = _year_date(col_year.group(), cap_text), "table"
            elif cap_date is not None:
                date, src = cap_date.iso, ("relative" if cap_date.relative else "explicit")
            elif state.para_date or state.date:
                date, src = state.para_date or state.date, "context"
            elif fallback:
                date, src = fallback[:4], "document-date"
            else:
                date, src = "", "undated"
            if kind == "money" and date:
                date = date[:4]
            vstart = s + cell.find(raw[:1]) if raw else s
            row_out.append(Figure(value=raw, number_value=number, unit=unit, quantity=quantity.strip(), date=date,
                                  date_source=src, sentence=line, scope=scope, start=vstart, end=vstart + len(raw)))
        out.extend(row_out)
        tables.setdefault(header, []).append(row_out)
    for rows in tables.values():
        _ratio_columns(rows)
    return out


def _ratio_columns(rows: list[list[Figure]]) -> None:
    """A percentage column named by one word ("Dekking", "Bereik", "%") that is, in every row of
    its table, the ratio of the same count column to another ("Gemeenten HvhK 38 | Gemeenten
    totaal 70 | Dekking 54 %") is the share of that numerator column: "aandeel Gemeenten Huizen
    van het Kind". Rounded to a point; a row where several columns give it (19 of 19) does not
    decide, and one where none does keeps the column's own name for the whole table."""
    candidates: dict[str, set[str]] = {}
    for row in rows:
        counts = [f for f in row if f.unit not in ("%", "verhouding") and "euro" not in f.unit
                  and f.number_value is not None and f.quantity]
        for f in row:
            words = re.sub(r"^aandeel\b\s*", "", f.quantity, flags=re.I).split()
            if f.unit != "%" or f.number_value is None or len(words) > 1:
                continue
            numerators = {n.quantity for n in counts for d in counts if n is not d and d.number_value
                          and n.number_value <= d.number_value  # type: ignore[operator]
                          and abs(100 * n.number_value / d.number_value - f.number_value) <= 1.0}  # type: ignore[operator]
            candidates[f.quantity] = candidates.get(f.quantity, numerators) & numerators
    renamed = {col: next(iter(c)) for col, c in candidates.items() if len(c) == 1}
    for row in rows:
        for f in row:
            if f.unit == "%" and f.quantity in renamed:
                f.quantity = "aandeel " + renamed[f.quantity]


_INDICATOR_RE = _lazy(r"^(?:het\s+)?(?:aantal|totaal\s+aantal|percentage|aandeel|gemiddeld\w*|bedrag|budget|"
                      r"uitgaven|kostprijs|bereik|dekkingsgraad)\b", re.I)
_UNIT_NOTE_RE = _lazy(r"\(\s*(?:in\s+)?(%|x\s*1\.000(?:\.000)?|x\s*1000|duizend|miljoen|euro|€|eur)\s*\)", re.I)
_SCALE_NAMES = {1e3: "duizend", 1e6: "miljoen"}


def _indicator(label: str) -> tuple[str, str, float] | None:
    """A row label that names a quantity: (quantity, "%" or "", scale) — "Aantal kinderen in de
    opvang ( x 1.000)" -> ("kinderen in de opvang", "", 1000.0), "Percentage kinderen 0 tot 3
    jaar (%)" -> ("aandeel kinderen 0 tot 3 jaar", "%", 1.0). None for a label that is a place,
    a group or a kind of thing (a scope)."""
    note = _UNIT_NOTE_RE.search(label)
    if not _INDICATOR_RE.match(label) and not note:
        return None
    words = _UNIT_NOTE_RE.sub(" ", label).strip()
    unit, scale = "", 1.0
    if note:
        n = re.sub(r"\s+", "", note.group(1).lower())
        if n == "%":
            unit = "%"
        elif n in ("x1.000", "x1000", "duizend"):
            scale = 1e3
        elif n in ("x1.000.000", "miljoen"):
            scale = 1e6
    if re.match(r"(?:percentage|aandeel)\b", words, re.I):
        unit = "%"
        words = "aandeel " + re.sub(r"^(?:percentage|aandeel)\s+(?:van\s+(?:de\s+|het\s+)?)?", "", words, flags=re.I)
    else:
        words = re.sub(r"^(?:het\s+)?(?:totaal\s+)?aantal\s+(?:de\s+|het\s+)?", "", words, flags=re.I)
    return " ".join(words.split()), unit, scale


def _counted_noun(phrase: str) -> str:
    """The unit of a count column: its head noun, without what qualifies it ('Plaatsen met
    inkomenstarief' -> 'Plaatsen'; 'Erkende HvhK' -> 'Huizen van het Kind')."""
    if not phrase:
        return ""
    words = phrase.split()
    ent = _ENTITY_RE.search(_expand_abbreviations(phrase))
    if ent and (ent.start() == 0 or _is_adjective(words[0])):  # "Erkende HvhK": the name is the noun
        return _head(phrase)
    if ent:  # "Gemeenten HvhK": municipalities (with a Huis van het Kind)
        return words[0]
    return _head(re.split(r"\s+(?:met|van|voor|per|in|zonder|op|uit|die|dat|waar)\s+", phrase, maxsplit=1)[0])


def _school_end(m: re.Match) -> str:
    """'2022-2023' / '2022-23' -> '2023': a school or session year is dated by its last year."""
    y2 = m.group(2)
    return y2 if len(y2) == 4 else m.group(1)[:2] + y2


def _year_row(line: str, header: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    """A row whose label is a year under a header that starts with 'Jaar' ('2018 108.940 47.615'):
    (label, cells) as `_row_cells` gives them."""
    m = re.match(rf"\s*({_YEAR}(?:\s*[-–/]\s*(?:{_YEAR}|\d\d))?)\s+(?=\S)", line)
    if not m or not _YEAR_HEADER_RE.match(header.strip()):
        return None
    rest = _row_cells("X " + line[m.end():])
    if rest is None:
        return None
    shift = m.end() - 2
    return m.group(1), [(a + shift, b + shift, c) for a, b, c in rest[1]]


def _is_table(text: str) -> bool:
    """A paragraph the parser kept as table lines (one row a line, see parsing.common)."""
    from ..parsing.common import is_table_row

    lines = text.split("\n")
    return len(lines) >= 2 and sum(is_table_row(line) for line in lines) >= 2
