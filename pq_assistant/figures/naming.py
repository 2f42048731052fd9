"""What a figure counts: unit (the counted noun), quantity phrase and scope."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..textutil import fold
from .lexicon import _ENTITY_RE, _NP_STOP, _PLACES, _PLACE_ADJECTIVES, _PLACE_ADJ_RE, _PLACE_RE, _clause_bounds, _expand_abbreviations, _lazy
from .holders import holder_of
from .phrases import _content_words, _find_scope, _group_scope, _head, _is_adjective, _noun_phrase, with_compound
from .kinds import _FORECAST_RE, _FUTURE_AFTER_RE, _is_change, _measured
from .measures import _measured_again, _measured_subject
from .state import _Fig, _State
from .targets import mark_target
from .wording import (_PERCENT_SUBJECT_RE, _OF_THE_RE, _OF_THOSE_BEFORE_RE, _OF_THEM_RE, _TOPIC_RE,
                      _NUMBER_OF_START_RE, _OWNER_RE, _NUMBER_OF_RE, _MONEY_BASE_RE, _MONEY_WORD_RE,
                      _MONEY_TARGET_RE, _EXTRA_RE, _PER_UNIT_RE, _PAYERS_RE, _ANAPHOR_RE, _SURVEY_RE,
                      _SHARE_OF_SUBJECT_RE)


# ---------------------------------------------------------------------------------------------
# What a number counts


_CUT_RE = _lazy(r"\s(?:en|én|maar|terwijl|zodat|omdat|waardoor|wat|die|waarvan|waar|waarmee|waarin|waarbij|om|"
                r"blijkt|bleek|volgens|aldus|meldt|meldde)\s")


def _family_of(kind: str) -> str:
    return "share" if kind in ("percent", "ratio") else kind


def _counts_before(fig: _Fig, figs: Sequence[_Fig]) -> _Fig | None:
    """The last count before `fig` in its sentence that is not a denominator."""
    c = [f for f in figs if f.start < fig.start and f.kind == "count" and f.noun and not f.denominator]
    return c[-1] if c else None


@dataclass
class _Around:
    """The words around a figure that `_describe_*` look at."""

    sentence: str
    clause: tuple[int, int]
    stop: int  # end of the clause or start of the next figure, whichever comes first
    prefix: str  # the clause up to the figure
    rest: str  # the sentence after the figure
    earlier: list[_Fig]  # figures of the same family before it in the sentence (described)
    prev: _Fig | None  # the last figure of the same family in earlier sentences
    anaphor: bool  # "daarvan", "waarvan", "van hen", "van die gemeenten"


# a Dutch plural noun at the end of a phrase ("kinderen", "GOK-kinderen", "ouders", "baby's")
_PLURAL_HEAD_RE = re.compile(r"[a-zà-ÿ](?:en|ers|s|'s|’s)$", re.I)
_COMPARATIVE_RE = re.compile(r"(?:hoger|lager|groter|kleiner|duurder|goedkoper|meer|minder|extra)\w*\b", re.I)


def _describe(fig: _Fig, sentence: str, state: _State, figs: list[_Fig]) -> None:
    """Fill unit, noun, quantity and scope of a figure from the words around it.

    `figs` are all figures of the sentence (those before `fig` are already described)."""
    clause = _clause_bounds(sentence, fig.start, fig.end)
    stop = min([clause[1]] + [f.start for f in figs if f.start > fig.start])
    prefix = sentence[clause[0]:fig.start]
    rest = sentence[fig.end:]
    fam = _family_of(fig.kind)
    around = _Around(
        sentence=sentence, clause=clause, stop=stop, prefix=prefix, rest=rest,
        earlier=[f for f in figs if f.start < fig.start and _family_of(f.kind) == fam and f.noun],
        prev=state.last.get(fam),
        anaphor=bool(_ANAPHOR_RE.search(prefix)) or bool(re.match(r"\s*daarvan\b", rest, re.I)),
    )
    after_prev = max([f.end for f in figs if f.end <= fig.start], default=0)
    fig.scope = _find_scope(sentence, fig, clause, stop, after_prev)
    if fam == "share":
        _describe_share(fig, around, state, figs)
    elif fam == "money":
        _describe_money(fig, around, state, figs)
    else:
        _describe_count(fig, around, state, figs)
    # "285 Vlaamse gemeenten", "19 Brusselse gemeenten": the figure's own adjective of place wins
    # over a place named later ("alle 300 Vlaamse gemeenten en het Brusselse Hoofdstedelijke Gewest")
    if (adj := _PLACE_ADJ_RE.match(rest)):
        fig.scope = _PLACE_ADJECTIVES[adj.group(1).lower()]
    mark_target(fig, sentence, clause)


_PER_MENTION_RE = _lazy(r"\b(?:bedrag|basisbedrag|forfait|toelage|subsidie)\s+(?:per|voor\s+elk(?:e)?)\s+", re.I)


def note_per_unit(sentence: str, state: _State) -> None:
    """Remember 'een vast bedrag per Huis van het Kind' for a later 'Het vaste bedrag bedraagt ...'."""
    for m in _PER_MENTION_RE.finditer(sentence):
        phrase, _ = _noun_phrase(sentence[m.end():])
        if phrase:
            state.per_unit = _head(phrase)


_THAT_NUMBER_RE = _lazy(r"\b(?:dat|dit|datzelfde|hetzelfde)\s+aantal\b", re.I)
_COUNT_AFTER_RE = _lazy(r"\s*(?:\w+\s+){0,2}?(?:van|wat\s+betreft|voor)\s+het\s+aantal\s+", re.I)


def _describe_share(fig: _Fig, a: _Around, state: _State, figs: list[_Fig]) -> None:
    """A percentage or ratio: 'aandeel <what it is a share of> <what is said about it>'."""
    s = a.sentence
    if _is_change(s, fig):
        # the last "het aantal X" before the figure ("Het aantal oproepen daalt licht, terwijl het
        # aantal schriftelijke vragen met 10 % stijgt": the questions), with the service it is
        # counted at ("het aantal oproepen bij de Kind en Gezin-lijn")
        starts = [m.end() for m in _NUMBER_OF_START_RE.finditer(s[:fig.start])]
        prev_count = state.last.get("count")
        what = ""
        # or right after it: "de stijging met 10 procent van het aantal dossiers", "met 60 procent
        # gestegen wat betreft het aantal kinderen in een verontrustende opvoedingssituatie"
        after = _COUNT_AFTER_RE.match(s, fig.end) if not starts else None
        if after:
            what = _noun_phrase(s[after.end():])[0]
        if not what and _THAT_NUMBER_RE.search(s[:fig.start]) and (prev := state.last.get("share")) is not None \
                and prev.quantity.startswith("verandering ") and prev.noun:
            what = prev.noun  # "In Wallonië is dat aantal met 4 procent gedaald": the count of the change before
        if not what and starts:
            what, length = _noun_phrase(s[starts[-1]:fig.start])
            owner = _OWNER_RE.match(s, starts[-1] + length)
            if what and owner:
                what = f"{what} {owner.group(1)}"
        elif not what and prev_count:
            what = prev_count.quantity
        if what and starts and not _ENTITY_RE.search(s) and prev_count is not None and state.last_entity \
                and fold(prev_count.quantity).endswith(" " + fold(state.last_entity)) \
                and fold(state.last_entity) not in fold(what):
            # "In 2017 ontving de Kind en Gezin-lijn 286.410 oproepen. … Het aantal oproepen daalt,
            # terwijl het aantal schriftelijke vragen met 10 % stijgt": the questions to that line
            what = f"{what} {state.last_entity}"
        fig.noun, fig.own_noun = what, bool(what)
        fig.quantity = ("verandering " + what).strip()
        return
    if _budget_share(fig, a, state):
        return
    if (part := _restated_part(fig, a, state)) is not None or (part := _restated_count(fig, a, state)) is not None:
        # "Samen bestrijken de Huizen 290 van de 300 gemeenten. Dat is een dekkingsgraad van 97 %."
        # "... waren 1.942 kleuters minder dan 290 halve dagen aanwezig. Dat is 2,7 % van alle vijfjarigen."
        fig.noun = part.noun
        fig.quantity = "aandeel " + re.sub(r"^deel\s+", "", part.quantity)
        fig.scope = fig.scope or part.scope
        return
    noun = head = ""
    pos = fig.end
    if paren := re.match(r"\s*\([^)]*\)", s[pos:]):  # "17% (+/- 1 op 5) van de ..."
        pos += paren.end()
    of_the = _OF_THE_RE.match(s, pos)
    if of_the or fig.kind == "ratio":  # "13,1 % van de kinderen ...", "3 op 4 deelnemende gezinnen"
        start = of_the.end() if of_the else pos
        phrase, length = _noun_phrase(s[start:])
        if phrase:
            tail = s[start + length:]
            tail_end = re.search(r"[,;:()]|\.$", tail)
            nxt = [f.start - start - length for f in figs if f.start > fig.start and f.start >= start + length]
            cut = min([len(tail)] + nxt)
            main = ""
            if tail_end and tail[tail_end.start()] == "," and _RELATIVE_RE.match(tail) and tail_end.end() < cut:
                # "88,4 % van de kinderen die in dat jaar geboren zijn, kwam minstens één keer op consult
                # bij een consultatiebureau": the relative clause says which ones, the clause after it
                # what the share is of
                main = tail[tail_end.end():cut]
                main_end = re.search(r"[,;:()]|\.$", main)
                main = main[:main_end.start()] if main_end else main
            tail = tail[:tail_end.start()] if tail_end else tail
            tail = tail[:cut]
            words = _content_words(tail, 2) + _content_words(main, 3) if main else _content_words(tail, 4)
            noun, head = " ".join([phrase] + words), phrase
    if not noun and fig.kind == "percent" and not of_the:
        # "zat er 88 procent kansarme kinderen", "met 66 procent GOK-kinderen": a share followed at
        # once by the plural noun it counts (not a comparison: "20 % hogere kosten")
        phrase, length = _noun_phrase(s[pos:])
        if phrase and _PLURAL_HEAD_RE.search(phrase) and not _COMPARATIVE_RE.match(phrase) \
                and re.match(r"\s+\S", s[pos:]) and not s[pos:pos + 1].strip():
            noun = head = phrase
    # (not the "van het" inside a name: "Bij de Huizen van het Kind in de centrumsteden loopt dat aandeel ...")
    unnamed = _ENTITY_RE.sub(lambda m: "_" * len(m.group()), a.prefix)
    if not noun and (before := _OF_THOSE_BEFORE_RE.search(unnamed)):  # "Van die gezinnen had 38 % ..."
        phrase, _ = _noun_phrase(a.prefix[before.start(1):])
        if phrase:
            noun, head = " ".join([phrase] + _content_words(s[fig.end:a.stop], 4)), phrase
    if not noun and (named := _SHARE_OF_SUBJECT_RE.search(s[a.clause[0]:fig.start])):
        # "Het percentage kinderen geboren in een kansarm gezin steeg tot 17,8 %"
        words = _content_words(named.group(1), 5)
        if words:
            noun, head = " ".join(words), words[0]
    if not noun:  # "bedroeg de vaccinatiegraad 96,3 %", "Dat is een dekkingsgraad van 97 %"
        subj = _PERCENT_SUBJECT_RE.search(s[a.clause[0]:a.clause[1]]) or _PERCENT_SUBJECT_RE.search(s)
        cand = " ".join(w for w in subj.group(1).split() if w.lower() not in _NP_STOP) if subj else ""
        if cand and cand.lower() not in ("aandeel", "percentage", "bereik", "gemiddelde"):
            noun = head = cand
        elif cand.lower() == "bereik" and not a.earlier and a.prev is None:
            # "Bij kinderen uit kansarme gezinnen ligt het bereik op 91,2 %": the reach, of a group
            fig.noun, fig.quantity = "bereik", "bereik"
            fig.scope = fig.scope or _group_scope(s, a.clause, fig)
            return
    if noun:
        fig.noun, fig.own_noun = noun, True
        # a rate or index is named by itself ("vaccinatiegraad"); a share of something is "aandeel
        # ...", also when the words after it name an index ("Van die gezinnen leefde 71 % in
        # kansarmoede volgens de criteria van de kansarmoede-index": a share of the families)
        fig.quantity = noun if re.search(r"(graad|index)$", head.split()[-1], re.I) else "aandeel " + noun
        fig.scope = fig.scope or _group_scope(s, a.clause, fig)
        return
    counted = _counts_before(fig, figs)
    if _OF_THEM_RE.search(a.prefix) and (counted or state.first.get("count")):  # "Van hen bevond 58 % zich ..."
        src = counted or state.first["count"]
        fig.noun = src.noun
        pred = _content_words(s[fig.end:a.stop], 3)
        fig.quantity = " ".join(["aandeel", re.sub(r"^deel\s+", "", src.quantity), *pred])
        fig.scope = fig.scope or _group_scope(s, a.clause, fig)
        return
    if a.earlier:  # "17% (+/- 1 op 5)", "24 % op gezondheid, 15 % op ...": the same share
        src = a.earlier[-1]
        fig.noun, fig.quantity = src.noun, src.quantity
        topic = _TOPIC_RE.match(a.rest)
        fig.scope = fig.scope or _group_scope(s, a.clause, fig) or (topic.group(1) if topic else "") or src.scope
        return
    if counted:  # "48 van de 117 Huizen ..., of 41 %": the share of that count
        fig.noun = counted.noun
        fig.quantity = "aandeel " + re.sub(r"^deel\s+", "", counted.quantity)
        fig.scope = fig.scope or counted.scope
        return
    if a.prev is not None:  # "In 2019 bedroeg dat aandeel 14,6 %"
        fig.noun, fig.quantity = a.prev.noun, a.prev.quantity
        fig.scope = fig.scope or _group_scope(s, a.clause, fig) or a.prev.scope
        return
    fig.quantity = "aandeel"
    fig.scope = fig.scope or _group_scope(s, a.clause, fig)


# A budget distributed by criteria: "Het resterende budget wordt verdeeld op basis van het aantal
# minderjarigen in het werkingsgebied (60 %) en het aantal kinderen geboren in een kansarm gezin
# (40 %)", "wordt 40 % van dat budget verdeeld op basis van het aantal kinderen ...".
_DISTRIBUTED_RE = _lazy(r"\b(?:verdeeld|verdeelt|verdelen|verdeling|verdeelsleutel|toegekend|toegewezen)\b", re.I)
_OF_THAT_BUDGET_RE = _lazy(r"\s*van\s+(?:dat|dit|die|deze|het|de)\s+(?:resterende\s+|overige\s+|totale\s+)?"
                           r"(?:budget|bedrag|middelen|werkingsmiddelen|krediet|subsidie\w*)\b", re.I)
_ON_BASIS_RE = _lazy(r"\bop\s+(?:basis|grond)\s+van\s+", re.I)
_CRITERION_LEAD_RE = _lazy(r"^(?:(?:het|de)\s+(?:totale\s+)?(?:aantal|aandeel)\s+|(?:het|de)\s+)", re.I)


def _criterion(text: str) -> str:
    """'het aantal kinderen geboren in een kansarm gezin' -> 'kinderen geboren in een kansarm gezin'."""
    text = re.split(r"[.;:()]|,\s", text, maxsplit=1)[0].strip()
    return _CRITERION_LEAD_RE.sub("", text).strip()


def _budget_share(fig: _Fig, a: _Around, state: _State) -> bool:
    """A percentage of a budget named before that is distributed by a criterion: the share of that
    budget ("aandeel budget Huizen van het Kind"), its criterion the scope, so that the key of
    each year's distribution is one timeline, one series a criterion. False when not such a share."""
    s = a.sentence
    if fig.kind != "percent" or state.budget is None or not _DISTRIBUTED_RE.search(s):
        return False
    if s[:fig.start].rstrip().endswith("(") and re.match(r"\s*\)", s[fig.end:]):
        # "op basis van het aantal minderjarigen in het werkingsgebied (60 %) en het aantal ... (40 %)"
        before = s[:s[:fig.start].rstrip().rfind("(")]
        basis = list(_ON_BASIS_RE.finditer(before))
        if not basis:
            return False
        segment = before[basis[-1].end():]
        segment = re.split(r"\)\s*(?:,|en|of)?\s*", segment)[-1]
        segment = re.split(r"\s(?:en|of)\s+(?=(?:het|de)\s)", segment)[-1]
        criterion = _criterion(segment)
    elif _OF_THAT_BUDGET_RE.match(s, fig.end) and (basis := _ON_BASIS_RE.search(s, fig.end)):
        criterion = _criterion(s[basis.end():])  # "40 % van dat budget verdeeld op basis van het aantal ..."
    else:
        return False
    if not criterion:
        return False
    fig.noun = state.budget.noun
    fig.quantity = "aandeel " + state.budget.quantity
    fig.scope = fig.scope or criterion
    return True


