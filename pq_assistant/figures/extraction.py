"""Figures of prose and of whole documents."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..models import Figure
from ..textutil import fold, normalize
from .dates import _choose_date, _update_carry
from .lexicon import _pad, _BULLET_RE, _ENTITY_RE, _HYPHEN_SHARE_RE, _NAME_UNIT_RE, _SPACE_THOUSANDS_AFTER_SIGN_RE, _Date, _EURO_AFTER_RE, _EURO_BEFORE_RE, _FRACTIONS, _MASK_PATTERNS, _NP_STOP, _NUMBERING_RE, _NUM_RE, _PERCENT_RE, _RATIO_RE, _SCALES, _SCALE_RE, _SPACE_THOUSANDS_RE, _TIME_UNITS, _WORD_NUMBERS, _find_dates, _lazy, _overlaps, _split_sentences, _to_number, scale_word
from .naming import _describe, _family_of, note_entity, note_per_unit, note_topic
from .state import _Fig, _State
from .tables import _annex_figures, _is_table
from .timelines import quantity_key

if TYPE_CHECKING:  # pragma: no cover
    from ..models import PQDocument


# ---------------------------------------------------------------------------------------------
# Numbers in a sentence


def _mask_spans(sentence: str, dates: list[_Date]) -> list[tuple[int, int]]:
    spans = [(d.start, d.end) for d in dates]
    for pat in _MASK_PATTERNS:
        # (a pattern's group "m", where it has one, is the part that is no figure)
        spans.extend((m.start("m"), m.end("m")) if "m" in pat.groupindex else (m.start(), m.end())
                     for m in pat.finditer(sentence))
    return spans


def _find_numbers(sentence: str, masked: list[tuple[int, int]], words: bool) -> list[_Fig]:
    """Numbers in a sentence that can be figures, with their kind, value and number."""
    figs: list[_Fig] = []
    taken: list[tuple[int, int]] = list(masked)
    candidates: list[tuple[int, int]] = []
    for m in _SPACE_THOUSANDS_RE.finditer(sentence):
        if not _overlaps(m.start(), m.end(), taken):
            candidates.append((m.start(), m.end()))
    for m in _SPACE_THOUSANDS_AFTER_SIGN_RE.finditer(sentence):  # "EUR 450 000", "€ 1 200 000"
        if not _overlaps(m.start(1), m.end(1), taken + candidates):
            candidates.append((m.start(1), m.end(1)))
    for m in _NUM_RE.finditer(sentence):
        if not _overlaps(m.start(), m.end(), taken + candidates):
            candidates.append((m.start(), m.end()))
    candidates.sort()
    consumed: list[tuple[int, int]] = []
    for s, e in candidates:
        if _overlaps(s, e, consumed):
            continue
        value = sentence[s:e]
        number = _to_number(value)
        if number is None or re.fullmatch(r"0\d+", value):  # ("000" of a split thousand, "007": no figure)
            continue
        rest = sentence[e:]
        fig = _Fig(s, e, value, number, "count")
        if (hy := _HYPHEN_SHARE_RE.match(rest)) and (upper := _to_number(hy.group(1))) is not None and number < upper:
            # "51,3-51,4%": a range of shares (a hyphen between plain counts joins codes and numberings)
            fig.kind, fig.unit, fig.end = "percent", "%", e + hy.end()
            fig.value, fig.number = sentence[s:e] + "-" + hy.group(1), (number + upper) / 2
            consumed.append((s, fig.end))
            figs.append(fig)
            continue
        if (p := _PERCENT_RE.match(rest)):
            fig.kind, fig.unit, fig.end = "percent", "%", e + p.end()
        elif (r := _RATIO_RE.match(rest)) and 0 < number < float(r.group(1)) and "," not in value \
                and not _overlaps(e + r.start(1), e + r.end(1), taken):
            fig.kind, fig.unit = "ratio", "verhouding"
            fig.end = e + r.end()
            fig.value = sentence[s:fig.end]
            fig.number = number / float(r.group(1))
            consumed.append((s, fig.end))
        else:
            scale = _SCALE_RE.match(rest)
            after = e + (scale.end() if scale else 0)
            euro_after = _EURO_AFTER_RE.match(sentence[after:])
            euro_before = _EURO_BEFORE_RE.search(sentence[:s])
            word = scale_word(scale.group(1)) if scale else ""
            if scale:
                fig.number = number * _SCALES[word]
            if euro_after or euro_before:
                fig.kind = "money"
                fig.unit = (word + " euro") if scale else "euro"
                fig.end = after + (euro_after.end() if euro_after else 0)
            elif scale:
                fig.unit = word
                fig.end = after
        figs.append(fig)
        consumed.append((s, fig.end))
    figs = _join_ranges(sentence, figs)
    _share_written_units(sentence, figs)
    shares = _word_shares(sentence, taken + consumed)
    figs.extend(shares)
    consumed.extend((f.start, f.end) for f in shares)
    if words:
        figs.extend(_word_numbers(sentence, taken + consumed))
    figs.sort(key=lambda f: f.start)
    return figs


# "70 tot 80 procent", "300 à 400 gezinnen", "tussen 20 en 25 %": one figure, a range, whose unit
# is written once, after its upper end (not "2-3": a hyphen joins numberings and codes as well)
_RANGE_GAP_RE = _lazy(r"\s*(?:tot|à)\s+|\s+en\s+")
_BETWEEN_RE = _lazy(r"\btussen\s+(?:de\s+)?$", re.I)  # "tussen de 92 en 96 procent"
# "steeg van 12 naar 14 procent", "van 120 Huizen van het Kind in 2015 naar 130 in 2016"
_FROM_BEFORE_RE = _lazy(r"\bvan\s+$", re.I)
_TO_GAP_RE = _lazy(r"\s*(?:[^\d,;:.]{0,60}?\s)?(?:naar|tot)\s+(?:(?:ongeveer|circa|zo'n|zo’n|bijna|ruim|amper|nog)\s+)?$", re.I)


def _scale_of(fig: _Fig) -> float:
    """The scale a figure's number carries beyond its value as written ("14,6 miljoen": 1e6)."""
    raw = _to_number(fig.value)
    return fig.number / raw if raw and fig.number is not None else 1.0


