"""Noun phrases of Dutch figure sentences: the head noun, compounds, content words, places and
the scope of a figure (what `naming` builds its units and quantity phrases from)."""
from __future__ import annotations

import re

from ..textutil import MONTH_RE, fold
from .lexicon import _PLACE_ALT, _ABBREVIATIONS, _ENTITY_RE, _IN_PLACE_RE, _LIGHT_VERBS, _NP_STOP, _PLACES, _PLACE_ADJECTIVES, _PLACE_RE, _TIME_UNITS, _expand_abbreviations, _find_dates, _lazy
from .state import _Fig


_AGENCIES = _lazy(
    r"\b(?:Kind en Gezin|Opgroeien|Vlaamse Regering|Vlaams Parlement|VVSG|EXPOO|minister|agentschap)\b", re.I)
_TIME_WORDS = {"datum", "moment", "ogenblik", "periode", "jaar", "jaren", "maand", "maanden", "week", "dag", "dagen",
               "vandaag", "momenteel", "thans", "nu", "dezelfde", "zelfde", "stand", "zaken", "laatste", "einde",
               "eind", "begin", "regeerperiode", "legislatuur", "schooljaar", "najaar", "voorjaar", "kwartaal",
               # adverbs and adjectives of time: they date a figure, they do not say what it counts
               "vorig", "vorige", "afgelopen", "voorbije", "huidige", "komende", "volgend", "volgende",
               "reeds", "intussen", "ondertussen", "inmiddels", "toen", "destijds", "vroeger", "straks", "half"}


def _is_adjective(word: str) -> bool:
    """An attributive adjective or participle before a noun ('erkende', 'nieuwe', 'Vlaamse')."""
    w = word.lower()
    return (w.endswith("e") and len(w) > 3 and not w.endswith(("ie", "ee", "ië"))) or w in ("extra", "eigen", "aantal") \
        or w in _STRONG_PARTICIPLES


# participles in -en that stand before a noun as adjectives ("3.946 verdwenen plaatsen"): without
# an -e they would be taken for the counted noun
_STRONG_PARTICIPLES = {"verdwenen", "verloren", "gesloten", "gebleven", "overgebleven", "bijgekomen", "toegewezen",
                       "ingeschreven", "gegeven", "ontvangen", "gevonden", "aangenomen", "opgenomen", "weggevallen",
                       "verkregen", "geschreven", "gedaan", "aangeboden", "uitgegeven", "vrijgekomen", "afgewezen"}


def _is_predicate_word(word: str) -> bool:
    """An adverb/participle that cannot head a noun phrase ('intergemeentelijk', 'georganiseerd')."""
    w = word.lower()
    return (w.endswith(("lijk", "isch", "baar", "ig", "eerd", "iseerd")) or
            (w.startswith("ge") and w.endswith(("d", "t")) and len(w) > 5) or
            w in ("erkend", "betrokken", "actief", "open", "samen", "opgestart", "ondersteund"))


# adverbs of time that can stand between a number and the adjectives of its noun
_NP_ADVERBS = {"reeds", "momenteel", "thans", "inmiddels", "intussen", "ondertussen", "steeds", "telkens"}


def _noun_phrase(text: str) -> tuple[str, int]:
    """The noun phrase at the start of `text` (right after a number) and its end offset.

    Adjectives, then one head noun: a known multiword name ("Huizen van het Kind"), an
    abbreviation ("HvhK") or a word. Stops at punctuation, function words and verbs; a phrase of
    adverbs/participles only ("intergemeentelijk georganiseerd") is no noun phrase."""
    pos = 0
    words: list[str] = []
    end = 0
    while len(words) < 5:
        m = re.match(r"\s*", text[pos:])
        pos += m.end() if m else 0
        ent = _ENTITY_RE.match(text, pos)
        if ent:
            words.append(ent.group())
            end = ent.end()
            break
        tok = re.match(r"[A-Za-zÀ-ÿ][\w’'&-]*", text[pos:])
        if not tok:
            break
        w = tok.group()
        lw = w.lower()
        if lw in _NP_STOP or lw in ("daarvan", "waarvan", "hiervan"):
            break
        if lw in _NP_ADVERBS and not words:  # "2604 reeds bestaande plaatsen": the adverb is no part of it
            pos += tok.end()
            continue
        if words and re.fullmatch(_TIME_UNITS, lw) and not _is_adjective(words[-1]):
            break
        if words and _is_predicate_word(w) and not _is_adjective(w) and lw not in _ABBREVIATIONS:
            break  # "21 nieuwe geopend": the participle is what happened to them, not their noun
        words.append(w)
        pos = end = pos + tok.end()
        if lw in _ABBREVIATIONS or not _is_adjective(w):
            break
    if words and all(_is_predicate_word(w) for w in words):
        return "", 0
    return " ".join(words), end


