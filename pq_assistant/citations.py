"""Citations that name the document's type, its number, its people and its date.

    Schriftelijke vraag nr. 503 van 23 mei 2018 — Bart Van Malderen aan minister Jo Vandeurzen — p. 2 — file.txt
    Vraag om uitleg nr. 1234 (2023-2024) van Eline Maertens aan minister Jeroen Casteleyn — commissie 12 maart 2024 — p. 1 — file.txt
    Actuele vragen van Lotte Vandersteene en Sven Lauwaert aan minister Annelies Verschaeve — plenaire 7 oktober 2020 — p. 1 — file.txt
    Persbericht van 24 februari 2026: Minder, maar sterkere Huizen van het Kind — vraag van Sven Lauwaert aan minister Annelies Verschaeve — p. 1 — file.txt
    Kamervraag 2023Z17420 van 12 oktober 2023 — Daan Wijnberg en Sanne Brinkhorst, beantwoord door Karin Mulderij op 14 november 2023 — p. 1 — file.txt
    Federale schriftelijke vraag nr. 7-1417 van 8 maart 2022 — Lien Vanhoutte aan de vice-eersteminister … — p. 1 — file.txt

Only what the document states goes in; a document without number or date is cited by its title
(or file name)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .textutil import iso_to_dutch, title_case_name

if TYPE_CHECKING:  # pragma: no cover
    from .models import PQDocument


def _and(names: list[str]) -> str:
    names = [title_case_name(n) for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " en " + names[-1]


def _numbers(doc: "PQDocument") -> str:
    nums = [n for n in (doc.numbers or ([doc.number] if doc.number else [])) if n]
    if not nums:
        return ""
    text = "nr. " + _and(nums) if len(nums) > 1 else f"nr. {nums[0]}"
    return text + (f" ({doc.session})" if doc.session else "")


def _minister(doc: "PQDocument") -> str:
    if doc.minister:
        return f"minister {title_case_name(doc.minister)}"
    return ""


def citation(doc: "PQDocument", page: int | None = None) -> str:
    """The citation of `doc` (page `page` when given)."""
    kind = doc.type or "schriftelijke-vraag"
    date = iso_to_dutch(doc.date) if doc.date else ""
    askers = doc.askers or ([doc.asker] if doc.asker else [])
    bits: list[str] = []
    if kind in ("vraag-om-uitleg", "actuele-vraag"):
        several = len(askers) > 1 or len(doc.numbers) > 1
        if kind == "vraag-om-uitleg":
            head = "Samengevoegde vragen om uitleg" if several else "Vraag om uitleg"
        else:
            head = "Actuele vragen" if several else "Actuele vraag"
        if nums := _numbers(doc):
            head += f" {nums}"
        if askers:
            head += f" van {_and(askers)}"
        if m := _minister(doc):
            head += f" aan {m}"
        if not (doc.number or askers or doc.minister or date):
            head = doc.title or doc.file
        bits.append(head)
        if date:
            bits.append(f"{doc.meeting or ('plenaire' if kind == 'actuele-vraag' else 'commissie')} {date}")
    elif kind == "persbericht":
        head = "Persbericht" + (f" van {date}" if date else "")
        if doc.title:
            head += f": {doc.title}"
        bits.append(head)
        who = " aan ".join(x for x in (f"vraag van {_and(askers)}" if askers else "", _minister(doc)) if x)
        if who:
            bits.append(who)
    elif kind == "kamervraag":
        head = "Kamervraag"
        if doc.number:
            head += f" {doc.number}" if not doc.session else f" nr. {doc.number} ({doc.session})"
        if date:
            head += f" van {date}"
        if not (doc.number or date):
            head = doc.title or doc.file
        bits.append(head)
        who = _and(askers)
        if doc.minister:
            who += (", " if who else "") + f"beantwoord door {title_case_name(doc.minister)}"
            if doc.answer_date:
                who += f" op {iso_to_dutch(doc.answer_date)}"
        if who:
            bits.append(who)
    else:  # schriftelijke-vraag, federale-vraag, overig
        head = "Federale schriftelijke vraag" if kind == "federale-vraag" else "Schriftelijke vraag"
        if kind == "overig" and not doc.number:
            head = doc.title or doc.file
        else:
            if doc.number:
                head += f" nr. {doc.number}"
            if date:
                head += f" van {date}"
            if not doc.number and not date:
                head = doc.title or doc.file
        bits.append(head)
        who = _and(askers)
        target = _minister(doc) or (doc.minister_function if kind == "federale-vraag" else "")
        if target:
            who += (" aan " if who else "") + target
        if who:
            bits.append(who)
    if page:
        bits.append(f"p. {page}")
    if doc.number or doc.date:
        bits.append(doc.file)
    return " — ".join(bits)


def citation_from_meta(meta: dict, page: int | None = None, pages: int = 0) -> str:
    """The citation of a stored chunk from its metadata (lists are stored joined by '; ')."""
    from .models import PQDocument

    split = lambda v: [x for x in str(v or "").split("; ") if x]  # noqa: E731
    doc = PQDocument(doc_id=meta.get("doc_id", ""), file=meta.get("doc", ""), path=meta.get("path", ""), sha256="",
                     pages=pages, title=meta.get("title", ""), number=meta.get("number", ""),
                     date=meta.get("date", ""), asker=meta.get("asker", ""), minister=meta.get("minister", ""),
                     type=meta.get("type", ""), session=meta.get("session", ""), meeting=meta.get("meeting", ""),
                     answer_date=meta.get("answer_date", ""), askers=split(meta.get("askers")),
                     numbers=split(meta.get("numbers")))
    return citation(doc, page)