def _join_ranges(sentence: str, figs: list[_Fig]) -> list[_Fig]:
    """A range ("70 tot 80 procent", "tussen 1.200 en 1.500 kinderen") is one figure: its value as
    written, its number the middle of the range, its kind and unit those written after the upper
    end. The lower end alone is no figure: it has no unit and counts nothing by itself."""
    out: list[_Fig] = []
    i = 0
    while i < len(figs):
        a = figs[i]
        b = figs[i + 1] if i + 1 < len(figs) else None
        gap = sentence[a.end:b.start] if b is not None else ""
        between = _BETWEEN_RE.search(sentence[:a.start])
        change = _FROM_BEFORE_RE.search(sentence[:a.start])  # "steeg van 91 tot 94 %": two values, not a range
        if b is not None and a.kind == "count" and not a.unit and a.number is not None and b.number is not None \
                and _RANGE_GAP_RE.fullmatch(gap) and (not re.fullmatch(r"\s+en\s+", gap) or between) and not change:
            low = a.number * _scale_of(b)
            if low < b.number:
                start = between.start() if between else a.start
                joined = _Fig(start, b.end, sentence[start:b.start] + b.value, (low + b.number) / 2, b.kind, b.unit)
                out.append(joined)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


_LIST_GAP_RE = _lazy(r"\s*(?:,|\s(?:en|of))\s+")


