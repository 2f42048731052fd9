"""The working records of extraction: a figure being built and what carries between sentences."""
from __future__ import annotations

from dataclasses import dataclass, field



@dataclass
class _Fig:
    """A figure while it is being built (positions are in the sentence)."""

    start: int
    end: int
    value: str
    number: float | None
    kind: str  # "count" | "percent" | "ratio" | "money"
    unit: str = ""
    noun: str = ""  # counted noun phrase as written ("erkende Huizen van het Kind")
    quantity: str = ""
    scope: str = ""
    date: str = ""
    date_source: str = "undated"
    own_noun: bool = False
    subset: bool = False  # "38 van de 124 ...": 38 is a part
    denominator: bool = False  # "38 van de 124 ...": 124 is the whole
    unit_from: "_Fig | None" = None  # the figure whose unit this one shares ("van 12 naar 14 procent", "12 en 14 locaties")


@dataclass
class _State:
    """What carries from one sentence to the next within a text (and across answer parts)."""

    date: str = ""  # carried reference date (never after the answer date)
    para_plan: str = ""  # latest date of the paragraph, a start ("vanaf 1 januari 2021") or plan included
    para_max: str = ""  # latest (not future) reference date of the current paragraph
    para_date: str = ""  # last reference date of the current paragraph (may be a planned date)
    answer_date: str = ""  # the answer's date (ISO) to judge "future" dates; may be ""
    last: dict[str, _Fig] = field(default_factory=dict)  # last figure per kind family
    first: dict[str, _Fig] = field(default_factory=dict)  # first figure per family of the last such sentence
    lead: _Fig | None = None  # the figure of a sentence that ends in ":" (heads a list)
    last_sentence_share: bool = False  # the previous sentence with figures ended on a percentage
    max_date: str = ""  # latest reference date so far (not after the answer date)
    per_unit: str = ""  # the unit of a fixed amount named earlier ("een vast bedrag per Huis van het Kind")
    moment: bool = False  # the document speaks on its date (a meeting, a release): undated present = that day
    prev_date: tuple[str, str] | None = None  # (iso, pattern kind) of the last date of the sentence before
    last_entity: str = ""  # the last named kind of thing a sentence spoke of ("Huizen van het Kind")
    topic: str = ""  # "Het aantal Huizen van het Kind is gestegen.": what a count without a noun counts, in its paragraph
    compounds: list[str] = field(default_factory=list)  # compound nouns named so far ("kinderopvangplaatsen"), newest last
    last_count: _Fig | None = None  # the sentence before: its first count ("1.942 kleuters ...")
    last_part: tuple[_Fig, float] | None = None  # the sentence before: "290 van de 300 gemeenten" (part, whole)
    budget: _Fig | None = None  # the last budget named ("budget Huizen van het Kind"), for a share of it distributed later
    para_years: set[str] = field(default_factory=set)  # the plain years ("in 2024") the current paragraph names
    part_dated: bool = False  # the current answer part has stated a date of its own
    latest_year: str = ""  # the latest year the answer states (the time it reports up to)
    past_date: str = ""  # a spoken text's "vorig jaar" of the sentence before: dates a next sentence in the past tense
    survey_date: str = ""  # the date of a survey a sentence introduced ("Vorig jaar is er een bevraging gebeurd ...")
    event_date: str = ""  # the date of an event without figures ("ging van start op 1 januari 2019"): dates only a back-reference ("op dat moment")

