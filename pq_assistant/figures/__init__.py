"""The figures package: the ledger of every number a minister gave, every number a minister gave, with what it counts and its reference date.

Three steps:

1. `extract_figures(text, ...)` reads a paragraph/chunk of an answer (or a BIJLAGE table) and
   returns `Figure`s: value as written, number, unit, a quantity phrase, reference date, scope.
   `figures_for_document(doc)` does this for a parsed `PQDocument` and fills the document fields.
2. `quantity_key(text)` normalises a quantity phrase; `group_quantities(figures, embed)` puts the
   figures that count the same thing (across documents) in one group.
3. `timeline(figures)` orders a group by reference date; `annotate_timeline(figures)` marks each
   figure "latest", "superseded" or "conflict".

Conventions (they follow the dev set `tests/data/dev-eval/figures.jsonl`):

- `value` is the number exactly as written ("6,8", "52.302", "1 op 5"); `number_value` is that
  number as a float, scaled by "duizend"/"miljoen"/"miljard" ("1,2 miljoen euro" -> 1200000.0),
  a percentage is its number (17 % -> 17.0) and a ratio its quotient ("1 op 5" -> 0.2).
- `date` is ISO: a day ("2018-05-01"; day 01 when only the month is given, the last day for
  "eind april 2020"), or a year ("2019"). A school year "2016-2017" is dated by its last year.
  Amounts of money are annual flows, so they are always dated by the year only.
- `date_source`: "explicit" when the date is written in the sentence, an earlier sentence of the
  same text, or `context`; "answer-date" when none is found and the answer date is used (then
  `date` is the answer's *year*: the answer date is when the minister wrote, not what the number
  refers to); "inferred" when `figures_for_document` had to estimate the year of a document
  without an answer header; "none" (and `date` "") when there is nothing at all.
- `scope` is the row label of an annex table, a province/region/city or a target group.
  Flanders-wide figures have scope "" unless the sentence names the Flemish Region explicitly.

Modules (arrows only downward): `lexicon` (Dutch numbers, dates, spans that are never figures)
<- `state` <- `dates` (reference dates), `phrases` (noun phrases, heads, compounds, places) <-
`measures` (what a duration measures), `holders` (whose count it is), `targets` (targets and
norms) <- `naming` (unit, quantity, scope) <- `tables` <-
`extraction`; `timelines` (keys, ordering, status) <- `grouping` (which figures share a timeline) <-
`ledger` (the index's ledger).
Stdlib only at import time; numpy is imported lazily by `group_quantities` when `embed` is given.
"""
from __future__ import annotations

from .extraction import extract_figures, figures_for_document
from .grouping import group_quantities
from .timelines import annotate_timeline, quantity_key, timeline

__all__ = [
    "extract_figures",
    "figures_for_document",
    "quantity_key",
    "group_quantities",
    "timeline",
    "annotate_timeline",
]