def _share_written_units(sentence: str, figs: list[_Fig]) -> None:
    """A unit written once for two figures: "van 12 naar 14 procent", "van 12 naar 14,6 miljoen
    euro" (the value before a change, whose own date is found as usual), "12 en 14 locaties";
    and the other way, "van 120 Huizen van het Kind in 2015 naar 130 in 2016". A percentage or an
    amount takes the unit at once; a count takes the counted noun once it is named
    (`share_named_units`)."""
    for a, b in zip(figs, figs[1:]):
        gap = sentence[a.end:b.start]
        from_to = _FROM_BEFORE_RE.search(sentence[:a.start]) and _TO_GAP_RE.fullmatch(gap)
        listed = _LIST_GAP_RE.fullmatch(gap)
        if not (from_to or listed) or a.number is None:
            continue
        if a.kind == "count" and not a.unit:
            if b.unit or b.kind != "count":
                a.kind, a.unit = b.kind, b.unit
                a.number = a.number * _scale_of(b)
            a.unit_from = b
            if from_to and b.kind == "count" and not b.unit:
                b.unit_from = a  # which of the two names the noun is known after naming


def share_named_units(figs: list[_Fig]) -> None:
    """After naming: a count without a noun of its own takes the noun, unit and quantity of the
    figure it shares its unit with (see `_share_written_units`)."""
    for f in figs:
        src = f.unit_from
        if src is not None and not f.own_noun and src.own_noun and src.kind == f.kind and src.unit:
            f.unit, f.noun, f.quantity = src.unit, src.noun, src.quantity
            f.scope = f.scope or src.scope


_WORD_ALT = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
# shares in words are figures whatever follows: "zeven op de tien locaties", "een op vier kinderen",
# "drie kwart van alle vaccinaties", "twee derde van de plaatsen"
_WORD_RATIO_RE = _lazy(rf"\b({_WORD_ALT}|een|één)\s+op\s+(?:de\s+)?({_WORD_ALT}|\d{{1,4}})(?![\w.,]\d|\w)", re.I)
_WORD_FRACTION_RE = _lazy(rf"\b(?:({_WORD_ALT})\s+(kwart|derde|vierde|vijfde)|(een|één)\s+(kwart|derde|vierde|vijfde)(?=\s+van\b))\b",
                          re.I)


def _word_shares(sentence: str, taken: list[tuple[int, int]]) -> list[_Fig]:
    """Shares written in words: a ratio ("zeven op de tien") or a fraction ("drie kwart")."""
    out: list[_Fig] = []
    for m in _WORD_RATIO_RE.finditer(sentence):
        if _overlaps(m.start(), m.end(), taken):
            continue
        a = 1.0 if m.group(1).lower() in ("een", "één") else float(_WORD_NUMBERS[m.group(1).lower()])
        b_txt = m.group(2).lower()
        b = float(b_txt) if b_txt.isdigit() else float(_WORD_NUMBERS[b_txt])
        if 0 < a < b:
            out.append(_Fig(m.start(), m.end(), m.group(), a / b, "ratio", "verhouding"))
    for m in _WORD_FRACTION_RE.finditer(sentence):
        if _overlaps(m.start(), m.end(), taken + [(f.start, f.end) for f in out]):
            continue
        count = m.group(1) or m.group(3)
        n = 1.0 if count.lower() in ("een", "één") else float(_WORD_NUMBERS[count.lower()])
        frac = _FRACTIONS[(m.group(2) or m.group(4)).lower()]
        if n * frac < 1:
            out.append(_Fig(m.start(), m.end(), m.group(), n * frac, "ratio", "verhouding"))
    return out


_WORD_NUMBER_RE = _lazy(r"\b(" + "|".join(_WORD_NUMBERS) + r")\s+(derde|vierde|vijfde)?\s*([a-zà-ÿ][\w'-]+)", re.I)