def _head(noun: str) -> str:
    """The counted noun without leading adjectives ('erkende Huizen van het Kind' -> 'Huizen van het Kind')."""
    noun = _expand_abbreviations(noun)
    ent = _ENTITY_RE.search(noun)
    if ent:
        return ent.group()
    words = noun.split()
    while len(words) > 1 and _is_adjective(words[0]):
        words = words[1:]
    return " ".join(words)



def with_compound(noun: str, compound: str) -> str:
    """`noun` with its last word replaced by `compound` when that word is the compound's head:
    Dutch names a thing by a compound once ("het aantal kinderopvangplaatsen voor baby's", a caption
    "Kinderopvangplaatsen op 1 oktober") and then by its head alone ("109.120 plaatsen", a column
    "Plaatsen totaal"). Otherwise `noun` unchanged. `compound` is a noun phrase; its head word counts."""
    words = noun.split()
    heads = _head(compound).split() if compound else []
    if not words or len(heads) != 1:
        return noun
    w, c = fold(words[-1]), fold(heads[0])
    modifier = c[:-len(w)]
    # "opvangaanvragen" ends in "vragen" but is built on "aanvragen": a modifier that ends in a
    # verb particle is no modifier of the shorter word
    if len(w) >= 4 and len(modifier) >= 3 and c.endswith(w) and modifier.isalpha() \
            and not modifier.endswith(_PARTICLES):
        return " ".join([*words[:-1], heads[0]])
    return noun


_PARTICLES = ("aan", "op", "af", "in", "uit", "toe", "om", "door", "over", "mee", "terug", "bij", "na", "voor", "weg")


_NOT_CONTENT = {"aantal", "daarvan", "waarvan", "hiervan", "dus", "zich", "zichzelf", "bevond", "bevonden", "bevindt", "bevinden",
                "zo", "ook", "wel", "echter", "immers", "bovendien", "daarnaast", "verder", "tevens",
                # where a figure comes from, not what it counts: "..., blijkt uit cijfers van het ministerie"
                "blijkt", "bleek", "volgens", "aldus", "cijfers"}


def _content_words(text: str, limit: int = 3) -> list[str]:
    """Content words of a stretch of text: no function words, numbers, dates, time words,
    places, agency names or light verbs."""
    text = _AGENCIES.sub(" ", _expand_abbreviations(text))
    text = _ENTITY_RE.sub(lambda m: m.group().replace(" ", "_"), text)
    text = re.sub(rf"\b(?:\d[\d.,/]*|{MONTH_RE})\b", " ", text, flags=re.I)
    text = re.sub(r"\bin totaal\b", " ", text, flags=re.I)
    text = re.sub(r"\b(?:minstens|ten minste|nog|al)\s+(?:één|een)\s+keer\b", " ", text, flags=re.I)  # how often
    out = []
    for w in re.findall(r"[A-Za-zÀ-ÿ_][\w’'_-]*", text):
        lw = w.lower()
        if lw in _NP_STOP or lw in _LIGHT_VERBS or lw in _TIME_WORDS or lw in _NOT_CONTENT:
            continue
        if _PLACE_RE.fullmatch(w.replace("_", " ")):
            continue
        if len(out) >= limit:
            # a named kind of thing later in the clause says more than a fourth word: "247
            # gemeenten is dat loket fysiek of organisatorisch ondergebracht in het Huis van het Kind"
            if "_" in w:
                out.append(w.replace("_", " "))
                break
            continue
        out.append(w.replace("_", " "))
    return out


def _places(text: str) -> list[str]:
    found: list[str] = []
    for pm in _PLACE_RE.finditer(text):
        place = _PLACES[pm.group(1).lower()]
        if place not in found:
            found.append(place)
    return [p for p in found if not any(p != q and p in q for q in found)]


_IN_PLACE_RIGHT_BEFORE_RE = _lazy(r"\bin\s+(?:de\s+provincie\s+|het\s+)?(" + _PLACE_ALT + r")\s*:?\s*$", re.I)


_WHOLE = ({"Vlaams Gewest", "Brussel"}, {"Vlaams Gewest", "Brussels Hoofdstedelijk Gewest"})


def _joined(places: list[str]) -> str:
    """Places a figure is about, joined; Flanders and Brussels together are the whole: no scope
    (as "304 gemeenten" with Brussels included has none, and "285 Vlaamse gemeenten" has one)."""
    return "" if set(places) in _WHOLE else " en ".join(places)


