"""Dates as the genre writes them, to ISO: `dinsdag 12 december 2017, 14.00u`, `maandag, 05 jul 2021`, `d.d. 23 juni 2009`,
`datum: 14 januari 2026`, `Ingediend 5 september 2018`, `8/3/2022`, `24-02-2026`, ` date 2025-08`."""
from __future__ import annotations

import re
from datetime import date

from ..textutil import MONTH_DATE_RE, month_number

WEEKDAYS = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
WRITTEN = re.compile(rf"\b(?P<day>\d{{1,2}})(?:e|ste|de)?\s+(?P<month>{MONTH_DATE_RE})\s+(?P<year>(?:19|20)\d{{2}})\b", re.I)
NUMERIC = re.compile(r"(?<![\d/.-])(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>(?:19|20)\d{2})(?![\d/-])")
ISO = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?![\d-])")


def valid(y: int, m: int, d: int) -> str:
    """ISO string of a real date, else ''."""
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def written_date(text: str) -> tuple[str, re.Match | None]:
    """The first date written out in `text` ('12 maart 2024') as ISO, with its match."""
    for m in WRITTEN.finditer(text or ""):
        iso = valid(int(m.group("year")), month_number(m.group("month")) or 0, int(m.group("day")))
        if iso:
            return iso, m
    return "", None


def any_date(text: str) -> str:
    """The first date in `text` in any of the genre's forms ('' when none). A bare year-month
    ('2025-08') is the first of that month."""
    best: tuple[int, str] | None = None
    iso, m = written_date(text)
    if m:
        best = (m.start(), iso)
    for m in NUMERIC.finditer(text or ""):
        iso = valid(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        if iso and (best is None or m.start() < best[0]):
            best = (m.start(), iso)
        break
    for m in ISO.finditer(text or ""):
        iso = valid(int(m.group("year")), int(m.group("month")), int(m.group("day") or 1))
        if iso and (best is None or m.start() < best[0]):
            best = (m.start(), iso)
        break
    return best[1] if best else ""


def session_of(text: str) -> str:
    """'2023-2024' from '(2023-2024)' or 'vergaderjaar 2024–2025'; '' when none or not consecutive."""
    m = re.search(r"((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)\d{2})", text or "")
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        return f"{m.group(1)}-{m.group(2)}"
    return ""