def _word_numbers(sentence: str, taken: list[tuple[int, int]]) -> list[_Fig]:
    """Numbers in words before a noun ("drie inloopteams") and fractions ("twee derde")."""
    out: list[_Fig] = []
    for m in _WORD_NUMBER_RE.finditer(sentence):
        if _overlaps(m.start(), m.end(), taken):
            continue
        noun = m.group(3).lower()
        if not m.group(2) and (noun in _NP_STOP or re.fullmatch(_TIME_UNITS, noun) or noun in ("keer", "maal")):
            continue
        n = float(_WORD_NUMBERS[m.group(1).lower()])
        if m.group(2):
            frac = _FRACTIONS[m.group(2).lower()]
            out.append(_Fig(m.start(), m.end(2), sentence[m.start():m.end(2)], n * frac, "ratio", "verhouding"))
        else:
            out.append(_Fig(m.start(), m.end(1), m.group(1), n, "count"))
    return out

# ---------------------------------------------------------------------------------------------
# Prose and tables


def _prose_figures(text: str, state: _State, fallback: str, words: bool) -> list[Figure]:
    """Figures of prose text (paragraphs separated by blank lines), updating the carry state."""
    out: list[Figure] = []
    text = _FOOTNOTE_RULE.split(text, maxsplit=1)[0]  # footnotes below a rule cite, they do not state figures
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        para = _NUMBERING_RE.sub("", para, count=1)
        state.para_date = state.para_max = state.para_plan = state.topic = ""
        state.para_years = set()
        for _, sent in _split_sentences(para):
            bullet = _BULLET_RE.match(sent)
            if bullet:
                sent = sent[bullet.end():]
            numbering = _NUMBERING_RE.match(sent)
            if numbering and re.match(r"[A-ZÀ-Ý]", sent[numbering.end():]):
                sent = sent[numbering.end():]  # "1-2.Huizen van het Kind ..." inside a paragraph
            out.extend(_sentence_figures(sent, state, fallback, words))
    return out


_FOOTNOTE_RULE = _lazy(r"_{5,}")
# a question asks, it states no figures: "Hoeveel daarvan tellen minder dan 10.000 inwoners?"
_QUESTION_RE = _lazy(r"^\W*(?:hoeveel|wat|welke?|hoe|wanneer|waarom|waar|wie|kan|kunt|kunnen|is|zijn|zal|zullen|"
                     r"plant|vindt|deelt|klopt|heeft|hebben|wordt|worden|bent|overweegt|erkent)\b[^?]*\?\s*$", re.I)


def _sentence_figures(sent: str, state: _State, fallback: str, words: bool) -> list[Figure]:
    dates = _find_dates(sent, state.answer_date)
    if _QUESTION_RE.match(sent):
        _update_carry(dates, state, sent)
        return []
    note_per_unit(sent, state)
    masked = _mask_spans(sent, dates)
    figs = _find_numbers(sent, masked, words)
    done: list[_Fig] = []
    for fig in figs:
        _choose_date(fig, dates, sent, state, fallback, figs)
        _describe(fig, sent, state, figs)
        if fig.kind == "count" and _NAME_UNIT_RE.fullmatch(fig.unit) and not _ENTITY_RE.search(fig.unit):
            continue  # "11u32 5 Aarschot": a count of a name is no count (a web page's reactions counter)
        if fig.date_source == "context" and state.para_plan and "verwacht" in quantity_key(fig.quantity) \
                and _pad(state.para_plan) > _pad(fig.date):
            # "Vanaf 1 januari 2021 geldt een nieuw kader ... Opgroeien verwacht dat er ongeveer 125
            # ... zullen overblijven": a forecast is as of the start or plan its paragraph names
            fig.date = state.para_plan[:4] if fig.kind == "money" else state.para_plan
        done.append(fig)
    share_named_units(done)
    if done:
        state.last_sentence_share = _family_of(done[-1].kind) == "share"
    elif TOPIC_NOUNS:
        note_topic(sent, state)
    seen: set[str] = set()
    for fig in done:
        if fig.kind == "money" and fig.quantity.startswith("budget "):
            state.budget = fig
        fam = _family_of(fig.kind)
        state.last[fam] = fig
        if fam not in seen and not fig.denominator:
            state.first[fam] = fig
            seen.add(fam)
    # "Samen bestrijken ze 290 van de 300 gemeenten." — for a next "Dat is (een dekkingsgraad van) 97 %."
    state.last_part = None
    # "In 2016-2017 waren 1.942 kleuters ... aanwezig." — for a next "Dat is 2,7 % van alle vijfjarigen."
    state.last_count = next((f for f in done if f.kind == "count" and f.noun and not f.denominator), None)
    for i, f in enumerate(done):
        whole = next((w for w in done[i + 1:] if w.denominator), None)
        if f.subset and f.kind == "count" and whole is not None and f.number is not None and whole.number:
            state.last_part = (f, whole.number)
    if sent.rstrip().endswith(":"):  # "Er zijn op datum van 31 mei 2016 127 HvhK:" heads a list
        state.lead = done[-1] if done else None
    elif not re.match(r"\s*(?:waarvan|daarvan|van wie)\b", sent, re.I):
        state.lead = None
    _update_carry(dates, state, sent, figures=bool(done))
    note_entity(sent, state)
    return [
        Figure(value=f.value, number_value=f.number, unit=f.unit, quantity=f.quantity, date=f.date,
               date_source=f.date_source, sentence=sent, scope=f.scope, start=f.start, end=f.start + len(f.value))
        for f in done
    ]

