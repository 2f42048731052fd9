"""Which figures count the same quantity: the grouping of a ledger's figures into timelines.

Figures are grouped by (family, quantity key) first; key groups are compared only inside their
block (family, marker words, the counted noun) and merged when their phrases are near enough
(`group_quantities`); a document that names one distinctive value twice joins its two phrases
(`_join_restatements`), and so does a later source that restates it under another phrase
(`_join_across`; `restatement_key` and `joins_across` tell the storage's update which ledger
figures such a figure can join). The statuses within a timeline are `timelines.annotate_timeline`'s.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from ..models import Figure
from ..textutil import fold
from .timelines import _block, _family, _markers, quantity_key


def _specialises(fa: Figure, fb: Figure, key_a: str, key_b: str) -> bool:
    """One key's words all in the other's, and the extra words qualify what is counted (an
    adjective or participle: "erkende Huizen van het Kind" vs "… intergemeentelijk
    georganiseerd", "locaties" vs "nieuwe locaties"): a part of the whole, not the same quantity
    reworded. Extra words that only say what the counted things do ("locaties" vs "locaties
    consultaties aanbieden") do not make a part."""
    from .phrases import _is_adjective, _is_predicate_word

    a, b = set(key_a.split()), set(key_b.split())
    if a == b or not (a <= b or b <= a):
        return False
    small, big = (fa, fb) if a <= b else (fb, fa)
    extra = set(fold(big.quantity).split()) - set(fold(small.quantity).split())
    return any(_is_predicate_word(w) or _is_adjective(w) or (w.startswith("ge") and len(w) > 5) for w in extra)


_CONTRAST_PREFIXES = ("inter", "intra", "niet", "non", "on", "boven", "sub", "supra", "anti", "pre", "post")


def _contrasts(key_a: str, key_b: str) -> bool:
    """Two keys that name two kinds of one thing: a word of each that the other lacks, the two
    with the same ending and another modifier ("voltijds" / "deeltijds", "groepsopvang" /
    "gezinsopvang"), or the one the other with a prefix that sets it apart ("gemeentelijk" /
    "intergemeentelijk", "erkend" / "niet-erkend"). e5 puts such phrases closer (0.98) than many
    rewordings of one quantity, but the Huizen van het Kind with a municipal and those with an
    intermunicipal area are two series, not one. A compound and its head ("plaatsen" /
    "kinderopvangplaatsen") are no contrast: the one is a kind the other names too."""
    a, b = set(key_a.split()), set(key_b.split())
    only_a, only_b = a - b, b - a
    for wa in only_a:
        for wb in only_b:
            short, long_ = sorted((wa, wb), key=len)
            tail = 0
            while tail < len(short) and short[-1 - tail] == long_[-1 - tail]:
                tail += 1
            if tail < 5 or tail >= len(long_):
                continue
            if tail < len(short):  # the same ending, two modifiers
                return True
            if long_[:len(long_) - len(short)].rstrip("-").lower() in _CONTRAST_PREFIXES:
                return True
    return False


def group_quantities(figures: Sequence[Figure], embed: Callable[[list[str]], Any] | None = None,
                     threshold: float = 0.97) -> list[list[int]]:
    """Indices of `figures` grouped by what they count (one group = one timeline).

    Figures are first grouped by (family, `quantity_key`): share/money/count never mix. Key
    groups are then compared only inside their block (`_block`: family, marker words such as
    verwacht/doel/bevraagd/extra/per/deel, and for counts the counted noun): with `embed` (texts
    -> L2-normalised vectors, e.g. `E5().query`), two keys of a block merge when the cosine of
    their quantity phrases is at least `threshold`. (A key is not merged into a more specific
    one: "erkende Huizen van het Kind" must not join "… intergemeentelijk georganiseerd".)
    Groups are ordered by their first figure; indices inside a group are ascending.

    The threshold is high on purpose: e5 vectors of short Dutch phrases from one domain all lie
    close together (the most similar *different* quantities, "intergemeentelijke" vs "gemeentelijke
    samenwerkingsverbanden", score 0.98), so a lower threshold merges timelines that must stay apart.
    """
    items, parent, find = _key_groups(figures)
    blocks: dict[tuple, list[int]] = {}
    for n, ((_fam, key), idx) in enumerate(items):
        blocks.setdefault(_block(figures[idx[0]], key), []).append(n)
    _join_restatements(figures, items, parent, find)
    _join_across(figures, items, parent, find)
    compared = [members for members in blocks.values() if len(members) >= 2] if embed is not None else []
    if compared:
        import numpy as np

        # Every block's phrases in one call of the embedder (a batch keeps both cores busy; a
        # call a block was 35 small ones on the shipped corpus).
        phrase = lambda n: figures[items[n][1][0]].quantity or figures[items[n][1][0]].unit or items[n][0][1]  # noqa: E731
        distinct = list(dict.fromkeys(phrase(n) for members in compared for n in members))
        vec_of = dict(zip(distinct, np.asarray(embed(distinct), dtype=float)))
    # the keys of each merged set of key groups, so that no chain of near phrases joins two
    # contrasting keys ("gemeentelijk" ~ … ~ "intergemeentelijk")
    keys_of: dict[int, list[str]] = {}
    for n, ((_fam, key), _idx) in enumerate(items):
        keys_of.setdefault(find(n), []).append(key)
    for members in compared:
        vecs = np.asarray([vec_of[phrase(n)] for n in members])
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        for r, c in close_pairs(vecs, threshold):
            a_, b_ = sorted((members[r], members[c]))
            if _specialises(figures[items[a_][1][0]], figures[items[b_][1][0]], items[a_][0][1], items[b_][0][1]):
                continue
            ra, rb = find(a_), find(b_)
            if ra == rb:
                continue
            ka, kb = keys_of[ra], keys_of[rb]
            if any(_contrasts(x, y) for x in ka for y in kb):
                continue
            parent[rb] = ra
            keys_of[ra] = ka + kb
            keys_of.pop(rb, None)
    merged: dict[int, list[int]] = {}
    for n, (_, idx) in enumerate(items):
        merged.setdefault(find(n), []).extend(idx)
    return sorted((sorted(g) for g in merged.values()), key=lambda g: g[0])


_VAGUE_KEYS = {"", "bedrag", "budget", "totaal", "deel"}


def is_vague(f: Figure) -> bool:
    """A quantity phrase that names no particular quantity: "aandeel", "bedrag", "budget", or
    only the counted noun ("gemeenten")."""
    return _vague(f.quantity or f.unit, f.unit)


@lru_cache(maxsize=1 << 16)
def _vague(phrase: str, unit: str) -> bool:
    key = quantity_key(phrase)
    return key in _VAGUE_KEYS or key == quantity_key(unit)


def _distinctive(f: Figure) -> bool:
    """A value unlikely to recur by chance: with decimals ("17,8 %") or a large count that is not
    round ("52.302")."""
    if f.number_value is None or f.unit == "verhouding":
        return False
    if "," in f.value:
        return True
    return f.number_value >= 1000 and f.number_value % 100 != 0


def _join_restatements(figures: Sequence[Figure], items: list, parent: list[int], find: Callable[[int], int]) -> None:
    """One document that states the same distinctive value for the same reference date under two
    phrases of one block names one quantity twice: "de kansarmoede-index voor 2025 bedraagt 17,8
    procent" and "Vorig jaar werd 17,8 procent van de kinderen ... geboren in een kansarm gezin"
    (as `extraction._date_repeats` takes the same figure said again for the same statement).
    Their key groups are joined. Two table cells do not join (a table's columns are its own
    quantities), nor does a vague phrase's group (`is_vague`: it holds many quantities). Linear: one pass, indexed by (document, value, date, block)."""
    said: dict[tuple, tuple[int, bool]] = {}
    for n, ((_fam, key), idx) in enumerate(items):
        if is_vague(figures[idx[0]]):
            continue  # "aandeel", "bedrag": a group of many quantities (extraction names such a restatement)
        block = _block(figures[idx[0]], key)
        for i in idx:
            f = figures[i]
            doc = f.doc_id or f.doc
            if not doc or not f.date or not _distinctive(f):
                continue
            k = (doc, f.number_value, f.unit, f.date, block)
            table = f.date_source == "table"
            seen = said.get(k)
            if seen is None:
                said[k] = (n, table)
                continue
            m, seen_table = seen
            if m != n and not (table and seen_table):
                parent[find(n)] = find(m)
                if seen_table:
                    said[k] = (m, False)


@lru_cache(maxsize=1 << 16)
def _significant(value: str) -> int:
    """The significant digits of a value as written: "17,8" 3, "52.302" 5, "12,1" (miljoen) 3,
    "25.000" 2, "1,5" 2, "50" 1."""
    digits = re.sub(r"\D", "", value.split(" ")[0]).lstrip("0")
    return len(digits.rstrip("0"))


def _restated(f: Figure) -> bool:
    """A value distinctive enough that the same value at the same reference date in two sources
    is one statement repeated, not a coincidence: a count of at least 1,000, not round, with
    three significant digits or more as written ("52.302", not "153": small counts recur by
    chance, nor "52.000"), never a year-like number. Not a share, an amount or a ratio: a
    percentage or an amount of three digits recurs by chance in a large archive (about a
    thousand values a year; in a synthetic archive of 26,000 answers "23,3 %" in Brussel for
    2008 joined "aandeel vrijwilligers bereikt" and "aandeel nieuwkomers bereikt", and such
    joins chained 25 unrelated timelines into one), and their phrases share generic words."""
    if f.number_value is None or not f.date or _family(f) != "count" or _significant(f.value) < 3:
        return False
    return _distinctive(f) and not (1900 <= f.number_value <= 2100 and "," not in f.value)


def restatement_key(f: Figure) -> str | None:
    """What a figure must share with a figure of another source for `_join_across` to join their
    quantities (family, marker words, value, reference date, scope), as text; None when it can
    never join (not distinctive, undated, a vague phrase). Figures with different keys are never
    joined by that rule: the storage can look the candidates of a new figure up by this key."""
    if not _restated(f) or is_vague(f):
        return None
    return _restatement_key(f, quantity_key(f.quantity or f.unit))


def _restatement_key(f: Figure, key: str) -> str:
    return "\x1f".join((_family(f), " ".join(sorted(_markers(key))), repr(f.number_value), f.date,
                         fold(f.scope or "").strip()))


def _content(f: Figure, key: str) -> set[str]:
    """The words of a quantity key that say what is measured: not the marker words, not the
    counted noun, not the words of a vague key ("bedrag", "budget", "totaal")."""
    return set(key.split()) - set(_markers(key)) - _VAGUE_KEYS - {quantity_key(f.unit)}


def _compatible(fa: Figure, ka: str, fb: Figure, kb: str) -> bool:
    """Two phrases that can name one quantity: for counts the same counted noun, or one the
    compound head of the other ("plaatsen" / "kinderopvangplaatsen"); for shares and money (whose
    unit says nothing of what is measured) a content word in common ("aandeel kinderen
    kansarm gezin" / "kinderen geboren in kansarm gezin"), so 17,8 % of one thing and 17,8 % of
    another at one date stay apart. Neither may be a part of the other (`_specialises`)."""
    if _family(fa) == "count":
        if not _same_counted(quantity_key(fa.unit), quantity_key(fb.unit)):
            return False
    elif not (_content(fa, ka) & _content(fb, kb)):
        return False
    return not _specialises(fa, fb, ka, kb)


def _same_counted(a: str, b: str) -> bool:
    """Two counted nouns (keys) that can count one thing: equal, or the one the head of the
    other's compound ("plats" of "kinderopvangplats", "gezin" of "pleeggezin": a kind of it)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and " " not in short and " " not in long_ and long_.endswith(short)


def _join_across(figures: Sequence[Figure], items: list, parent: list[int], find: Callable[[int], int]) -> None:
    """Answers restate the figures of earlier answers: the same distinctive value (`_restated`)
    for the same reference date, unit family, marker words and scope, in two sources, under two
    phrases that can name one quantity (`_compatible`), is one quantity named twice, so their key
    groups are joined (and with them the other values of both timelines). Two table cells do
    not join (as in `_join_restatements`); nor does a figure with a vague phrase. Linear: figures
    are bucketed by `restatement_key` (only the figures with one take part); inside a bucket one
    figure of each key group (and table-ness) is compared (a bucket holds the few statements of
    one value)."""
    said: dict[str, list[tuple[int, int, bool]]] = {}
    for n, ((_fam, key), idx) in enumerate(items):
        done: set[tuple[str, bool]] = set()
        for i in idx:
            f = figures[i]
            if not _restated(f) or is_vague(f):  # (the figures `restatement_key` gives a key)
                continue
            k = _restatement_key(f, key)
            table = f.date_source == "table"
            if (k, table) in done:
                continue
            done.add((k, table))
            bucket = said.setdefault(k, [])
            for m, j, seen_table in bucket:
                if m != n and not (table and seen_table) and find(m) != find(n) \
                        and _compatible(f, key, figures[j], items[m][0][1]):
                    parent[find(n)] = find(m)
            bucket.append((n, i, table))


def joins_across(figures: Sequence[Figure], others: Sequence[Figure]) -> bool:
    """Would `_join_across` join a key group of `figures` (the figures of the documents that
    change: new ones, or those that go) with another key group, given the ledger's figures
    `others` whose `restatement_key` is one of theirs (the only ones it can join them with)?
    The storage's update in time of its series holds only when it would not: such a document
    merges two timelines when it comes, and they may split when it goes. A False answer is exact;
    True may also mean two key groups of one timeline already (the caller then regroups, which
    is only slower)."""
    keys = {k for k in map(restatement_key, figures) if k is not None}
    if not keys:
        return False
    pool = list(figures) + [f for f in others if restatement_key(f) in keys]
    items, parent, find = _key_groups(pool)
    _join_across(pool, items, parent, find)
    size: dict[int, int] = {}
    for n in range(len(items)):
        size[find(n)] = size.get(find(n), 0) + 1
    return any(size[find(n)] > 1 for n, (_k, idx) in enumerate(items) if any(i < len(figures) for i in idx))


def joins_restatements(figures: Sequence[Figure]) -> bool:
    """Would `_join_restatements` join two key groups of these figures (of one document or a
    few)? The storage's update of a change in time of its series (no regrouping) holds only
    when it would not: such a document merges two timelines when it comes, splits them when it goes."""
    items, parent, find = _key_groups(figures)
    _join_restatements(figures, items, parent, find)
    return any(find(n) != n for n in range(len(items)))


def _key_groups(figures: Sequence[Figure]) -> tuple[list, list[int], Callable[[int], int]]:
    """The figures' key groups ((family, quantity key) -> their indices, in the order first met)
    and a union-find over them (`parent`, `find`) for the rules that join groups."""
    keys: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(figures):
        keys.setdefault((_family(f), quantity_key(f.quantity or f.unit)), []).append(i)
    items = list(keys.items())
    parent = list(range(len(items)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    return items, parent, find


EXACT_BELOW = 2048  # a block of fewer keys is compared exactly (all its pairs, in row chunks)


def close_pairs(vecs: Any, threshold: float, exact_below: int = EXACT_BELOW) -> list[tuple[int, int]]:
    """The pairs (i < j) of L2-normalised rows whose cosine is at least `threshold`, sorted.

    A small set is compared exactly (row chunks of 512: memory stays bounded). A big one (a
    block of a whole parliament's ledger) is not compared pair by pair: its rows are hashed with
    random hyperplanes (after centring, so that the narrow cone of e5 vectors spreads out) into
    8 bands of 10 bits; only rows that share a band's bucket are compared, exactly. Two rows at
    cosine 0.97 share at least one of the 8 buckets with probability above 0.99; no pair below
    the threshold is ever returned. The hyperplanes come from a fixed seed: the same input gives
    the same pairs."""
    import numpy as np

    n = len(vecs)
    if n < 2:
        return []
    if n < exact_below:
        return _exact_pairs(vecs, np.arange(n), threshold)
    centred = vecs - vecs.mean(axis=0, keepdims=True)
    rng = np.random.default_rng(20261201)
    bands, bits = 8, 10
    planes = rng.standard_normal((vecs.shape[1], bands * bits))
    signs = (centred @ planes) > 0
    weights = 1 << np.arange(bits)
    found: set[tuple[int, int]] = set()
    for b in range(bands):
        codes = signs[:, b * bits:(b + 1) * bits] @ weights
        order = np.argsort(codes, kind="stable")
        cuts = np.flatnonzero(np.diff(codes[order])) + 1
        for bucket in np.split(order, cuts):
            if len(bucket) > 1:
                found.update(_exact_pairs(vecs, bucket, threshold))
    return sorted(found)


def _exact_pairs(vecs: Any, rows: Any, threshold: float) -> list[tuple[int, int]]:
    import numpy as np

    out: list[tuple[int, int]] = []
    sub = vecs[rows]
    for start in range(0, len(rows), 512):
        sims = sub[start:start + 512] @ sub.T
        for r, c in zip(*np.where(sims >= threshold)):
            i, j = int(rows[start + int(r)]), int(rows[int(c)])
            if i < j:
                out.append((i, j))
    return out


def grouping_keys(f: Figure) -> tuple[tuple, tuple]:
    """((family, quantity key), block) of a figure: what `group_quantities` groups it by first and
    the block its key is compared in. Figures that share neither with a figure cannot be grouped
    with it (the storage's incremental ledger update regroups only those that do)."""
    key = quantity_key(f.quantity or f.unit)
    return (_family(f), key), _block(f, key)