_RESTATES_RE = _lazy(r"\s*(?:dat|dit|het)\s+(?:is|was|betekent|komt\s+neer\s+op|maakt|vertegenwoordigt)\b", re.I)


def _restated_part(fig: _Fig, a: _Around, state: _State) -> _Fig | None:
    """The part of a whole the sentence before gave, when this percentage restates it as a share:
    "Dat is (een dekkingsgraad van) 97 %" right after "290 van de 300 gemeenten", and the
    percentage is that part of that whole (rounded; 290/300 = 96,7 %). None otherwise."""
    if fig.kind != "percent" or fig.number is None or state.last_part is None or a.earlier:
        return None
    if not _RESTATES_RE.match(a.sentence):
        return None
    part, whole = state.last_part
    if part.number is None or abs(100 * part.number / whole - fig.number) > 1.0:
        return None
    return part


def _restated_count(fig: _Fig, a: _Around, state: _State) -> _Fig | None:
    """The count of the sentence before when this percentage restates it as a share of all of
    something: "In het schooljaar 2016-2017 waren 1.942 kleuters ... aanwezig. Dat is ongeveer 2,7 %
    van alle vijfjarigen." — the share those kleuters are (of all five-year-olds), not a share of
    "vijfjarigen" as a quantity of its own. None otherwise (a change, another figure before it)."""
    if fig.kind != "percent" or state.last_count is None or a.earlier:
        return None
    if not _RESTATES_RE.match(a.sentence) or not re.fullmatch(r"\W*(?:dat|dit|het)\s+(?:is|was)\s+"
                                                             r"(?:(?:ongeveer|bijna|ruim|circa|zowat|net|amper)\s+)?",
                                                             a.sentence[:fig.start], re.I):
        return None
    if not re.match(r"\s*van\s+(?:alle|de|het|het\s+totale\s+aantal)\s+", a.sentence[fig.end:], re.I):
        return None
    return state.last_count