# ---------------------------------------------------------------------------------------------
# Public API


def extract_figures(text: str, *, section: str = "answer", fallback_date: str = "", context: str = "",
                    words: bool = False) -> list[Figure]:
    """The figures in `text` (a paragraph or chunk of an answer; paragraphs separated by "\\n\\n").

    `section="annex"` reads a BIJLAGE table (one row a line). `context` is the text right
    before `text` (previous sentence, heading, annex caption): its dates are used for reference
    dates. `fallback_date` is the answer's date (ISO); figures without a date of their own get
    its year with date_source "document-date". `words=True` also reads numbers written in words
    ("drie inloopteams", "twee derde"); off by default because answers use words mostly for
    small non-figures ("de eerste twee antennes", "drie prioriteiten").

    doc/doc_id/number/page/chunk_id/minister/doc_date are left empty for the caller.
    """
    state = _State(answer_date=fallback_date)
    if context:
        for para in re.split(r"\n\s*\n", context):
            for _, sent in _split_sentences(normalize(para)):
                _update_carry(_find_dates(sent, state.answer_date), state, sent)
        state.para_date = ""
    if section == "annex":
        figs = _annex_figures(text, state, fallback_date, context)
        if figs or re.search(r"\n", text.strip()):
            return figs
    return _prose_figures(text, state, fallback_date, words)


# "Het aantal Huizen van het Kind is gestegen. Op 1 januari waren er 144 erkend": the paragraph's
# topic names what a noun-less count counts (naming.note_topic). On since the answer line quotes a
# firm-dated figure over a later repeat dated by "nu" (answerline._firm): dev-formats timeline
# recall 0.812 -> 0.906 (benchmarks/figures_eval.py), the answer line unchanged.
TOPIC_NOUNS = True

# Document types that speak on their date (a meeting, a release): a present-tense figure without a
# date of its own is as of that day. A written answer's own date is unknown (only the question's).
SPOKEN_TYPES = ("vraag-om-uitleg", "actuele-vraag", "persbericht")


def document_date(doc: PQDocument) -> str:
    """The date relative dates are read against: the answer's date when the record has one
    (`answer_date`: a Kamervraag's "Beantwoord", a Senate page's "Antwoord ontvangen op"), else
    the document's date (question, meeting or release)."""
    return getattr(doc, "answer_date", "") or doc.date or ""


