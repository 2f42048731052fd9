"""Property tests: the parser, the chunker and the figure extractor never crash on text, and the
parser keeps every word of the input (nothing silently dropped) except page furniture."""
from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pq_assistant.chunking import chunk_document
from pq_assistant.models import LoadedDocument
from pq_assistant.parsing import ANNEX_LINE, _repeated_furniture, is_footer, parse
from pq_assistant.textutil import fold

try:
    from pq_assistant.figures import extract_figures, figures_for_document
except ImportError:  # the figures module is optional while it is built
    extract_figures = figures_for_document = None

# Fixed examples by default (a fast, reproducible suite); PQ_HYPOTHESIS_EXAMPLES=5000
# PQ_HYPOTHESIS_RANDOM=1 explores further.
SETTINGS = settings(max_examples=int(os.environ.get("PQ_HYPOTHESIS_EXAMPLES", 150)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                    derandomize=not os.environ.get("PQ_HYPOTHESIS_RANDOM"), database=None)

# Lines that look like the parts of a written question, so that the parser's branches are hit.
PQ_LINES = [
    "Huizen van het Kind  -  Regionale spreiding", "Onderwijs - Leraren", "Vraag nr. 503 van 23 mei 2018",
    "van BART VAN MALDEREN", "JO VANDEURZEN", "VLAAMS MINISTER VAN WELZIJN, VOLKSGEZONDHEID EN GEZIN",
    "ANTWOORD", "op vraag nr. 503 van 23 mei 2018", "BIJLAGE", "BIJLAGE 2:", "1.", "2.", "3-4.", "1 en 2.",
    "1. Hoeveel Huizen van het Kind zijn er?", "2. Welke provincies?", "1-2. Er zijn 153 Huizen van het Kind.",
    "- 2 -", "3", "pagina 2 van 5", "Vlaams Parlement - Schriftelijke vragen 12", "Provincie Aantal Dekking",
    "Limburg 13 34 %", "Antwerpen 41 52,5 %", "In 2018 steeg het aantal tot 1.250 (+ 12 %).", "ge-", "meentelijk",
    "", "", "   ", "\t", "\f", "intra- en interregionaal", "BESLUIT VAN DE VLAAMSE REGERING",
]

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
_line = st.one_of(
    st.sampled_from(PQ_LINES),
    _text.map(lambda s: s.replace("\n", " ")),
    st.text(alphabet="abcdefghij ABC.-\u00e9\u00f6\u20ac0123456789,%", max_size=80),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(["woord", "Kind", "x" * 30]), st.integers(1, 2500)),
    st.sampled_from(["\x00\x01\x02", "\x1c\x1d\x1e\x1f", "\x85 \u2028 \u2029", "\u00a0\u200b\ufeff",
                     "Привет мир", "مرحبا بالعالم", "你好世界", "שלום", "\U0001F600 emoji",
                     "a\u0301b\u0308c", "\r", "\r\n", "\f\f"]),
)
_page = st.lists(_line, max_size=25).map("\n".join)
_pages = st.lists(st.one_of(_page, _text), min_size=0, max_size=6)


def _loaded(pages: list[str]) -> LoadedDocument:
    return LoadedDocument(path="/tmp/doc.txt", pages=pages, sha256="0" * 64, kind="txt")


WORD = re.compile(r"[^\W\d_]{3,}")


def _expected_words(pages: list[str]) -> set[str]:
    """Alphabetic words (3+ letters) of the input lines that are not page furniture (footers, lines
    repeated at the top/bottom of pages) nor the "BIJLAGE" line that opens the annex section."""
    split = [p.replace("\r\n", "\n").replace("\r", "\n").split("\n") for p in pages]
    furniture = _repeated_furniture(split)
    words = set()
    for lines in split:
        for raw in lines:
            line = raw.replace("\f", "").rstrip()
            if not line.strip() or is_footer(line) or ANNEX_LINE.match(line):
                continue
            if re.sub(r"\d+", "#", " ".join(line.split())) in furniture:
                continue
            words.update(WORD.findall(line))
    return words


def _squeezed(text: str) -> str:
    # Dehyphenation joins "ge-\nmeentelijk": compare with whitespace and hyphens removed.
    return re.sub(r"[\s\-]+", "", fold(text))


def check_document(pages: list[str]) -> None:
    doc = parse(_loaded(pages), doc_id="doc")
    chunks = chunk_document(doc)
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids)), ids
    for c in chunks:
        assert 1 <= c.page <= len(pages), (c.chunk_id, c.page, len(pages))
        assert c.text.strip(), c.chunk_id
        assert c.chunk_id.startswith("doc:")
        assert c.embed_text.endswith(c.text)
        for key, value in c.metadata.items():  # Chroma takes str/int/float/bool only
            assert isinstance(value, (str, int, float, bool)), key
    out = _squeezed("\n".join([doc.title, doc.header] + [c.text for c in chunks]))
    lost = {w for w in _expected_words(pages) if _squeezed(w) not in out}
    assert not lost, sorted(lost)[:10]
    if figures_for_document is not None:
        for f in figures_for_document(doc):
            assert f.value and f.value in f.sentence, (f.value, f.sentence)


@SETTINGS
@given(_pages)
@example(["1.\n2.\n3-4."])
@example(["1.\n2.\n3-4.", "1.\n2."])
@example(["x" * 10_000])
@example([("woord " * 2000).strip()])
@example(["\f\f\f", "", "\x0c"])
@example(["Vlaams Parlement inleiding\nOnderwijs  -  Leraren\nHoeveel leraren zijn er?"])
@example(["ANTWOORD"])
@example(["BIJLAGE"])
@example([])
def test_parse_and_chunk_never_crash_and_keep_every_word(pages: list[str]) -> None:
    check_document(pages)


@pytest.mark.skipif(extract_figures is None, reason="pq_assistant.figures is not there")
@SETTINGS
@given(_page, st.sampled_from(["answer", "annex", "question"]), st.sampled_from(["", "2018-05-23", "2019"]),
       st.one_of(st.just(""), _page))
@example("1.\n2.\n3-4.", "answer", "", "")
@example("x" * 10_000, "annex", "2018-05-23", "")
@example("Provincie Aantal\nLimburg 13\nAntwerpen 41\n" * 50, "annex", "", "Tabel op 1 mei 2018")
def test_extract_figures_never_crashes(text: str, section: str, fallback: str, context: str) -> None:
    for f in extract_figures(text, section=section, fallback_date=fallback, context=context):
        assert f.value
        assert f.date_source in ("explicit", "relative", "context", "table", "document-date", "inferred",
                                 "undated"), f.date_source
        assert (f.date == "") == (f.date_source == "undated"), (f.date, f.date_source)