_RELATIVE_RE = _lazy(r"\s*(?:die|dat|wie|waar|waarvan|waarin|waarbij)\b", re.I)


_POSSESSIVES = {"hun", "haar", "zijn", "hen"}


def note_entity(sentence: str, state: _State) -> None:
    """Remember the last named kind of thing a text speaks of ("de Huizen van het Kind"), for a
    later "voor hun werking"."""
    names = [e.group() for e in _ENTITY_RE.finditer(_expand_abbreviations(sentence)) if not _PAYERS_RE.fullmatch(e.group())]
    if names:
        state.last_entity = names[-1]


def _describe_money(fig: _Fig, a: _Around, state: _State, figs: list[_Fig]) -> None:
    """An amount: 'budget <recipient>', 'bedrag per <unit>', with 'extra', 'deel', 'gemiddeld'."""
    s = a.sentence
    text = s[a.clause[0]:a.clause[1]]
    markers = []
    if _EXTRA_RE.search(s):
        markers.append("extra")
    if re.search(r"\bgemiddeld(?:e)?\b", s, re.I):
        markers.append("gemiddeld")
    if a.anaphor or re.search(r"\boverige\b", a.prefix, re.I):  # "Daarvan gaat 1,6 miljoen euro naar ..."
        markers.append("deel")
        whole = state.first.get("money")
        if "extra" not in markers and whole is not None and "extra" in whole.quantity.split():
            # "in het kader van het noodfonds 2,5 miljoen euro vrijgemaakt ... De overige 900.000
            # euro wordt ingezet voor de inloopteams": a part of extra means is extra too
            markers.insert(0, "extra")
    if _is_change(s, fig):  # "dat is 1,2 miljoen euro meer dan in 2022"
        markers.append("verandering")
    per_after = re.match(r"\s*per\s+([a-zà-ÿ][\w-]*)", a.rest, re.I)
    if per_after:  # "7,85 euro per uur"
        fig.unit += " per " + per_after.group(1)
    # the recipient: a known name in the clause (or sentence), else "voor/aan/naar/van <noun>"
    own = s[fig.start:a.stop]  # up to the next figure: "€ 1,2 miljoen voor X en € 250.000 voor Y"
    target = ""
    for where in (own, text, s):
        names = [e.group() for e in _ENTITY_RE.finditer(where) if not _PAYERS_RE.fullmatch(e.group())]
        if names:
            target = names[0]
            break
        if where is s:
            break
        for m in _MONEY_TARGET_RE.finditer(where):  # "voor de preventieve gezinsondersteuning"
            phrase, length = _noun_phrase(where[m.end():])
            if phrase.lower() in _POSSESSIVES:  # "voor hun werking": the named kind of thing spoken of
                target = state.last_entity
                break
            if phrase and not _MONEY_BASE_RE.match(phrase) and not re.match(r"\d", phrase):
                of = re.match(r"\s+van\s+(?:de\s+|het\s+)?", where[m.end() + length:])
                more = _noun_phrase(where[m.end() + length + of.end():])[0] if of else ""
                target = f"{phrase} van {more}" if more else phrase  # "de bestrijding van kinderarmoede"
                break
        if target:
            break
    if not target:  # "14 projecten ..., voor een totaal bedrag van 250.000 euro"; "Daarvoor werd ..."
        counted = [f for f in figs if f.start < fig.start and f.kind == "count" and f.noun]
        last_count = counted[-1] if counted else state.last.get("count")
        refers = re.search(r"\b(?:daarvoor|hiervoor|daarmee|hiermee)\b", a.prefix, re.I)
        if last_count is not None and (counted or refers):
            target = last_count.noun
    if per_after:
        base = "bedrag per " + per_after.group(1)
    elif _PER_UNIT_RE.search(s):
        fixed = re.search(r"\b(?:basisbedrag|vaste?\s+bedrag)\b", s, re.I)
        unit = _head(target) if target else state.per_unit
        base = "bedrag per " + unit if unit else ("vast bedrag" if fixed else "bedrag per eenheid")
    elif target:
        base = "budget " + _head(target)
    elif a.prev is not None and not markers:  # "Voor 2015 is 3,1 miljoen euro voorzien."
        share = state.last.get("share")
        part = share is not None and state.last_sentence_share and "budget" in share.quantity
        fig.noun, fig.scope = a.prev.noun, fig.scope or a.prev.scope
        # "40 % van dat budget wordt verdeeld ... In 2022 gaat het om 3,85 miljoen euro": a part
        fig.quantity = ("deel " + a.prev.quantity) if part else a.prev.quantity
        return
    else:
        word = (m.group(1).lower() if (m := _MONEY_WORD_RE.search(text) or _MONEY_WORD_RE.search(s)) else "bedrag")
        base = "budget" if word in ("budget", "begroting", "middelen", "werkingsmiddelen") else word
        if base == "bedrag" and re.search(r"\b(?:bijkomend|bijkomende|extra|aanvullend|aanvullende)\b", text, re.I):
            # "Voor 2022 maak ik 1,5 miljoen euro bijkomend vrij": an extra amount is extra budget
            # (a sum per unit is "bedrag per ..." above)
            base = "budget"
    fig.noun, fig.own_noun = target, bool(target)
    fig.quantity = " ".join(markers + [base])