def _latest_year(parts, ref: str) -> str:
    """The latest year the answer writes out for a sentence that states a figure (not a relative
    date, not a plan after its date, not a sentence without figures such as "Daarnaast wordt in
    2018 een chatfunctie getest"): the time the answer reports up to."""
    years = []
    for part in parts:
        for para in part.paragraphs:
            for _, sent in _split_sentences(para.text):
                dates = _find_dates(sent, ref)
                written = [d.iso[:4] for d in dates if d.role in ("ref", "survey") and not d.relative
                           and re.match(r"\d{4}", d.iso or "") and not (ref and d.iso[:4] > ref[:4])]
                if written and _find_numbers(sent, _mask_spans(sent, dates), False):
                    years.extend(written)
    return max(years, default="")


def _estimate_year(doc: PQDocument) -> str:
    """A document without a date: the latest year among its explicitly dated figures that are not
    forecasts (the minister writes after the last date he reports on)."""
    state = _State()
    years: list[str] = []
    for part in [*doc.answer, *(p for p in doc.question if not p.numbers)]:
        state.last, state.first, state.lead = {}, {}, None
        for para in part.paragraphs:
            for f in _prose_figures(para.text, state, "", False):
                if f.date and f.date_source == "explicit" and "verwacht" not in quantity_key(f.quantity):
                    years.append(f.date[:4])
    return max(years) if years else ""


def figures_for_document(doc: PQDocument, *, include_question: bool = True, words: bool = False) -> list[Figure]:
    """The figures ledger of a parsed document: answer parts, annex and (by default) the figures
    the question itself states.

    The question's context paragraphs often state a figure with its date ("Door de fusies van
    1 januari 2019 telt Vlaanderen nog 300 gemeenten"; "meldde de minister dat er op 1 november
    2014 64 Huizen van het Kind erkend waren"); they are kept when they carry a date of their own
    (sub-questions are not read). A document without answer parts (a transcript, a press
    release, a plain text) is read whole, every figure kept. A repeat of an earlier answer has
    the same value and date, so the timeline marks it "confirmed", never a conflict. The
    reference date carries over sentences and answer parts (a part that says "Op dezelfde datum"
    or "Daarvan ..." refers back); a question's dates never carry into the answer. Relative
    dates are read against `document_date(doc)`. Without any date, the year is estimated as the
    latest year of the document's explicitly dated, non-forecast figures (date_source "inferred").
    """
    ref = document_date(doc)
    fallback = ref
    inferred = False
    if not fallback:
        fallback = _estimate_year(doc)
        inferred = bool(fallback)
    figures: list[tuple[Figure, int]] = []
    # A meeting or a press text speaks: its questions and replies state figures as much as the
    # answer does. A written question's sub-questions ask; only its context states figures.
    spoken = getattr(doc, "type", "") in SPOKEN_TYPES
    whole = spoken or (not doc.answer and not doc.annex)  # the text is read as a whole
    moment = whole
    asked: set[int] = set()  # figures of a written question's context: they never date the answer's
    if include_question or whole:
        qstate = _State(answer_date=ref, moment=moment)
        for part in [*doc.question, *getattr(doc, "replies", [])]:
            if part.numbers and not whole:  # the sub-questions ask, they do not state figures
                continue
            qstate.last, qstate.first, qstate.lead = {}, {}, None
            caption = ""
            for para in part.paragraphs:
                if whole and _is_table(para.text):  # a table in a report or a release
                    figures.extend((f, para.page) for f in _annex_figures(para.text, _State(answer_date=ref), fallback, caption))
                    continue
                caption = para.text
                for f in _prose_figures(para.text, qstate, fallback if whole else "", words):
                    if whole or f.date_source not in ("undated", "document-date"):
                        figures.append((f, para.page))
                        asked.add(id(f))
    state = _State(answer_date=ref, moment=moment)
    state.latest_year = _latest_year(doc.answer, ref)
    for part in doc.answer:
        state.last, state.first, state.lead = {}, {}, None
        state.part_dated = False
        caption = ""
        for para in part.paragraphs:
            if _is_table(para.text):
                # a table in the answer itself: read as an annex's, its caption the text above it
                for f in _annex_figures(para.text, _State(answer_date=ref), fallback, caption):
                    figures.append((f, para.page))
                continue
            caption = para.text
            for f in _prose_figures(para.text, state, fallback, words):
                figures.append((f, para.page))
    for part in doc.annex:
        context = ""
        for para in part.paragraphs:
            for f in _annex_figures(para.text, _State(answer_date=ref), fallback, context):
                figures.append((f, para.page))
    out: list[Figure] = []
    firm_ok: list[bool] = []
    for f, page in figures:
        src = "inferred" if inferred and f.date_source == "document-date" else f.date_source
        out.append(replace(f, date_source=src, doc=doc.file, doc_id=doc.doc_id, number=doc.number, page=page,
                           minister=doc.minister, doc_date=doc.date))
        firm_ok.append(whole or id(f) not in asked)
    return _name_restatements(_date_repeats(out, firm_ok))


