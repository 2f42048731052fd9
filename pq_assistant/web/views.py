"""Presentation helpers of the web page: pure functions from the facade's results to what the
templates show (highlighted passages, annex tables, figure rows, the inline chart).

Everything that becomes HTML here is escaped first (markupsafe); the templates escape the rest
(Jinja autoescape), so a document's own text can never inject markup.
"""
from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from typing import Any, Iterable

from markupsafe import Markup, escape

from ..textutil import iso_to_dutch, title_case_name

SECTION_NL = {"question": "vraag", "answer": "antwoord", "annex": "bijlage", "text": "tekst", "repliek": "repliek",
              "slotwoord": "slotwoord"}
# The ledger's status codes (and the figures helper's Dutch ones) in the words the page shows.
STATUS_NL = {"latest": "nieuwste", "confirmed": "bevestigd", "superseded": "vervangen", "conflict": "conflict",
             "undated": "zonder peildatum", "nieuwste": "nieuwste", "bevestigd": "bevestigd", "vervangen": "vervangen"}
STATUS_CLASS = {"nieuwste": "st-latest", "bevestigd": "st-confirmed", "vervangen": "st-superseded",
                "conflict": "st-conflict"}


# --------------------------------------------------------------------------------------------
# Text


def highlight(text: str, query: str) -> Markup:
    """`text` as HTML with the query's words and the figures marked, exactly as `pq ask` marks
    them in the terminal (the spans come from render.highlight, so both agree)."""
    text = text or ""
    if not query:
        return escape(text)
    from ..render import highlight as rich_highlight

    spans = [(s.start, s.end, "fig" if "magenta" in str(s.style) else "q") for s in rich_highlight(text, query).spans]
    if not spans:
        return escape(text)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        kinds = sorted({k for s, e, k in spans if s <= a and b <= e})
        out.append(Markup('<mark class="{}">{}</mark>').format(" ".join(kinds), piece) if kinds else piece)
    return Markup("").join(out)