def _describe_count(fig: _Fig, a: _Around, state: _State, figs: list[_Fig]) -> None:
    """A count: '<counted noun> <what the clause says about it>', or the quantity of the figure
    it refers to ("waarvan 22 ...", "121 hebben ...", "waren er dat nog 161")."""
    s = a.sentence
    anaphor = a.anaphor
    noun, np_end = _noun_phrase(a.rest)
    if when := _WHEN_AFTER_RE.match(a.rest):  # "tegenover 109.214 twee jaar eerder": no noun, a time
        noun, np_end = "", when.end()
    if noun and (place := _PLACE_RE.fullmatch(noun)):  # "19 Brussels Hoofdstedelijk Gewest": a place
        fig.scope = fig.scope or _PLACES[place.group(1).lower()]
        noun, np_end = "", 0
    fig.denominator = bool(re.search(r"\d\s+van\s+(?:de|het|alle)\s+$", s[:fig.start], re.I))
    if re.search(r"\bop\s+$", s[:fig.start]) and noun and any(
            f.kind == "count" and _head(f.noun).lower() == _head(noun).lower() for f in a.earlier):
        fig.denominator = True  # "231 gemeenten ... op 308 gemeenten": out of 308
    if sub := re.match(r"\s*van\s+(?:de|het|alle)\s+\d[\d.]*\s+", a.rest, re.I):
        fig.subset = True  # "38 van de 124 Huizen van het Kind": a part of that count
        noun, length = _noun_phrase(a.rest[sub.end():])
        np_end = sub.end() + length
    elif sub := re.match(r"\s*van\s+(?:die|deze|hen)\s+", a.rest, re.I):
        fig.subset = anaphor = True  # "146 van die gemeenten"
        noun, length = _noun_phrase(a.rest[sub.end():])
        np_end = sub.end() + length
    if not noun and (m := _NUMBER_OF_RE.search(s[:fig.start])):
        noun, _ = _noun_phrase(m.group(1))  # "het aantal Huizen van het Kind ... tot ongeveer 105"
    earlier_counts = [f for f in a.earlier if f.kind == "count" and f.noun]
    if noun and earlier_counts and all(_is_adjective(w) for w in noun.split()) and not _ENTITY_RE.search(noun):
        # "12 gesloten locaties en 4 nieuwe": the noun of the figure before, left out
        noun = f"{noun} {_head(earlier_counts[-1].noun)}"
    if noun:
        # "het aantal kinderopvangplaatsen ... Op 1 oktober waren er 109.120 plaatsen": the head of a
        # compound named before in the paragraph (its topic) or in the document refers to it
        for compound in ([state.topic] if state.topic else []) + state.compounds[::-1]:
            named = with_compound(noun, compound)
            if named != noun:
                noun = named
                break
        _note_compound(state, _head(noun))
    if noun and (subject := _measured_subject(s[:fig.start], noun)):
        # "De gemiddelde wachttijd ... bedroeg in 2023 94 dagen": days measure the subject
        fig.noun, fig.own_noun = subject, True
        fig.unit = (fig.unit + " " if fig.unit else "") + _head(noun)
        # an average when the sentence says so ("bedraagt gemiddeld 3,2 dagen", "iets lager dan het
        # nationale gemiddelde, met 3,0 dagen")
        average = re.search(r"\bgemiddeld(?:e)?\b", s, re.I) and "gemiddeld" not in subject.lower()
        fig.quantity = ("gemiddeld " if average else "") + subject
        fig.scope = fig.scope or _group_scope(s, (0, a.clause[1]), fig)
        return
    if noun and (same := _measured_again(s[:fig.start], noun, a.earlier, a.prev)) is not None:
        # "De gemiddelde verblijfsduur bedroeg 3,1 dagen. In Brussel bedroeg ze 3,3 dagen en in
        # Wallonië 3,2 dagen": the same measure
        fig.noun, fig.own_noun = same.noun, True
        fig.unit = (fig.unit + " " if fig.unit else "") + _head(noun)
        fig.quantity = same.quantity
        fig.scope = fig.scope or _group_scope(s, (0, a.clause[1]), fig)
        return
    measured = [f for f in a.earlier if f.kind == "count" and f.quantity and not f.denominator]
    if noun and measured and _GOOD_FOR_RE.search(s[:fig.start]):
        # "2.386 personeelsleden, goed voor 2.174 voltijdse equivalenten": the same things in another unit
        fig.noun, fig.own_noun = noun, True
        fig.unit = (fig.unit + " " if fig.unit else "") + _head(noun)
        fig.quantity = f"{noun} {measured[-1].quantity}"
        fig.scope = fig.scope or measured[-1].scope
        return
    parent: _Fig | None = None
    wholes = [f for f in a.earlier if not f.denominator]
    if anaphor:  # "Daarvan ...": the first figure of the previous sentence (or the list lead)
        parent = state.lead or (wholes[-1] if wholes else (state.first.get("count") or a.prev))
    elif not noun:  # "121 hebben een gemeentelijk werkingsgebied": the figure before it
        parent = wholes[-1] if wholes else (a.earlier[-1] if a.earlier else (state.lead or a.prev))
        if parent is None and state.topic:
            # "Het aantal Huizen van het Kind is gestegen. Op 1 januari waren er 144 erkend": the
            # paragraph's topic is what it counts
            noun = state.topic
    per = re.match(r"\s*per\s+([\w-]+(?:\s+[\w'’-]+)?)", a.rest[np_end:]) \
        or re.match(r"\s*(?:voor|op)\s+((?:100|1\.000)\s+[\w'’-]+)", a.rest[np_end:])  # "80,5 plaatsen voor 100 kinderen"
    noun_unit = " per " + per.group(1) if per else ""
    # what the clause says about the counted things, up to the next figure or conjunction
    pred_start = fig.end + np_end
    clause_end = a.clause[1] if a.clause[1] > pred_start else len(s)
    pred_stop = min([clause_end] + [f.start for f in figs if f.start >= pred_start])
    pred_text = s[pred_start:pred_stop]
    cut = _CUT_RE.search(pred_text)
    pred_text = pred_text[:cut.start()] if cut else pred_text
    # "153 Huizen van het Kind omvatten 231 gemeenten": the verb relates two figures
    links_figures = cut is None and not fig.subset and any(f.start == pred_stop for f in figs if f is not fig)
    # "De 104 Huizen van het Kind blijven ook een belangrijke partner": a predicate noun says what
    # the counted things are, it does not restrict which are counted
    # (not "In 171 gemeenten is het lokaal loket ...": there the counted things are no subject)
    role = _PREDICATE_NOUN_RE.match(pred_text) and not _PREPOSITION_BEFORE_RE.search(s[:fig.start])
    pred = [] if fig.denominator or links_figures or role else _content_words(pred_text, 3)
    # "tegenover 161 een jaar eerder": when, not what ("jaar" is a time word already)
    pred = [w for w in pred if fold(w) not in _WHEN_WORDS]
    if _TAKES_PLACE_RE.search(s):  # "vonden 96.200 consulten plaats": the particle of "plaatsvinden"
        pred = [w for w in pred if w.lower() != "plaats"]
    if fig.subset and not pred and not anaphor:
        # "In totaal bestrijken de erkende Huizen van het Kind 142 van de 308 Vlaamse gemeenten":
        # what the part is said of stands before it
        pred = _content_words(a.prefix, 3)
    if fig.denominator and noun:  # "van de 308 Vlaamse gemeenten": the total
        fig.noun, fig.own_noun = noun, True
        fig.unit = (fig.unit + " " if fig.unit else "") + _head(noun) + noun_unit
        fig.quantity = "totaal " + _head(noun)
        return
    if noun:
        fig.noun, fig.own_noun = noun, True
        head = parent.unit if parent is not None else _head(noun)
        fig.unit = (fig.unit + " " if fig.unit else "") + head + noun_unit
    elif parent is not None:
        fig.noun = parent.noun
        fig.unit = (fig.unit + " " if fig.unit else "") + parent.unit
    markers: list[str] = []
    if _FORECAST_RE.search(s[:fig.start] if "," not in s[:fig.start] else a.prefix) \
            or re.search(r"\btegen\b", a.prefix, re.I) or _FUTURE_AFTER_RE.search(s[fig.end:a.clause[1]]):
        markers.append("verwacht")
    if re.search(r"\bgemiddeld\s+$", s[:fig.start], re.I):
        markers.append("gemiddeld")
    if _SURVEY_RE.search(s):
        markers.append("bevraagd")
    if fig.subset and not pred:
        # "142 van de 308 Vlaamse gemeenten": a part, not the count of municipalities; with words
        # of its own it is a quantity of its own ("288 van de 300 gemeenten beschikken over een
        # lokaal loket" counts the municipalities with a loket, as "alle 285 gemeenten" does)
        markers.append("deel")
    if _is_change(s, fig):
        markers.append("verandering")
    fig.scope = fig.scope or _group_scope(s, a.clause, fig) or (parent.scope if parent is not None else "")
    if parent is not None and not noun and pred and not markers and _IN_PART_OF_RE.search(s[:fig.start]) \
            and _OF_THEM_AFTER_RE.match(a.rest):
        # "309 consultatiebureaus. In 42 daarvan wordt een prenataal consult aangeboden": the part
        # in which something happens is the same count restricted by that clause — its series
        # (scope), not a quantity of its own
        fig.quantity = parent.quantity
        fig.scope = " ".join(pred) if not fig.scope or fig.scope == parent.scope else fig.scope
        return
    if parent is not None and not noun and not pred and not markers:
        # "waren er dat nog 161", "waarvan 1 in het BHG": the same quantity again — but not its
        # kind: "er zouden 8495 plaatsen moeten zijn. Dat is een pak meer dan de 6720 die er nu
        # zijn": 6720 is what there is (its own clause makes a figure a target or forecast)
        fig.quantity = _measured(parent.quantity)
        return
    if parent is not None:
        base = parent.noun or _measured(parent.quantity)
        words = ([noun] if noun and _head(noun).lower() != _head(parent.noun).lower() else []) + pred
    else:
        base, words = noun, pred
    words = [w for w in words if fold(w) not in ("verwacht", "bevraagd", "bevraging", "deel")]
    holder = holder_of(fig.start, a.sentence, a.clause[0], state, " ".join([base, *words]))
    fig.quantity = " ".join(w for w in [*markers, base, *words, holder] if w).strip()