def _name_restatements(figs: list[Figure]) -> list[Figure]:
    """A figure with a vague phrase ("aandeel", "bedrag", only its noun) that restates a
    distinctive value its document states for the same reference date under a phrase of its own
    takes that phrase: "Uit de laatste studie blijkt dat in 2016 95,4 procent van de kinderen de
    eerste dosis had gekregen ... (95,4 % in 2016)". Only when the document names that value one
    way. Linear: one pass to index the named figures, one to look the vague ones up."""
    from .grouping import _distinctive, is_vague

    named: dict[tuple, set[tuple[str, str]]] = {}
    vague = [bool(f.date) and _distinctive(f) and is_vague(f) for f in figs]
    if not any(vague):
        return figs
    for f, v in zip(figs, vague):
        if f.date and not v and _distinctive(f) and not is_vague(f):
            named.setdefault((f.number_value, f.unit, f.date), set()).add((f.quantity, f.scope))
    out = []
    for f, v in zip(figs, vague):
        names = named.get((f.number_value, f.unit, f.date)) if v else None
        if names and len({q for q, _ in names}) == 1:
            quantity, scope = next(iter(names))
            f = replace(f, quantity=quantity, scope=f.scope or scope)
        out.append(f)
    return out


# How a date was found, from the firmest: a figure with a weak one takes the date of the same
# figure stated with a firm one elsewhere in its document.
_FIRM_SOURCES = ("explicit", "relative", "table")
_WEAK_SOURCES = ("context", "document-date", "inferred", "undated")


def _repeat_key(f: Figure) -> tuple[str, str, str]:
    """(value, family, scope); a number without a unit of its own ("tussen 96,6 en 95,4 procent")
    has family "?"."""
    from .timelines import figure_family

    return (re.sub(r"[.\s]", "", f.value), figure_family(f) if f.unit else "?", fold(f.scope or ""))


def _repeat_keys(f: Figure) -> list[tuple[str, str, str]]:
    """The keys a dated figure is found under: its own, and the unit-less one."""
    key = _repeat_key(f)
    return [key, (key[0], "?", key[2])] if key[1] != "?" else [key]


_DENOMINATOR_BEFORE = _lazy(r"\d\s+(?:van|op)\s+(?:de|het|alle|die|deze)\s+$", re.I)


def _is_denominator(f: Figure) -> bool:
    """"24 van de 27 inloopteams": 27 restates the whole."""
    return f.start > 0 and bool(_DENOMINATOR_BEFORE.search(f.sentence[:f.start]))