def _find_scope(sentence: str, fig: _Fig, clause: tuple[int, int], stop: int, after_prev: int = 0) -> str:
    """The place a figure is about: named after it (up to the next figure: "212 in Vlaanderen"),
    a label right before it ("Antwerpen 20,6 %", "Genk (25,3 %)", "Antwerpen: 87 ..."), named
    before it in its clause ("in Brussel 9 consultatiebureaus"), or a locative "in <place>"
    earlier in the sentence ("In de dertien centrumsteden ligt het gemiddelde ... op 21,8 %")."""
    left, right = clause
    if (just := _IN_PLACE_RIGHT_BEFORE_RE.search(sentence[max(0, fig.start - 60):fig.start])) is not None:
        # "in Limburg 4, in Vlaams-Brabant 3 en in West-Vlaanderen 4": the place right before it
        return _PLACES[just.group(1).lower()]
    after = sentence[fig.start:min(right, stop)]
    if (nxt := _IN_PLACE_RIGHT_BEFORE_RE.search(after)) is not None and stop < right:
        # "86 procent en in West-Vlaanderen 79 procent": that place is the next figure's
        after = after[:nxt.start()]
    if found := _places(after):
        return _joined(found)
    m = re.search(r"([A-ZÀ-Ý][\w-]*(?:\s+(?:en\s+)?[A-ZÀ-Ý][\w-]*){0,3})\s*[:(]?\s*$", sentence[max(0, fig.start - 60):fig.start])
    if m and (pm := _PLACE_RE.fullmatch(m.group(1))):
        return _PLACES[pm.group(1).lower()]
    if m and " en " in m.group(1):  # "in Vlaanderen en Brussel 144": both places
        parts = [_PLACE_RE.fullmatch(p.strip()) for p in m.group(1).split(" en ")]
        if all(parts):
            return _joined([_PLACES[p.group(1).lower()] for p in parts if p])
        last = _PLACE_RE.fullmatch(m.group(1).split(" en ")[-1].strip())
        if last:  # "... Antwerpen en Limburg" after other capitals: the last place only
            return _PLACES[last.group(1).lower()]
    lab = re.match(r"\s*([A-ZÀ-Ý][\w-]*(?:\s+[A-ZÀ-Ý][\w-]*){0,3})\s*:", sentence)
    if lab and (pm := _PLACE_RE.fullmatch(lab.group(1))):
        return _PLACES[pm.group(1).lower()]
    if found := _places(sentence[max(left, after_prev):fig.start]):
        return _joined(found)
    loc = [m.group(1) for m in _IN_PLACE_RE.finditer(sentence[after_prev:fig.start])]
    if loc:
        return _PLACES[loc[-1].lower()]
    # "In Brusselse ziekenhuizen steeg het aantal bevallingen van 21.974 naar 24.807": a place
    # adjective in a locative (not an institution: "in de Vlaamse Gemeenschap", "… overheid")
    adj = [m.group(1) for m in _IN_PLACE_ADJ_RE.finditer(sentence[after_prev:fig.start])]
    if adj:
        return _PLACE_ADJECTIVES[adj[-1].lower()]
    # a locative of the whole clause before an earlier figure ("Kind en Gezin heeft in Brussel 9
    # consultatiebureaus met samen 17 consultatieplaatsen"): no other place since
    loc = [m.group(1) for m in _IN_PLACE_RE.finditer(sentence[left:after_prev])] if after_prev > left else []
    if loc:
        return _PLACES[loc[-1].lower()]
    adj = [m.group(1) for m in _IN_PLACE_ADJ_RE.finditer(sentence[left:after_prev])] if after_prev > left else []
    if adj:
        return _PLACE_ADJECTIVES[adj[-1].lower()]
    return ""


_IN_PLACE_ADJ_RE = _lazy(r"\bin\s+(?:de\s+|het\s+|alle\s+)?(" + "|".join(re.escape(a) for a in _PLACE_ADJECTIVES)
                        + r")\s+(?!(?:gemeenschap|regering|overheid|parlement|administratie|minister)\b)[a-zà-ÿ]", re.I)


_GROUP_RE = _lazy(r"^\s*(?:voor|bij)\s+(?!\d)((?:de|het|een|alle)\s+)?(.+?)\s+"
                  r"(?:ligt|lag|bedraagt|bedroeg|loopt|liep|is|was|"
                       r"zijn|waren|gaat|ging|komt|kwam|werd|wordt|op\s+\d|\d)", re.I)


def _group_scope(sentence: str, clause: tuple[int, int], fig: _Fig) -> str:
    """A target group that opens the figure's clause: "Bij kinderen uit kansarme gezinnen ligt het
    bereik op 91,2 %", "voor het ontmoetingsaanbod op 44 %", "24 % op gezondheid" (the topic)."""
    m = _GROUP_RE.match(sentence[clause[0]:fig.start + 1])
    if m and not _find_dates(m.group(2), ""):
        group = m.group(2).strip()
        return re.sub(r"\s+(?:het|de)\s+\w+$", "", group) if len(group.split()) > 6 else group
    return ""
