"""The Dutch phrases that say what a number counts, for `naming`: the subject of a share ("de
vaccinatiegraad", "het percentage kinderen … steeg tot"), "van de", "het aantal", the words of a
budget and of its recipient, a sum per unit, an anaphor ("daarvan"), a survey."""
from __future__ import annotations

import re

from .lexicon import _ENTITIES, _lazy

_PERCENT_SUBJECT_RE = _lazy(
    r"\b(?:de|het|dat|die|dit|deze)\s+((?:[\w-]+\s+){0,2}?(?:[\w-]*graad|[\w-]*index|aandeel|percentage|bereik|"
    r"gemiddelde))\b", re.I)
_OF_THE_RE = _lazy(r"\s*(?:van\s+)?(?:de|het|alle|der|dat|die|deze|dit|hun|zijn|haar)\s+", re.I)
_OF_THOSE_BEFORE_RE = _lazy(r"\bvan\s+(?:die|deze|de|het|alle|hun)\s+(.*)$", re.I)
_OF_THEM_RE = _lazy(r"\b(?:van\s+hen|daarvan|waarvan|hiervan)\b", re.I)
_TOPIC_RE = _lazy(r"\s*(?:op|voor|bij|in)\s+(?:de|het|een)?\s*([a-zà-ÿ][\w-]*(?:\s+(?:en|van)\s+[a-zà-ÿ][\w-]*)?)",
                  re.I)
_NUMBER_OF_START_RE = _lazy(r"\b(?:het|dat)\s+(?:totale\s+|globale\s+|gezamenlijke\s+)?aantal\s+", re.I)
_OWNER_RE = _lazy(r"\s+(?:bij|van|in)\s+(?:de|het)\s+(" + "|".join(re.escape(e) for e in sorted(_ENTITIES, key=len, reverse=True))
                  + r")\b", re.I)
_NUMBER_OF_RE = _lazy(r"\b(?:het|dat)\s+(?:totale\s+|globale\s+|gezamenlijke\s+)?aantal\s+(.*)", re.I)
_MONEY_BASE_RE = _lazy(
    r"\b(budget|begroting|werkingsmiddelen|middelen|subsidie|subsidies|subsidiëring|investering|bijdrage|toelage|"
    r"basisbedrag|bedrag|bedragen|kostprijs|uitgaven|kredieten|krediet|totaal|totale)\b", re.I)
_MONEY_WORD_RE = _lazy(
    r"\b(\w*(?:bedrag|budget|begroting|subsidie|middelen|toelage|toeslag|premie|bijdrage|investering|krediet))\b", re.I)
_MONEY_TARGET_RE = _lazy(r"\b(?:voor|aan|naar|van)\s+(?:(?:de|het|een|elke|alle)\s+)?(?=[a-zà-ÿ])", re.I)
_EXTRA_RE = _lazy(r"\b(?:bijkomend|bijkomende|extra|aanvullend|aanvullende|noodfonds|daarnaast|bovendien)\b", re.I)
_PER_UNIT_RE = _lazy(r"\b(?:per|elk|elke|ieder|iedere)\s+(?:erkend\s+|erkende\s+)?[\w-]+|"
                     r"\b(?:basisbedrag|vaste?\s+bedrag|gemiddelde\s+bedrag|laagste\s+bedrag|hoogste\s+bedrag)\b", re.I)
_PAYERS_RE = _lazy(r"Vlaamse Regering|Vlaams Parlement|Vlaamse Gemeenschapscommissie", re.I)
_ANAPHOR_RE = _lazy(r"\b(?:daarvan|waarvan|hiervan|van\s+hen|van\s+die\s+\w+|van\s+deze\s+\w+)\b", re.I)
_SURVEY_RE = _lazy(r"\b(?:bevraging|bevraagd|bevraagde|enquête|enquete|survey)\b", re.I)
_SHARE_OF_SUBJECT_RE = _lazy(r"\b(?:het|dat|dit)\s+(?:percentage|aandeel)\s+(?:van\s+(?:de\s+|het\s+)?)?"
                             r"([a-zà-ÿ][\w'’-]*(?:\s+[\w'’-]+){0,6}?)\s+(?:steeg|stijgt|daalde|daalt|bedraagt|"
                             r"bedroeg|ligt|lag|is|was|klom|zakte|blijft|bleef|evolueerde|ging|gaat)\b", re.I)