def _date_repeats(figs: list[Figure], may_date: list[bool] | None = None) -> list[Figure]:
    """The same figure said again in one document is the same statement: "Minister, 204 nieuwe
    locaties tegenover 318 sluitingen" repeats the minister's "tot eind september 318 locaties"
    and "in 96 van de 104 Huizen van het Kind" the "Op 1 januari 2026 zijn er 104". A figure whose
    date is weak (carried, the document's date, none) or that restates a total ("van de 27") takes
    the date of the same value, family and scope stated with a date of its own — only when that
    date is one (a value given for several dates is not a repeat of either). Linear: one pass to
    index the firm figures by (value, family, scope), one to look the others up. `may_date[i]`
    False: figure i does not date others (a written question's context: its dates never carry
    into the answer)."""
    firm: dict[tuple[str, str, str], set[str]] = {}  # dated in the sentence or a table
    carried: dict[tuple[str, str, str], set[str]] = {}  # dated from the sentences before
    for n, f in enumerate(figs):
        if (may_date is not None and not may_date[n]) or not f.date or _is_denominator(f):
            continue
        for key in _repeat_keys(f):
            if f.date_source in _FIRM_SOURCES:
                firm.setdefault(key, set()).add(f.date)
            elif f.date_source == "context":
                carried.setdefault(key, set()).add(f.date)
    out = []
    for n, f in enumerate(figs):
        weak = f.date_source in _WEAK_SOURCES or (_is_denominator(f) and f.date_source != "table")
        if weak:
            key = _repeat_key(f)
            dates = firm.get(key)
            if not dates and f.date_source != "context":  # the document's date: a carried date is firmer
                dates = carried.get(key)
            if dates and len(dates) == 1 and f.date not in dates:
                f = replace(f, date=next(iter(dates)), date_source="context")
            elif n and _LINKED_RE.match(f.sentence) and out[-1].sentence != f.sentence \
                    and out[-1].date != figs[n - 1].date == f.date:
                # "Sinds januari sloten 318 locaties. Daarmee gingen 3.150 plaatsen verloren.": a
                # sentence that goes on from the one before shares its time; that one's figure
                # was re-dated as a repeat, so this one moves with it
                f = replace(f, date=out[-1].date, date_source="context")
        out.append(f)
    return _date_with_sentence(figs, out)


def _date_with_sentence(before: list[Figure], after: list[Figure]) -> list[Figure]:
    """A figure with a carried date whose sentence-mate had that same date and was re-dated as a
    repeat of a firmer statement takes that firmer date too, when it only makes the carried one
    more precise: "Op 1 mei 2015 zijn er 24 opvoedingswinkels en 26 inloopteams erkend. Voor de
    opvoedingswinkels wordt in 2015 ... ingezet." then "Alle 24 opvoedingswinkels en 23 van de 26
    inloopteams zijn betrokken ...": 24 repeats the statement of 1 mei 2015, so the sentence
    speaks of that day, and 23 with it (not of "2015" carried from the budget sentence). A
    re-dated whole ("van de 26") does not move its sentence. Only when all re-dated mates agree
    on one date. Linear: one pass over the figures by sentence."""
    moved: dict[tuple[str, str], set[str]] = {}  # (sentence, original date) -> the dates mates moved to
    for b, a in zip(before, after):
        if b.date and a.date != b.date and a.date.startswith(b.date) and not _is_denominator(b):
            # (a restated whole, "in 96 van de 104 Huizen", is known at its own date; the part
            # can be of a later one: only a repeated statement moves its sentence)
            moved.setdefault((b.sentence, b.date), set()).add(a.date)
    if not moved:
        return after
    out = []
    for b, a in zip(before, after):
        to = moved.get((b.sentence, b.date))
        if to and len(to) == 1 and a.date == b.date and a.date_source == "context" \
                and not (a.unit and "euro" in a.unit):
            a = replace(a, date=next(iter(to)), date_source="context")
        out.append(a)
    return out


# a sentence that goes on from the one before: its figures are of the same time
_LINKED_RE = _lazy(r"\W*(?:daarmee|hiermee|daardoor|hierdoor|daarbij|hierbij|samen|in totaal)\b", re.I)