# Adverbs that place a figure in time relative to another ("een jaar eerder", "twee jaar later",
# "kort daarna"): the date (`dates`) says when; they never say what is counted.
_WHEN_WORDS = {"eerder", "later", "voordien", "daarvoor", "nadien", "daarna", "voorheen", "vroeger", "geleden"}
_WHEN_AFTER_RE = _lazy(r"\s*(?:een|één|twee|drie|vier|vijf|zes|tien|enkele|\d+|het|dat)\s+(?:jaar|jaren|maand|maanden|"
                       r"week|weken|dag|dagen)\s+(?:eerder|later|voordien|daarvoor|nadien|daarna|voorheen|vroeger|geleden)\b",
                       re.I)



_PREDICATE_NOUN_RE = _lazy(r"\s*(?:blijven|blijft|zijn|is|vormen|vormt|worden|wordt)\s+"
                           r"(?:(?:ook|nog|wel|dus|daarbij|zo|echt|samen)\s+)*(?:een|de|het)\s+[a-zà-ÿ]", re.I)
_PREPOSITION_BEFORE_RE = _lazy(r"\b(?:in|bij|op|voor|van|met|aan|uit|over|naar|tot)\s+$", re.I)
_IN_PART_OF_RE = _lazy(r"\b(?:in|bij|voor|op)\s+$", re.I)
_OF_THEM_AFTER_RE = _lazy(r"\s*(?:daarvan|hiervan|van\s+hen|van\s+die|van\s+deze)\b", re.I)
_GOOD_FOR_RE = _lazy(r",?\s*(?:samen\s+)?goed\s+voor\s+(?:ongeveer\s+|bijna\s+|ruim\s+|circa\s+)?$", re.I)
_TAKES_PLACE_RE = _lazy(r"\b(?:vond|vonden|vindt|vinden)\b", re.I)


def _note_compound(state: _State, noun: str) -> None:
    """Remember a one-word noun long enough to be a compound ("kinderopvangplaatsen"), newest
    last, each once, the last 20 only (a later head noun may refer to it: `with_compound`)."""
    if " " in noun or len(noun) < 9:
        return
    if noun in state.compounds:
        state.compounds.remove(noun)
    state.compounds.append(noun)
    del state.compounds[:-20]


def note_topic(sentence: str, state: _State) -> None:
    """Remember what a paragraph counts when a sentence names it without a figure: "Het aantal
    Huizen van het Kind is op een jaar tijd fors gestegen." """
    m = _NUMBER_OF_RE.search(sentence)
    if m:
        phrase, _ = _noun_phrase(m.group(1))
        if phrase:
            state.topic = phrase
            _note_compound(state, phrase)
