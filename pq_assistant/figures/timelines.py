"""Quantity keys, families and blocks, the ordering of figures and their status in a timeline (the
one place for both); which figures share a timeline is `grouping.py`."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import islice
from collections.abc import Iterable, Sequence
from typing import Any

from ..models import Figure
from ..textutil import fold
from .lexicon import _MARKERS, _expand_abbreviations, _pad, _to_number


# ---------------------------------------------------------------------------------------------
# Quantities and timelines

_KEY_STOP = set("""
de het een der den van voor in op aan met en of die dat wie te bij naar uit over tot door onder
aantal erkend erkende erkenning er zijn is was waren werd werden wordt worden heeft hebben
alle elk elke ieder iedere hun zijn haar samen minstens ongeveer circa nog ook al
aandeel percentage procent
""".split())  # "aandeel": every share is one (the family keeps shares apart from counts)
_IRREGULAR = {"huizen": "huis", "kinderen": "kind", "steden": "stad", "uren": "uur", "dagen": "dag",
              "jaren": "jaar", "schepen": "schip", "lokale": "lokaal", "loketten": "loket", "centra": "centrum",
              "gezinnen": "gezin", "zwangeren": "zwanger", "vrouwen": "vrouw", "besturen": "bestuur"}


# Words for the money allotted to something: one key word, so "middelen voor de Huizen van het
# Kind" and "het budget van de Huizen van het Kind" are one quantity ("bedrag" stays apart: a sum
# per unit or a one-off amount, not a budget line).
_MONEY_SYNONYMS = {"budget", "budgetten", "middelen", "werkingsmiddelen", "begroting", "begrotingen", "kredieten"}


def _stem(word: str) -> str:
    """A crude Dutch stem that maps singular and plural to one form ('Huizen'/'Huis' -> 'huis')."""
    w = word.lower()
    if len(w) > 8 and w.endswith("graad"):  # "dekkingsgraad" is the share of "dekking"
        w = w[:-5].rstrip("s") if w[:-5].endswith("gs") else w[:-5]
    for plural, singular in _IRREGULAR.items():
        if w.endswith(plural):
            # the singular as the regular rules leave it ("uur", "jaar", "lokaal" -> "ur", "jar",
            # "lokal"), so that "lokale" and "lokaal" are one word
            return re.sub(r"([aeou])\1(?=[^aeiou]*$)", r"\1", w[: -len(plural)] + singular)
    if w.endswith("huis"):
        return w
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    elif w.endswith("en") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and len(w) > 3 and (w[-2] in "aeiouy" or (w[-2] in "lmnr" and w[-3] in "aeiou")):
        w = w[:-1]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    w = re.sub(r"([aeou])\1(?=[^aeiou]*$)", r"\1", w)
    if w.endswith("z"):
        w = w[:-1] + "s"
    elif w.endswith("v"):
        w = w[:-1] + "f"
    return w


@lru_cache(maxsize=1 << 16)
def quantity_key(text: str) -> str:
    """Normalised quantity phrase: lower-case, accents folded, abbreviations expanded ("HvhK"
    -> "Huizen van het Kind"), singular/plural unified ("Huizen"/"Huis" -> "huis"), stop words
    (articles, prepositions, "aantal", "erkende", ...) dropped, the remaining stems sorted and
    deduplicated (word order does not matter: "erkende Huizen van het Kind" and "HvhK erkend"
    share "huis kind"). Marker words (verwacht, bevraagd, extra, per, gemiddeld, deel, totaal,
    verandering) are kept, so a forecast never shares a key with an actual count."""
    t = fold(_expand_abbreviations(text))
    toks = re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", t)
    out = []
    for tok in toks:
        if tok in _KEY_STOP or tok.isdigit():
            continue
        if tok in _MONEY_SYNONYMS:  # "middelen", "werkingsmiddelen", "begroting": the budget
            out.append("budget")
            continue
        if tok in _MARKERS:
            out.append(_MARKERS[tok])
            continue
        out.append(_stem(tok))
    return " ".join(sorted(set(out)))


def figure_family(f: Figure) -> str:
    """'share' (percentages and ratios), 'money' or 'count': groups never mix families."""
    u = f.unit.lower()
    if u in ("%", "verhouding"):
        return "share"
    if "euro" in u:
        return "money"
    return "count"


_family = figure_family


def _markers(key: str) -> frozenset[str]:
    return frozenset(w for w in key.split() if w in set(_MARKERS.values()))


def figure_kind(f: Figure) -> str:
    """'target' (a target, norm or threshold), 'forecast' (expected, planned) or 'measurement'."""
    return _kind_of(f.quantity or "")


@lru_cache(maxsize=1 << 16)
def _kind_of(quantity: str) -> str:
    m = _markers(quantity_key(quantity))
    if "doel" in m:
        return "target"
    if "verwacht" in m:
        return "forecast"
    return "measurement"


def _block(f: Figure, key: str) -> tuple:
    """The block a quantity key is compared in: the same family, the same marker words and (for
    counts) the same counted noun. Keys of different blocks are never compared, and inside a big
    block only near neighbours are (`close_pairs`): grouping never compares all pairs of keys."""
    fam = _family(f)
    return (fam, _markers(key), quantity_key(f.unit) if fam == "count" else "")


def _sort_date(f: Figure) -> str:
    """A year-only date sorts at the answer date when the figure is dated by its answer, else at
    the end of the year."""
    if len(f.date) == 4 and f.doc_date.startswith(f.date):
        return f.doc_date
    return _pad(f.date, end=True) if f.date else ""


def timeline(figures: Iterable[Figure]) -> list[Figure]:
    """Figures in `sort_key` order: oldest reference date first, undated last."""
    return sorted(figures, key=sort_key)


def _agree(a: Figure, b: Figure) -> bool:
    """Same number, allowing the rounding of the less precise one ('6,8 miljoen' ~ '6.812.300');
    a percentage and a ratio agree within 5 points ('17 %' ~ '1 op 5')."""
    if a.number_value is None or b.number_value is None:
        return a.value == b.value
    if {a.unit, b.unit} == {"%", "verhouding"}:
        pct, ratio = (a, b) if a.unit == "%" else (b, a)
        return abs(pct.number_value / 100 - ratio.number_value) <= 0.05  # type: ignore[operator]
    if a.number_value == b.number_value:
        return True
    coarse = max(_step(a.value, a.number_value), _step(b.value, b.number_value))
    return abs(a.number_value - b.number_value) <= coarse / 2 + 1e-9


@lru_cache(maxsize=1 << 16)
def _step(value: str, number_value: float) -> float:
    """The rounding step of a value as written: '6,8' (miljoen) -> 0.1 million, '52.302' -> 1."""
    dec = value.split(",")[1] if "," in value else ""
    written = _to_number(value)
    scale = number_value / written if written else 1.0
    return (10 ** -len(re.sub(r"\D", "", dec))) * abs(scale or 1.0)


# Status codes of a figure in its timeline (Dutch words in the user interface: STATUS_NL).
LATEST, CONFIRMED, SUPERSEDED, CONFLICT, UNDATED = "latest", "confirmed", "superseded", "conflict", "undated"
STATUS_NL = {LATEST: "nieuwste", CONFIRMED: "bevestigd", SUPERSEDED: "vervangen", CONFLICT: "conflict",
             UNDATED: "zonder peildatum"}


def sort_key(f: Figure) -> tuple:
    """The one ordering of figures: reference date (a year-only date at the answer date when the
    answer is from that year, else at the year's end), undated last; then the source's date (at
    equal reference date the newer source comes last: it wins; a source without a date after the
    dated ones), document and position."""
    return (_sort_date(f) if f.date else UNDATED_SORT, not f.doc_date, f.doc_date or "", _fold_name(f.doc or ""), f.start)


UNDATED_SORT = "9999-99-99"  # after every date: element 0 of `sort_key` stays a comparable date


def series_key(f: Figure) -> tuple[str, str]:
    """Within one quantity, a series is one scope and one kind: 285 Flemish municipalities and
    304 municipalities covered (Brussels included) are two series, not a conflict; a target is
    never on the line of the measurements."""
    return (_fold_name(f.scope or "").strip(), figure_kind(f))


@lru_cache(maxsize=1 << 16)
def _fold_name(name: str) -> str:
    """`fold` of a short name that recurs figure after figure (a document, a scope): memoised."""
    return fold(name)


def annotate_timeline(figures: Sequence[Figure], groups: list[list[int]] | None = None, lists: bool = True) -> list[dict]:
    """One dict per figure, in timeline order per group and series: {"index": position in
    `figures`, "figure", "group": index in `groups`, "series": (scope, kind), "status",
    "replaced_by": index of the figure that replaced it (None), "confirms": index of the first
    statement it repeats (None), "conflicts_with": [indices], "repeats": [indices],
    "same_date": [indices]}.

    Per series, by reference date:
    - "conflict": another source gives a different value for the same reference date (two values
      for one date in one document are parts or variants the phrase did not tell apart — first
      dose / full series — not a contradiction: they go to "same_date");
    - otherwise, at the newest reference date: the first source that states a value is
      "latest" (nieuwste); the same value again in a newer source is "confirmed" (bevestigd) —
      also at a later reference date: when the newest dates all give the current value, its
      first statement is "latest" and the later ones confirm it (never "104 vervangen door 104");
    - an older reference date is "superseded" (vervangen), with "replaced_by" the current figure:
      the newest reference date's figure from the newest source (at equal reference date the
      newer source wins) — or, when later sources only repeat the current value, its first
      statement;
    - a figure without a reference date is "undated": kept, never placed.

    `lists=False`: the statuses and pointers only (the lists stay empty; what the ledger keeps),
    from `_Bucket.in_conflict`, in time of figures + classes a date instead of their product.
    """
    if groups is None:
        from .grouping import group_quantities

        groups = group_quantities(figures)
    out: list[dict] = []
    for gid, idx in enumerate(groups):
        by_series: dict[tuple[str, str], list[int]] = {}
        for i in idx:
            by_series.setdefault(series_key(figures[i]), []).append(i)
        for series, members in by_series.items():
            out.extend(_annotate_series(figures, members, gid, series, lists))
    return out


LISTED = 20  # at most this many indices in a note's repeats / same_date / conflicts_with lists


class _Sorted:
    """Numbers kept sorted, each with a class number: the classes of the numbers in a range."""

    def __init__(self) -> None:
        self.nums: list[float] = []
        self.cls: list[int] = []

    def add(self, x: float, c: int) -> None:
        at = bisect_right(self.nums, x)
        self.nums.insert(at, x)
        self.cls.insert(at, c)

    def within(self, lo: float, hi: float) -> list[int]:
        return self.cls[bisect_left(self.nums, lo):bisect_right(self.nums, hi)]


class _Bucket:
    """The figures of one series at one reference date, in `sort_key` order, split into classes of
    values that agree (`_agree`, which allows rounding). Figures are compared only with the first
    figure of each class, so a bucket of n figures with k distinct values costs n·k comparisons,
    not n² (a whole parliament's ledger has buckets of thousands: one quantity, one year)."""

    def __init__(self, figures: Sequence[Figure], members: list[int]):
        self.figures, self.members = figures, members
        self.pos = {i: n for n, i in enumerate(members)}
        self.cls: dict[int, int] = {}  # figure index -> class number
        self.heads: list[int] = []  # first figure of each class
        self.by_cls: list[list[int]] = []
        self._unnumbered = False
        exact: dict[tuple, int] = {}
        # the numbered heads by value (sorted), with the largest rounding step among them: a figure
        # can only agree with a head within max(its step, that step) / 2 of it, or (a percentage
        # and a ratio) within 5 points, so only those heads are compared: the same first agreeing
        # class as comparing with every head, in far fewer steps (a synthetic parliament's
        # buckets hold thousands of distinct values)
        heads_by = {"": _Sorted(), "%": _Sorted(), "verhouding": _Sorted()}  # all numbered; % ; ratios
        widest = 0.0
        for i in members:
            f = figures[i]
            key = (f.number_value, f.unit) if f.number_value is not None else (f.value, f.unit)
            c = exact.get(key)
            if c is None:
                if f.number_value is None or self._unnumbered:
                    c = next((n for n, h in enumerate(self.heads) if _agree(f, figures[h])), None)
                else:
                    x = f.number_value
                    reach = max(_step(f.value, x), widest) / 2 + 1e-9
                    near = heads_by[""].within(x - reach, x + reach)
                    if f.unit == "%":
                        near += heads_by["verhouding"].within(x / 100 - 0.05 - 1e-9, x / 100 + 0.05 + 1e-9)
                    elif f.unit == "verhouding":
                        near += heads_by["%"].within((x - 0.05) * 100 - 1e-7, (x + 0.05) * 100 + 1e-7)
                    c = min((n for n in near if _agree(f, figures[self.heads[n]])), default=None)
                if c is None:
                    c = len(self.heads)
                    self.heads.append(i)
                    self.by_cls.append([])
                    if f.number_value is None:
                        # a head no window can place: from here on every figure meets every head
                        self._unnumbered = True
                    else:
                        heads_by[""].add(f.number_value, c)
                        if f.unit in heads_by:
                            heads_by[f.unit].add(f.number_value, c)
                        widest = max(widest, _step(f.value, f.number_value))
                exact[key] = c
            self.cls[i] = c
            self.by_cls[c].append(i)
        # per class, members of up to LISTED + 1 distinct documents: enough to list the conflicts
        # of any figure (one of them is from another document than the figure's, if any is)
        self.doc_reps: list[list[int]] = []
        for idx in self.by_cls:
            seen: dict[str, int] = {}
            reps = []
            for j in idx:
                d = figures[j].doc
                if not d or d not in seen:
                    seen[d] = j
                    reps.append(j)
                    if len(reps) > LISTED:
                        break
            self.doc_reps.append(reps)

    def first_agreeing(self, i: int) -> int:
        """The first figure (source order) whose value agrees with figure i's."""
        return self.by_cls[self.cls[i]][0]

    def in_conflict(self) -> dict[int, bool]:
        """Per member: would `note` list a conflict for it (another value class with a member of
        another document, or the member has no document and there is another class)? The same
        answer as `note`'s, in time of members + classes instead of members x classes: for the
        callers that need the status only (an older date of a series marked again by itself)."""
        only: dict[str, int] = {}  # document -> the classes all of whose members are of it
        alone: list[str | None] = []  # per class: its one document, or None (several, or none)
        for idx in self.by_cls:
            docs = {self.figures[j].doc for j in idx}
            d = next(iter(docs)) if len(docs) == 1 else None
            alone.append(d or None)
            if d:
                only[d] = only.get(d, 0) + 1
        k = len(self.by_cls)
        out = {}
        for i in self.members:
            d, c = self.figures[i].doc, self.cls[i]
            if not d:
                out[i] = k > 1
            else:  # the classes with a member of another document, but for the figure's own
                out[i] = k - only.get(d, 0) - (alone[c] != d) > 0
        return out

    def note(self, n: dict, i: int) -> None:
        """Fill n's repeats / same_date / conflicts_with (each at most LISTED indices)."""
        f = self.figures[i]
        mine = self.cls[i]
        n["repeats"] = list(islice((j for j in self.by_cls[mine] if j != i), LISTED))
        same: list[int] = []
        conflicts: list[int] = []
        for c, idx in enumerate(self.by_cls):
            if c == mine:
                continue
            if len(same) < LISTED:
                same.extend(idx[:LISTED - len(same)])
            if len(conflicts) < LISTED:
                conflicts.extend(j for j in self.doc_reps[c] if self.figures[j].doc != f.doc or not f.doc)
            if len(same) >= LISTED and len(conflicts) >= LISTED:
                break
        n["same_date"] = sorted(same, key=self.pos.__getitem__)
        n["conflicts_with"] = sorted(conflicts, key=self.pos.__getitem__)[:LISTED]


def _status_at(notes: dict, i: int, bucket: _Bucket, winner: int, conflict: dict[int, bool] | None) -> None:
    """The status of figure i at a reference date that is not the current value's (see
    `_annotate_series`): conflict with another source's value for that date, else superseded.
    `conflict`: the bucket's `in_conflict()` when the notes' lists are not wanted."""
    n = notes[i]
    if conflict is None:
        bucket.note(n, i)
    n["status"] = CONFLICT if (n["conflicts_with"] if conflict is None else conflict[i]) else SUPERSEDED
    n["replaced_by"] = winner


def _annotate_series(figures: Sequence[Figure], members: list[int], gid: int, series: tuple[str, str],
                     lists: bool = True) -> list[dict]:
    ordered = sorted(members, key=lambda i: sort_key(figures[i]))
    by_date: dict[str, list[int]] = {}
    for i in ordered:  # bucketed by reference date: comparing every pair of a big timeline grew quadratically
        if figures[i].date:
            by_date.setdefault(figures[i].date, []).append(i)
    for bucket in by_date.values():  # within one reference date: by the source's date, the newest last
        bucket.sort(key=lambda i: sort_key(figures[i])[1:])
    notes: dict[int, dict] = {}
    for i in ordered:
        notes[i] = {"index": i, "figure": figures[i], "group": gid, "series": series, "status": UNDATED,
                    "replaced_by": None, "confirms": None, "conflicts_with": [], "repeats": [], "same_date": []}
    if not by_date:
        return [notes[i] for i in ordered]
    newest_date = max(by_date, key=lambda d: sort_key(figures[by_date[d][0]])[0])
    winner = by_date[newest_date][-1]  # the newest source at the newest reference date
    buckets = {d: _Bucket(figures, idx) for d, idx in by_date.items()}
    # The current value's run: going back from the newest reference date, the dates at which every
    # source gives that same value ("104 op 1 januari 2026" in the answer, "nu nog 104" in the press
    # release of 24 februari): its first statement is "latest", the later ones confirm it — the
    # same value again in a newer source is never "vervangen" by itself.
    dates_newest_first = sorted(by_date, key=lambda d: sort_key(figures[by_date[d][0]])[0], reverse=True)
    run = []
    for d in dates_newest_first:
        b = buckets[d]
        if all(_agree(figures[h], figures[winner]) for h in b.heads):
            run.append(d)
        else:
            break
    if len(run) > 1:
        first = by_date[run[-1]][0]  # the first statement of the current value
        for d in run:
            for i in by_date[d]:
                n = notes[i]
                n["repeats"] = list(islice((j for j in by_date[d] if j != i), LISTED))
                if i == first or figures[i].doc == figures[first].doc:  # (a repeat in its own document)
                    n["status"] = LATEST
                else:
                    n["status"], n["confirms"] = CONFIRMED, first
        for date, idx in by_date.items():
            if date in run:
                continue
            conflict = None if lists else buckets[date].in_conflict()
            for i in idx:
                # replaced by the current value's first statement ("104 op 1 januari 2026, nr.
                # 312"), not by a later repeat of it ("nu nog 104" in a press release)
                _status_at(notes, i, buckets[date], first, conflict)
        return [notes[i] for i in ordered]
    for date, idx in by_date.items():
        b = buckets[date]
        conflict = None if lists else b.in_conflict()
        for i in idx:
            f, n = figures[i], notes[i]
            if conflict is None:
                b.note(n, i)
            first = b.first_agreeing(i)  # the first source of this value
            if n["conflicts_with"] if conflict is None else conflict[i]:
                n["status"] = CONFLICT
            elif date != newest_date:
                n["status"] = SUPERSEDED
            elif first != i and figures[first].doc != f.doc:
                n["status"], n["confirms"] = CONFIRMED, first
            else:
                n["status"] = LATEST
            if date != newest_date:
                n["replaced_by"] = winner
    return [notes[i] for i in ordered]


def current_entries(entries: Iterable[Any]) -> dict[tuple[int, tuple[str, str]], list[Any]]:
    """The current value(s) of every series of the ledger entries given (objects with `.figure`,
    `.group`, `.status`, e.g. `ledger.LedgerEntry`): per (group, `series_key`), the entries at
    the series' newest reference date, in `sort_key` order (the newest source, which wins, last).
    More than one is a confirmation or a conflict (their status says which). This is the
    "current value" (a superseded entry's `replaced_by` names it, or its first statement when
    the newer sources only repeat it); callers use this instead of re-deriving it from statuses."""
    by_series: dict[tuple[int, tuple[str, str]], list[Any]] = {}
    for e in entries:
        if e.figure.date and e.status != UNDATED:
            by_series.setdefault((e.group, series_key(e.figure)), []).append(e)
    out: dict[tuple[int, tuple[str, str]], list[Any]] = {}
    for key, members in by_series.items():
        # the newest reference date as `annotate_timeline` finds it: by `sort_key`, then every
        # figure with that same date (a year-only date is one date whatever its source's day)
        newest = max(members, key=lambda e: sort_key(e.figure)[0]).figure.date
        out[key] = sorted((e for e in members if e.figure.date == newest), key=lambda e: sort_key(e.figure))
    return out