def dutch_date(iso: str) -> str:
    """'2018-05-23' -> '23 mei 2018'; other forms ('2019', '2018-2019') as they are."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso or ""):
        try:
            return iso_to_dutch(iso)
        except (ValueError, KeyError, IndexError):
            return iso
    return iso or ""


def name(value: str) -> str:
    return title_case_name(value or "")


def type_label(doc_type: str) -> str:
    """'schriftelijke-vraag' -> 'Schriftelijke vraag' (models.TYPE_LABELS; the code itself otherwise)."""
    try:
        from ..models import TYPE_LABELS
    except ImportError:
        return doc_type or ""
    return TYPE_LABELS.get(doc_type or "", doc_type or "")


def where(section: str, part: str = "") -> str:
    """'antwoord 1-2', 'bijlage'."""
    return SECTION_NL.get(section, section or "") + (f" {part}" if part else "")


def part_anchor(section: str, label: str, index: int | None = None) -> str:
    """The id of a part in the document view; a passage links to it (`#antwoord-1-2`)."""
    base = SECTION_NL.get(section, section or "deel")
    if label:
        return f"{base}-{re.sub(r'[^0-9A-Za-z]+', '-', label).strip('-')}"
    return base if index is None else f"{base}-n{index}"


# --------------------------------------------------------------------------------------------
# The document view


def pair_parts(subquestions: list, answers: list) -> list[tuple[list, list]]:
    """Rows of (sub-questions, answer parts) that belong together: an answer part '1-2' sits
    beside sub-questions 1 and 2; an unnumbered answer part gets a row of its own, in order."""
    rows: list[tuple[list, list]] = []
    used_q: set[int] = set()
    used_a: set[int] = set()
    for qi, q in enumerate(subquestions):
        if qi in used_q:
            continue
        qs, ans, nums = [q], [], set(q.numbers)
        used_q.add(qi)
        grown = True
        while grown:  # answers that cover these numbers, and the questions those answers cover too
            grown = False
            for ai, a in enumerate(answers):
                if ai not in used_a and a.numbers and nums & set(a.numbers):
                    used_a.add(ai)
                    ans.append(a)
                    nums |= set(a.numbers)
                    grown = True
            for qj, q2 in enumerate(subquestions):
                if qj not in used_q and nums & set(q2.numbers):
                    used_q.add(qj)
                    qs.append(q2)
                    nums |= set(q2.numbers)
                    grown = True
        rows.append((qs, ans))
    # answer parts that answer no numbered sub-question (an unnumbered answer, a number too many)
    leftovers = [a for ai, a in enumerate(answers) if ai not in used_a]
    if leftovers and not subquestions:
        rows.append(([], leftovers))
    elif leftovers:
        rows.extend(([], [a]) for a in leftovers)
    return rows


_CELL = r"(?:[-+]?\d[\d.,]*\s?%?|[-–])"
_ROW_RE = re.compile(rf"^(?P<label>.*?\S)?\s*(?P<cells>(?:(?<!\S){_CELL}(?:\s+|$))+)$")


def annex_table(text: str) -> dict:
    """The annex text (one table row a line, as the parser keeps it) as a table: a caption, and
    rows of a label and its numeric cells. Lines without numbers stay whole (header or list)."""
    lines = [ln.strip() for ln in (text or "").split("\n") if ln.strip()]
    rows: list[dict] = []
    for ln in lines:
        m = _ROW_RE.match(ln)
        cells = m.group("cells").split() if m else []
        # "54 %" is one cell
        merged: list[str] = []
        for c in cells:
            if c == "%" and merged:
                merged[-1] += " %"
            else:
                merged.append(c)
        if merged and m and m.group("label"):
            rows.append({"label": m.group("label"), "cells": merged})
        else:
            rows.append({"label": ln, "cells": []})
    # The first line is the caption when it is not a row like the others: no numbers, or another
    # number of cells than most rows ("... per provincie, op 1 februari 2015").
    widths = Counter(len(r["cells"]) for r in rows[1:] if r["cells"])
    usual = widths.most_common(1)[0][0] if widths else 0
    caption = ""
    if len(rows) > 1 and (not rows[0]["cells"] or (usual and len(rows[0]["cells"]) != usual)):
        first = rows.pop(0)
        caption = " ".join([first["label"], *first["cells"]])
    width = max((len(r["cells"]) for r in rows), default=0)
    return {"caption": caption, "rows": rows, "width": width}


# --------------------------------------------------------------------------------------------
# Figures


def status_text(f: dict) -> str:
    """'nieuwste', 'vervangen door 153 op 2018-05-01', 'conflict' (Dutch)."""
    s = STATUS_NL.get(f.get("status") or "", f.get("status") or "")
    newer = f.get("replaced_by") or f.get("superseded_by")
    if newer:
        if isinstance(newer, dict):
            newer = [newer]
        if isinstance(newer, str):
            s += f" door {newer}"
        else:
            bits = []
            for n in newer:
                if isinstance(n, dict):
                    v = f"{n.get('value', '')} {n.get('unit', '')}".strip()
                    v += f" op {n['date']}" if n.get("date") else ""
                    v += f" (nr. {n['number']})" if n.get("number") else (f" ({n['doc']})" if n.get("doc") else "")
                    bits.append(v)
                else:
                    bits.append(str(n))
            s += " door " + " / ".join(bits)
    return s


def status_class(f: dict) -> str:
    return STATUS_CLASS.get(STATUS_NL.get(f.get("status") or "", ""), "")


def fill_replaced_by(rows: list[dict]) -> list[dict]:
    """A superseded figure without `replaced_by` (the ledger does not say it yet) gets the newest
    current value(s) of its timeline and scope; rows need 'group'."""
    current: dict[tuple, list[dict]] = {}
    for r in rows:
        if r.get("status") in ("latest", "conflict", "nieuwste"):
            key = (r.get("group"), r.get("scope") or "")
            have = current.setdefault(key, [])
            if not have or (r.get("date") or "") > (have[0].get("date") or ""):
                current[key] = [r]
            elif (r.get("date") or "") == (have[0].get("date") or ""):
                have.append(r)
    for r in rows:
        if r.get("status") in ("superseded", "vervangen") and "replaced_by" not in r:  # a ledger of before replaced_by
            newer = current.get((r.get("group"), r.get("scope") or "")) or []
            if newer:
                r["replaced_by"] = [{"value": n.get("value"), "unit": n.get("unit"), "date": n.get("date")}
                                    for n in newer]
    return rows


def figure_what(f: dict) -> str:
    return (f.get("quantity") or f.get("unit") or "") + (f" ({f['scope']})" if f.get("scope") else "")


def figure_date(f: dict) -> str:
    d = f.get("date") or "?"
    return d + (" (datum antwoord)" if f.get("date_source") == "answer-date" else "")


def figure_source(f: dict) -> str:
    """'vraag 503 (2018), p. 2' or the file name."""
    year = (f.get("doc_date") or "")[:4]
    head = f"vraag {f['number']}" + (f" ({year})" if year else "") if f.get("number") else (f.get("doc") or "")
    return head + (f", p. {f['page']}" if f.get("page") else "")


def timelines(entries: Iterable) -> list[dict]:
    """Ledger entries (in timeline order) grouped per timeline: its title, unit and rows."""
    groups: dict[int, list] = {}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    out = []
    for g, members in groups.items():
        qty = Counter(e.figure.quantity or e.figure.unit for e in members).most_common(1)[0][0]
        units = Counter(e.figure.unit for e in members if e.figure.unit and e.figure.number_value is not None)
        rows = fill_replaced_by([{**e.to_dict(), "doc_id": e.figure.doc_id} for e in members])
        out.append({"group": g, "title": qty, "unit": units.most_common(1)[0][0] if units else "",
                    "entries": members, "rows": list(reversed(rows))})  # table: newest first
    return out


_CHART_LOCK = threading.Lock()  # pyplot keeps global state: one chart at a time
_CHARTS: OrderedDict[tuple, tuple[str | None, str]] = OrderedDict()  # rendered charts, newest last
KEPT_CHARTS = 128


def chart_svg(entries: list, *, title: str, unit: str) -> tuple[Markup | None, str]:
    """The `pq figures --plot` chart of one timeline as inline SVG, or (None, why not).

    Rendering takes matplotlib 0.2-1 s; a chart is kept (by its points) for the next view."""
    from ..chart import points_from_entries, render_timeline
    from ..errors import PQError

    points = points_from_entries(entries)
    key = (title, unit, tuple((p.date, p.value, p.scope, p.status, p.label) for p in points))
    with _CHART_LOCK:
        if key in _CHARTS:
            _CHARTS.move_to_end(key)
            svg, why = _CHARTS[key]
            return (Markup(svg) if svg else None), why
        import matplotlib

        try:
            # Text as <text> (escaped by matplotlib), not glyph paths: half the size, and selectable.
            with matplotlib.rc_context({"svg.fonttype": "none"}):
                raw = render_timeline(points, title=title, unit=unit, fmt="svg").decode("utf-8")
        except PQError as exc:
            out: tuple[str | None, str] = (None, str(exc))
        else:
            # Inline: drop the XML declaration and DOCTYPE.
            start = raw.find("<svg")
            raw = raw[start:] if start >= 0 else raw
            raw = raw.replace("<svg ", '<svg role="img" aria-label="{}" '.format(escape(f"Tijdlijn: {title}")), 1)
            out = (raw, "")
        _CHARTS[key] = out
        while len(_CHARTS) > KEPT_CHARTS:
            _CHARTS.popitem(last=False)
    return (Markup(out[0]) if out[0] else None), out[1]


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def page_anchors(parts: Iterable) -> dict[int, str]:
    """id(paragraph) -> 'p3' for the first paragraph shown of each page (links to a page)."""
    seen: set[int] = set()
    out: dict[int, str] = {}
    for part in parts:
        for para in part.paragraphs:
            if para.page not in seen:
                seen.add(para.page)
                out[id(para)] = f"p{para.page}"
    return out


def doc_link(f: dict) -> str:
    """The document view of a figure's or passage's source (doc id, else its file name)."""
    from urllib.parse import quote

    ref = f.get("doc_id") or f.get("doc") or ""
    return "/doc/" + quote(ref, safe="") if ref else ""


def _short(x: Any) -> str:
    """A figure or source given as a dict, a list or text, in words."""
    if isinstance(x, list):
        return " / ".join(_short(i) for i in x if i)
    if isinstance(x, dict):
        for key in ("line", "text", "citation"):
            if x.get(key):
                return str(x[key])
        v = f"{x.get('value', '')} {x.get('unit', '')}".strip()
        if x.get("date"):
            v += f" op {dutch_date(str(x['date']))}"
        if not v and x.get("number"):
            v = f"vraag nr. {x['number']}" + (f" van {dutch_date(str(x['date']))}" if x.get("date") else "")
        return v or (x.get("doc") or "")
    return str(x or "")


def answer_line(ans: Any) -> str:
    """The answer line of `pq ask` (Answer.to_dict()['answer'], when the facade gives one)."""
    if not ans:
        return ""
    if isinstance(ans, str):
        return ans
    if not isinstance(ans, dict):
        return str(ans)
    try:  # the CLI's own wording, when the dict is an answerline.AnswerLine
        from dataclasses import fields

        from ..answerline import AnswerLine, format_line

        names = {f.name for f in fields(AnswerLine)}
        if {"value", "unit", "quantity", "date", "source", "mode"} <= set(ans):
            return format_line(AnswerLine(**{k: v for k, v in ans.items() if k in names}))
    except (ImportError, TypeError, KeyError, ValueError):
        pass
    if ans.get("line") or ans.get("text"):
        return str(ans.get("line") or ans.get("text"))
    unit, qty = str(ans.get("unit") or ""), str(ans.get("quantity") or "")
    if qty and unit and unit.lower() in qty.lower():
        what = qty  # "109 erkende Huizen van het Kind"
    elif qty and unit:
        what = f"{unit} ({qty})"  # "6,8 % (vaccinatiegraad)"
    else:
        what = unit or qty
    line = f"Laatste cijfer: {ans.get('value', '')} {what}".rstrip()
    if ans.get("date"):
        line += f" op {dutch_date(str(ans['date']))}"
    if ans.get("source"):
        line += f" — {_short(ans['source'])}"
    if ans.get("replaces"):
        line += f" (vervangt {_short(ans['replaces'])})"
    return line
