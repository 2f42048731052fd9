"""Reference dates: which date of a sentence (or of the text before it) a figure is as of, and
how that date was found (`date_source`):

- "explicit": written in the sentence ("op 1 mei 2018", "in 2019", "het schooljaar 2022-2023");
- "relative": written relative to the document's date and resolved against it ("vorig jaar",
  "dit jaar", "nu", "vandaag", "op dit ogenblik", "een jaar eerder", "op 1 januari",
  "het eerste semester van dit jaar");
- "context": from an earlier sentence of the same paragraph or text, or from the survey or report
  the sentence quotes ("uit de bevraging van 2022 blijkt ...");
- "table": a table cell's column or row year (with the caption's day), see `tables`;
- "document-date": nothing in the text; the year of the document's date (when the minister wrote);
- "inferred": as "document-date", for a document without a date whose year is estimated from
  its own dated figures;
- "undated": no date can be found; the figure is kept, never given a guess.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .lexicon import (YEAR_BEFORE, _Date, _FROM_TO_VERB_RE, _clause_bounds,
                      _is_future, _lazy, _pad)
from .kinds import _is_change
from .state import _Fig, _State

_ATTACHED_GAP = _lazy(r"\s*(?:(?!(?:en|of|maar|terwijl|tegenover|dan|die|dat|waar)\b)[\w'’%-]+\s+){0,5}?"
                      r"(?:in|op|per|sinds|tot|eind|einde|begin)\s+(?:(?:het|de)\s+)?(?:heel\s+|geheel\s+|hele\s+)?"
                      r"(?:\w*jaar\s+)?", re.I)
# "tegenover 7,4 miljoen euro vorig jaar", "161 een jaar eerder": the date of a comparison
_COMPARED_RE = _lazy(r"\b(?:tegenover|ten\s+opzichte\s+van|t\.o\.v\.?|vergeleken\s+met|in\s+vergelijking\s+met)\s+"
                     r"[^,;:.]{0,50}$", re.I)
# "17.850 een jaar eerder", "14 procent nu", "4,3 miljoen euro vorig jaar": an adverb of time
# right after the figure (at most two words between, none a number) is its date
_ADVERB_GAP = _lazy(r"\s*(?:(?!(?:en|of|maar|terwijl|tegenover|dan|die|dat|waar)\b)[A-Za-zÀ-ÿ'’%-]+\s+){0,2}?", re.I)
_ADVERB_KINDS = ("yearbefore", "now", "lastyear", "thisyear", "nextyear")
# a count over a period that started at a date ("sinds 1 januari 2024 werden 23 ... gesloten")
_SINCE_RE = _lazy(r"\b(?:sinds|vanaf|sedert)\s+(?:(?:de|het)\s+[^,.;\d]{0,60}?\s(?:op|van|in)\s+)?$", re.I)  # (… "sinds de start van het decreet op 1 april 2014")
_SINCE_EVENT_RE = _lazy(r"\b(?:sinds|sedert)\s+(?:de|het)\s+[a-zà-ÿ]", re.I)
_PAST_EVENT_RE = _lazy(r"\b(?:werden|werd|zijn\s+\w+\s+ge\w+(?:d|t)|sloten|openden|kwamen|gingen|bijgekomen|verdwenen|"
                       r"weggevallen|bijgecreëerd|gecreëerd|opgericht|gesloten|geopend|gestopt|toegekend)\b", re.I)

UNDATED = "undated"


def _choose_date(fig: _Fig, dates: list[_Date], sentence: str, state: _State, fallback: str,
                 figs: Sequence[_Fig] = ()) -> None:
    """Set fig.date/date_source: a date written right after it ("17 % in 2018", "17.850 een jaar
    eerder"), else the date of the survey the sentence quotes, else the nearest date before it in
    the sentence, else a date after it in its clause, else the date carried from earlier
    sentences, else the document's year; otherwise undated."""
    money = fig.kind == "money"
    next_start = min([f.start for f in figs if f.start > fig.start], default=len(sentence))

    def usable(d: _Date, after: bool) -> bool:
        if d.role in ("cite", "mask", "none"):
            return False
        if d.role == "target" and money:  # "167 miljoen euro tegen 2024": a total, not a date
            return False
        return not (after and d.role == "compare")

    chosen: _Date | None = None
    attached = [d for d in dates if fig.end <= d.start < next_start and usable(d, True)
                and (_ATTACHED_GAP.fullmatch(sentence[fig.end:d.start])
                     or (d.kind in _ADVERB_KINDS and _ADVERB_GAP.fullmatch(sentence[fig.end:d.start])))]
    before = [d for d in dates if d.end <= fig.start and usable(d, False)]
    clause_start, clause_end = _clause_bounds(sentence, fig.start, fig.end)
    after = [d for d in dates if d.start >= fig.end and d.end <= clause_end and usable(d, True)]
    survey = [d for d in dates if d.role == "survey"]
    from_to = re.search(r"\bvan\s+$", sentence[:fig.start]) and \
        re.match(r"\s*(?:\S+\s+){0,2}?(?:naar|tot)\s+\d", sentence[fig.end:])
    if from_to and not attached and _FROM_TO_VERB_RE.search(sentence):
        # "daalt van 300 naar 285": 300 is the value before the change, not at the date; a change
        # in a year ("wordt in 2025 verhoogd van 60 naar 80") starts from the year before
        years = [d for d in before if d.kind == "year" and d.role == "ref"]
        spans = [d for d in before if d.kind == "yearspan" and d.role == "ref"]
        if spans and (not years or spans[-1].start > years[-1].start):
            # "Tussen 2019 en 2022 steeg het aantal van 100 naar 120": 100 is of the span's start
            fig.date, fig.date_source = re.search(r"(?:19|20)\d\d", sentence[spans[-1].start:spans[-1].end]).group(), "explicit"
        elif years:
            fig.date, fig.date_source = str(int(years[-1].iso) - 1), "relative"
        else:
            fig.date, fig.date_source = "", UNDATED
        return
    if attached and survey and attached[0].kind == "now":
        # "uit een peiling in september 2023 blijkt dat 41 % in het afgelopen half jaar ...":
        # the period runs up to the survey, not up to the document's date
        chosen = survey[-1]
    elif attached:
        chosen = attached[0]
    elif survey and before and before[-1].role != "survey" and before[-1].start > survey[-1].end:
        # "Volgens de cijfers van 2020 waren er toen 6720; vandaag zijn er 7100": a time said after
        # the survey's, nearer the figure, is the figure's
        chosen = before[-1]
    elif survey:
        chosen = survey[-1]
    elif state.survey_date and _SURVEY_REF_RE.search(sentence) and not before:
        # "Vorig jaar is er een bevraging gebeurd ... Uit de bevraging blijkt dat 8 op de 10 ..."
        fig.date, fig.date_source = state.survey_date, "context"
        return
    elif before and not any(d.role in ("none", "mask") and d.relative and not d.iso and before[-1].end <= d.start
                            and d.end <= fig.start for d in dates):
        chosen = before[-1]
    elif before:
        # "In 2015 investeerde u 7,3 miljoen euro, … voor dit jaar zal het 1,9 miljoen euro zijn" in
        # a text without a date: "dit jaar" is the figure's time, unknown here; not 2015
        fig.date, fig.date_source = "", UNDATED
        return
    elif re.search(r"\b(?:vóór|vroeger|destijds)\b", sentence[clause_start:clause_end]):
        # "tegenover 34 % vóór de hervorming": an older value without a date of its own
        fig.date, fig.date_source = "", UNDATED
        return
    elif after:
        chosen = after[0]
    change = _is_change(sentence, fig)
    if chosen is not None and change and chosen.role == "compare" and not attached:
        # "In vergelijking met 2019 is dat een stijging met 4 %": the change up to the time spoken
        # of, not as of 2019 (below: the paragraph's date, else the document's)
        chosen = None
    carried = state.para_date or state.date
    if state.event_date and _BACKREF_RE.search(sentence):
        carried = state.event_date  # "... ging van start op 1 januari 2019. Op dat moment waren er ..."
    if state.past_date and _PAST_TENSE_RE.search(sentence):
        # "Vorig jaar bleven 2.650 aanvragen onbeantwoord. Tegelijk kregen 18.390 gezinnen ...":
        # a spoken text's past tense goes on about last year
        carried = state.past_date
    if chosen is not None and _SINCE_RE.search(sentence[:chosen.start]) \
            and (_PAST_EVENT_RE.search(sentence) or change) and (carried or state.answer_date):
        # "Sinds 1 januari 2024 werden 23 consultatieplaatsen gesloten": counted up to now — the
        # day a meeting or release speaks, else the written answer's last reference date
        if state.moment and state.answer_date:
            fig.date, fig.date_source = state.answer_date, "relative"
        else:
            fig.date, fig.date_source = (carried, "context") if carried else (state.answer_date, "relative")
    elif chosen is None and state.moment and state.answer_date and _SINCE_EVENT_RE.search(sentence) \
            and _PAST_EVENT_RE.search(sentence):
        # "in 17 gemeenten werd het aanbod sinds de samenvoeging verminderd", said in a meeting:
        # counted from that event up to the day it is said
        fig.date, fig.date_source = state.answer_date, "relative"
    elif chosen is not None:
        iso = chosen.iso
        if chosen.role == "same-period" and len(carried) == 10:  # "dezelfde periode van 2019"
            iso = chosen.iso + carried[4:]
        if iso == YEAR_BEFORE:
            iso = _year_before(chosen, dates, state)
        if chosen.kind == "now" and not state.moment:
            iso = iso[:4]  # "op dit ogenblik" in a written answer: its year (the day it was written is unknown)
            day = state.para_date or state.date
            if _CONSEQUENCE_RE.match(sentence) and len(day) == 10 and day[:4] == iso \
                    and not _is_future(day, state.answer_date):
                # "Op 1 november 2014 waren er 64 ... Dat betekent dat ... van de 308 gemeenten
                # vandaag al ...": the "now" of a consequence drawn from the state just given is
                # that state's day
                iso = day
        if iso:
            fig.date = iso
            fig.date_source = "context" if chosen.role == "survey" else ("relative" if chosen.relative else "explicit")
        else:
            fig.date, fig.date_source = "", UNDATED
    elif change and any(d.role == "compare" for d in dates) and (state.para_max or carried):
        # "In 2016 bereikten ze 6.340 gezinnen. Dat is een stijging met 8 % ten opzichte van 2014":
        # the change up to the date its paragraph speaks of
        fig.date, fig.date_source = state.para_max or carried, "context"
    elif change and state.max_date:
        # "Op 31 december 2023 ... 2.410. Op 31 december 2022 waren dat er 2.685. Dat is een daling
        # met 10 %": as of the newest date so far
        fig.date, fig.date_source = state.max_date, "context"
    elif carried and not any(d.kind == "now" and d.end <= fig.start for d in dates):
        # ("Op dit moment ..." in a text without a date is the document's moment, not an earlier date)
        fig.date, fig.date_source = carried, "context"
        if not state.moment and not state.part_dated and state.answer_date and state.latest_year \
                and carried[:4] < state.latest_year and carried[:4] < state.answer_date[:4] \
                and _PRESENT_RE.search(sentence) and not _is_past(sentence) and not _GOES_ON_RE.match(sentence):
            # "2. In 2022 volgden 1.250 professionals een vorming. 3. De samenwerking verloopt lokaal.
            # In 64 Huizen van het Kind is het CLB een partner.": a new answer part that states no
            # date and speaks in the present is about the time of the answer — not about an older
            # year of the part before, unless that year is the latest the answer reports on
            fig.date, fig.date_source = state.answer_date[:4], "document-date"
        if state.moment and fig.kind == "count" and len(carried) == 4 and carried == state.answer_date[:4] \
                and not _PAST_TENSE_RE.search(sentence):
            # a meeting speaks on its day: a count stated in the present, dated only by "dit jaar"
            # of an earlier sentence, is as of that day ("De 104 Huizen van het Kind blijven ...")
            fig.date, fig.date_source = state.answer_date, "document-date"
    elif fallback:
        # a meeting or a press release speaks on its day (a share or rate: over its year); a
        # written answer's date is unknown
        day = state.moment and fig.kind not in ("percent", "ratio")
        fig.date, fig.date_source = (fallback if day else fallback[:4]), "document-date"
    else:
        fig.date, fig.date_source = "", UNDATED
    if fig.date_source == "context" and len(fig.date) == 10 and fig.date[:4] in state.para_years \
            and _SAME_PERIOD_TEXT_RE.search(sentence) and not any(d.role == "same-period" for d in dates):
        # "In 2024 werkten er 1.310 fte ... In 2019 was dat 1.420 fte. Eind 2024 stonden er 146
        # vacatures open. Het aantal verpleegkundigen is in dezelfde periode gestegen, tot 3.050 fte":
        # the period of a paragraph that speaks in years ends in a year, not on the day carried
        fig.date = fig.date[:4]
    if money and fig.date:
        fig.date = fig.date[:4]


def _year_before(d: _Date, dates: list[_Date], state: _State) -> str:
    """'een jaar eerder': one year before the date it is compared with — the last plain date
    before it in the sentence, else the date carried from the sentence before. A day stays a
    day ("Op 1 oktober ... Een jaar eerder" -> the 1 October before); the document's own moment
    ("nu", "vandaag") gives a year ("nu 104, een jaar eerder 109" -> the year before)."""
    prior = [x for x in dates if x.end <= d.start and x.iso and x.iso != YEAR_BEFORE
             and x.role in ("ref", "survey", "compare")]
    if prior:
        base, now = prior[-1].iso, prior[-1].kind == "now"
    elif state.prev_date:  # the sentence before: "Vlaanderen telt nu 104 huizen. Een jaar eerder ..."
        base, now = state.prev_date
        now = now == "now"
    else:
        base, now = state.para_date or state.date, False
    if not base or not re.match(r"\d{4}", base):
        return ""
    year = str(int(base[:4]) - 1)
    if now or len(base) == 4:
        return year
    if re.fullmatch(r"\d{4}-\d{4}", base):  # a school year: the one before
        return f"{int(base[:4]) - 1}-{int(base[5:]) - 1}"
    return year + base[4:]


_SAME_PERIOD_TEXT_RE = _lazy(r"\b(?:dezelfde|diezelfde|die|deze|zelfde)\s+periode\b", re.I)
# a sentence that draws the consequence of the one before: "Dat betekent dat ...", "Dit wil zeggen ..."
_CONSEQUENCE_RE = _lazy(r"\W*(?:(?:dat|dit)\s+(?:betekent|wil\s+zeggen|houdt\s+in)|daarmee|hiermee|zo)\b", re.I)
# a sentence that announces a plan or an expectation: "Een nieuwe studie wordt in 2016 uitgevoerd;
# de resultaten worden begin 2017 verwacht."
_PLAN_RE = _lazy(r"\b(?:verwacht|verwachten|zal|zullen|gepland|geplande|plant|plannen)\b", re.I)
# a survey or study named in a sentence with its date ("Vorig jaar is er een bevraging gebeurd in
# de 128 Huizen van het Kind"), and a later sentence that reports its findings ("Uit de bevraging
# blijkt dat 8 op de 10 ...", "Volgens die enquête ...")
_SURVEY_NOUN_RE = _lazy(r"\b(?:bevraging|enqu[eê]te|peiling|survey)\w*\b", re.I)
_SURVEY_REF_RE = _lazy(r"\b(?:uit|volgens|in)\s+(?:de|die|deze|dat|het)\s+(?:bevraging|enqu[eê]te|peiling|survey)\b|"
                       r"\b(?:de|die|deze)\s+(?:bevraging|enqu[eê]te|peiling|survey)\s+(?:toont|leert|wijst|geeft)\b", re.I)
# an event on a date: a start, an entry into force, an approval ("De regelgeving ging van start op
# 1 januari 2019.", "Het decreet is op 1 april 2014 in werking getreden.")
_EVENT_RE = _lazy(r"\b(?:van\s+start|in\s+werking|in\s+voege|van\s+kracht|goedgekeurd|bekrachtigd|afgekondigd|"
                  r"opgericht|gelanceerd|ingevoerd|ondertekend|ingediend|aangekondigd)\b", re.I)
# a sentence that refers back to the moment the sentence before named
_BACKREF_RE = _lazy(r"\b(?:op\s+(?:dat|datzelfde|hetzelfde)\s+(?:moment|ogenblik|tijdstip)|op\s+die\s+(?:datum|dag)|toen)\b", re.I)


_HISTORICAL_RE = _lazy(r"\bter\s+vergelijking\b|\btoen\b|\bdestijds\b|\bvroeger\b", re.I)
_BEFORE_WORD_RE = _lazy(r"\bvóór\b", re.I)
# past-tense verbs that most often carry a figure (a closed list: weak pasts in -de/-te are too
# easily confused with adjectives)
_PAST_TENSE_RE = _lazy(
    r"\b(?:was|waren|werd|werden|had|hadden|kreeg|kregen|ging|gingen|kwam|kwamen|bleef|bleven|lag|lagen|"
    r"stond|stonden|telde|telden|bedroeg|bedroegen|gaf|gaven|nam|namen|vond|vonden|steeg|stegen|daalde|daalden|"
    r"sloot|sloten|opende|openden|bereikte|bereikten|registreerde|registreerden|ontving|ontvingen|deed|deden|"
    r"legde|legden|maakte|maakten|betaalde|betaalden|vroeg|vroegen|wachtte|wachtten)\b", re.I)


# present-tense verbs that most often carry a figure (a closed list, as _PAST_TENSE_RE)
_PRESENT_RE = _lazy(
    r"\b(?:is|zijn|wordt|worden|heeft|hebben|telt|tellen|bedraagt|bedragen|ligt|liggen|gaat|gaan|komt|komen|"
    r"staat|staan|blijft|blijven|krijgt|krijgen|bereikt|bereiken|spreekt|spreken|leeft|leven|woont|wonen|"
    r"maakt|maken|vindt|vinden|beschikt|beschikken|biedt|bieden|kan|kunnen|moet|moeten|geldt|gelden|gebeurt)\b", re.I)
# a perfect tense tells a past event: "heeft ... behandeld", "zijn ... gestegen"
_PERFECT_RE = _lazy(r"\b(?:heeft|hebben|is|zijn)\b[^,;:]*?\bge[a-zà-ÿ]{3,}(?:d|t|en)\b", re.I)
# a sentence that goes on about the time of the one before ("Daarvan ...", "Het gaat om ...")
_GOES_ON_RE = _lazy(r"\W*(?:daarvan|hiervan|waarvan|van\s+(?:hen|die|deze)|dat\s+(?:is|zijn)|dit\s+(?:is|zijn)|"
                    r"het\s+gaat\s+om|samen|in\s+totaal|daarmee|hiermee|daarbij|hierbij|daarnaast|bovendien|ook)\b",
                    re.I)


def _is_past(sentence: str) -> bool:
    """The sentence tells of the past: a past-tense verb or a perfect ("zijn ... gestegen")."""
    return bool(_PAST_TENSE_RE.search(sentence) or _PERFECT_RE.search(sentence))


def _looks_back(sentence: str, dates: list) -> bool:
    """A sentence about an earlier state: "Ter vergelijking: in 2014 ...", "toen", "destijds", or
    "vóór" next to its date ("Op 1 januari 2020, vóór de schaalvergroting, ..."; not "een
    huisbezoek vóór de geboorte" far from the date)."""
    if _HISTORICAL_RE.search(sentence):
        return True
    return any(any(abs(m.start() - d.end) <= 40 or abs(d.start - m.end()) <= 40 for d in dates if d.iso)
               for m in _BEFORE_WORD_RE.finditer(sentence))


def _update_carry(dates: list[_Date], state: _State, sentence: str = "", figures: bool = True) -> None:
    """The last plain reference date of a sentence carries to the next sentences.

    Not carried: comparison/citation/target dates, the dates of a sentence that looks back
    ("Ter vergelijking: in 2014 ...", "Op 1 januari 2020, vóór de schaalvergroting, ..."), and a
    date after the answer date (a plan) beyond its own paragraph — nor beyond its paragraph the
    date of a sentence without figures that announces a plan (`figures` False: "Een nieuwe studie
    wordt in 2016 uitgevoerd; de resultaten worden begin 2017 verwacht." does not date the 2012
    study's figures that follow)."""
    state.past_date = ""
    state.event_date = ""
    if sentence and _looks_back(sentence, dates):
        state.prev_date = None
        return
    pairs = []
    for d in dates:
        if d.role in ("ref", "survey") and d.iso:
            iso = _year_before(d, dates, state) if d.iso == YEAR_BEFORE else d.iso
            if iso:
                pairs.append((d, iso))
    state.prev_date = (pairs[-1][1], pairs[-1][0].kind) if pairs else None
    if pairs and _SURVEY_NOUN_RE.search(sentence):
        state.survey_date = pairs[-1][1]  # what the survey found, reported later, is of its date
    if pairs and not figures and _EVENT_RE.search(sentence):
        # the day something started or was decided is not the date of the state described next
        # ("... ging van start op 1 januari 2019. Er zijn 5 consultatiebureaus in Brussel."): only
        # a sentence that refers back to it ("Op dat moment waren er ...") is dated by it
        state.event_date = pairs[-1][1]
        return
    if pairs:
        state.part_dated = True
    # Dates that do not carry to the next sentences: "nu"/"vandaag" (their own sentence only),
    # the date of a comparison ("tegenover 161 een jaar eerder") and the start of a state
    # ("sinds 1 januari 2025 beschikken alle gemeenten ..."): the text's reference date stays.
    # In a meeting or a press text, "vorig jaar" dates its own sentence: the next one speaks in the
    # present again ("Vorig jaar werd 17,8 % ... De 104 Huizen van het Kind blijven ...").
    starts = [iso for d, iso in pairs if d.kind not in ("now", "yearbefore", "yearspan")
              and not _COMPARED_RE.search(sentence[:d.start])]
    if starts:
        state.para_plan = max([state.para_plan, *starts], key=lambda x: _pad(x, end=False))
    spoken_only = ("lastyear", "nextyear") if state.moment else ()
    plain = [(iso, d.kind) for d, iso in pairs if d.kind not in ("now", "yearbefore", "yearspan")
             and not _COMPARED_RE.search(sentence[:d.start]) and not _SINCE_RE.search(sentence[:d.start])]
    resolved = [(iso, k) for iso, k in plain if k not in spoken_only]
    if state.moment and plain and plain[-1][1] == "lastyear":
        state.past_date = plain[-1][0]  # only a next sentence in the past tense goes on about it
    if state.moment and plain and plain[-1][1] == "nextyear":
        state.para_date = plain[-1][0]  # "Volgend jaar stijgt dat tot ... Elk Huis krijgt ...": the plan, in its paragraph
    # a period of a year ("het eerste semester van dit jaar") dates its own count; what follows
    # ("Ongeveer 23 % van de aanvragen ...") is about the year. The end of a span ("tussen 1
    # januari en 30 november") dates its paragraph's counts ("In dezelfde periode openden 231 ...",
    # "Daarmee gingen 3.640 plaatsen verloren"); beyond its paragraph, the year.
    resolved = [(iso[:4] if k in ("semester", "quarter", "firstmonths") else iso, k) for iso, k in resolved]
    if resolved:
        state.para_date = resolved[-1][0]
    past = [(iso, k) for iso, k in resolved if not _is_future(iso, state.answer_date)]
    if past and not figures and _PLAN_RE.search(sentence):
        past = []  # a plan: its date stays in its paragraph (para_date), like a future date
    state.para_years.update(iso for iso, k in resolved if k == "year")
    if past:
        state.date = past[-1][0][:4] if past[-1][1] == "periodend" else past[-1][0]
        state.max_date = max([state.max_date] + [iso for iso, _ in past], key=lambda x: _pad(x, end=True))
        state.para_max = max([state.para_max] + [iso for iso, _ in past], key=lambda x: _pad(x, end=True))
