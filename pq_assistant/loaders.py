"""Turn files (.txt, .pdf, .docx, saved .html/.htm pages, .xlsx/.xlsm annexes) into page texts.

`load(path)` returns a LoadedDocument or raises LoadError / UnsupportedFileType with a short,
one-line reason; nothing else escapes. pypdf and python-docx are imported lazily so that
importing this module (and starting the CLI) stays fast.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import LoadError, UnsupportedFileType
from .models import LoadedDocument

__all__ = ["SUPPORTED", "iter_files", "load", "split_pages"]

SUPPORTED = (".txt", ".pdf", ".docx", ".html", ".htm", ".xlsx", ".xlsm")

_MAX_REASON = 100  # characters of a library's error message we keep in a reason
_MAX_PDF_LOG_WARNINGS = 5  # pypdf can log the same repair hundreds of times


# ---------------------------------------------------------------------------
# Finding files


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


# A folder's own notes are not documents: a corpus folder may carry a README saying what it holds.
_FOLDER_NOTES = re.compile(r"^(readme|license|licence|copying|notice)(\.(md|txt|rst))?$", re.I)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the files named by `paths`; folders are walked recursively, sorted, hidden entries skipped.

    Unsupported files in a folder are yielded too, so that `load` names them as failures; the
    folder's own README / LICENSE notes are skipped (name such a file explicitly to ingest it).
    A file named explicitly is yielded even if hidden. Each file is yielded once.
    Raises LoadError for a path that does not exist (when the iteration reaches it).
    """
    seen: set[str] = set()

    def once(p: Path) -> bool:
        key = os.path.realpath(p)
        if key in seen:
            return False
        seen.add(key)
        return True

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            for top, dirs, files in os.walk(path):
                # Prune in place so os.walk never descends into .git, .venv, ...
                dirs[:] = [d for d in dirs if not _is_hidden(d)]
                for name in files:
                    if _is_hidden(name) or _FOLDER_NOTES.match(name):
                        continue
                    p = Path(top, name)
                    # Skip sockets/FIFOs (reading a FIFO blocks); keep broken links so they get named.
                    if p.is_file() or p.is_symlink():
                        found.append(p)
            for p in sorted(found):
                if once(p):
                    yield p
        elif path.exists() or path.is_symlink():
            if once(path):
                yield path
        else:
            raise LoadError(path, "bestaat niet")


# ---------------------------------------------------------------------------
# Entry point


def load(path: str | Path) -> LoadedDocument:
    """Read one file into page texts. Raises LoadError (or UnsupportedFileType) with a short reason."""
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        if not p.exists():
            raise LoadError(path, "bestaat niet")
        if p.is_dir():
            raise LoadError(path, "is een map")
        if suffix not in SUPPORTED:
            what = f"'{p.suffix}'" if p.suffix else "zonder extensie"
            raise UnsupportedFileType(path, f"bestandstype {what} wordt niet gelezen (wel: {', '.join(SUPPORTED)})")
        if suffix == ".txt":
            return _load_txt(p, str(path))
        if suffix == ".pdf":
            return _load_pdf(p, str(path))
        if suffix in (".html", ".htm"):
            return _load_html(p, str(path))
        if suffix in (".xlsx", ".xlsm"):
            return _load_xlsx(p, str(path))
        return _load_docx(p, str(path))
    except LoadError:
        raise
    except OSError as exc:
        raise LoadError(path, _os_reason(exc)) from None
    except Exception as exc:  # noqa: BLE001 - the contract: only LoadError leaves this function
        raise LoadError(path, f"kon niet gelezen worden ({_short(exc)})") from None


def _short(exc: BaseException) -> str:
    """A library error as a short one-line text (first line, truncated; the type name if empty)."""
    lines = str(exc).strip().splitlines()
    text = " ".join(lines[0].split()) if lines else ""
    if not text:
        return type(exc).__name__
    if len(text) > _MAX_REASON:
        text = text[: _MAX_REASON - 1].rstrip() + "…"
    return text


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "bestaat niet"
    if isinstance(exc, PermissionError):
        return "geen leesrecht"
    if isinstance(exc, IsADirectoryError):
        return "is een map"
    return (exc.strerror or _short(exc)).lower()


def _has_text(s: str) -> bool:
    return _NON_SPACE.search(s) is not None


_NON_SPACE = re.compile(r"\S")


# ---------------------------------------------------------------------------
# .txt


# cp1252 leaves 0x81, 0x8d, 0x8f, 0x90, 0x9d undefined: decode those bytes as latin-1 so that
# one stray byte does not cost the "€" and "ö" elsewhere in the file.
def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("pq_assistant.latin1", _latin1_fallback)

# C0 controls other than \t \n \f \r, DEL, and C1 controls (only reachable through the latin-1 fallback).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BINARY_SAMPLE = 65536  # characters inspected for the control-character share
_BINARY_SHARE = 0.05  # real text has next to none; random bytes have ~13 %

# A page break: a form feed, or a run of 3+ blank lines (spaces/tabs allowed on them), which is
# how the corpus' extracted texts mark page breaks. The run starts after a line's newline.
_BLANK_RUN = re.compile(r"(?<=\n)(?:[ \t]*\n){3,}(?=[ \t]*\S)")


def _decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns (text, encoding used). Raises ValueError for binary data."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text, enc = data.decode("utf-32"), "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, enc = data.decode("utf-16"), "utf-16"
    else:
        # A NUL byte never occurs in UTF-8/cp1252 text: don't bother decoding a binary file.
        if b"\x00" in data:
            raise ValueError("binary")
        try:
            text, enc = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            text, enc = data.decode("cp1252", errors="pq_assistant.latin1"), "cp1252"
    sample = text[:_BINARY_SAMPLE]
    if "\x00" in text or (sample and len(_CONTROL.findall(sample)) > _BINARY_SHARE * len(sample)):
        raise ValueError("binary")
    return text, enc


def split_pages(text: str) -> list[str]:
    """Split a text into pages on form feeds and on runs of 3+ blank lines.

    Page texts are kept as they are (line breaks included). A run of blank lines at the very
    start or end of a form-feed page is not a second break. Empty pages in the middle are kept
    so that page numbers stay stable; empty pages at the end are dropped.
    """
    pages: list[str] = []
    for chunk in text.split("\f"):
        start = 0
        first = _NON_SPACE.search(chunk)
        if first is not None:
            for m in _BLANK_RUN.finditer(chunk, first.start()):
                pages.append(chunk[start : m.start()])
                start = m.end()
        pages.append(chunk[start:] if start else chunk)
    while pages and not _has_text(pages[-1]):
        pages.pop()
    return pages


def _load_txt(p: Path, name: str) -> LoadedDocument:
    data = p.read_bytes()
    if not data:
        raise LoadError(name, "leeg bestand")
    sha = hashlib.sha256(data).hexdigest()
    try:
        text, enc = _decode(data)
    except (ValueError, UnicodeDecodeError):
        raise LoadError(name, "binair bestand, geen tekst") from None
    del data  # a 50 MB file: don't hold the bytes and the text at once longer than needed
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _has_text(text):
        raise LoadError(name, "geen tekst (alleen witruimte)")
    warnings = []
    if enc == "cp1252":
        warnings.append("geen geldige UTF-8: gelezen als cp1252")
    return LoadedDocument(path=name, pages=split_pages(text), sha256=sha, kind="txt", warnings=warnings)


# ---------------------------------------------------------------------------
# .pdf

_NEEDS_CRYPTOGRAPHY = "versleutelde PDF (AES: vraagt het pakket 'cryptography')"
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|script)\b")


def _sha256_file(p: Path) -> str:
    with p.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@contextmanager
def _pypdf_log() -> Iterator[list[str]]:
    """Collect pypdf's log warnings (the repairs it makes) of this thread into a list.

    While a handler is attached, Python's last-resort handler stays quiet: the messages land in
    the document's warnings instead of on stderr (unless the application logs them itself).
    """
    import logging  # lazily: only PDF loading needs it, and pypdf imports it anyway
    import threading

    messages: list[str] = []
    thread = threading.get_ident()

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.thread != thread:
                return
            try:
                msg = " ".join(record.getMessage().split())
            except Exception:  # noqa: BLE001 - a bad log record must not break loading
                return
            # Compare on a prefix: pypdf repeats one warning with a different object dump each time.
            if msg and not any(m[:60] == msg[:60] for m in messages):
                messages.append(msg)

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("pypdf")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _load_pdf(p: Path, name: str) -> LoadedDocument:
    with p.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise LoadError(name, "leeg bestand")
    if b"%PDF" not in head:
        if _HTML.search(head.lower()):
            raise LoadError(name, "geen PDF (een HTML-pagina bewaard als .pdf)")
        raise LoadError(name, "geen PDF (geen %PDF-kop)")
    sha = _sha256_file(p)

    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    with _pypdf_log() as log:
        try:
            reader = PdfReader(p, strict=False)
        except Exception as exc:  # noqa: BLE001 - any parser failure means the file is broken
            raise LoadError(name, f"beschadigde PDF ({_short(exc)})") from None

        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")  # many government PDFs only carry an owner password
            except DependencyError:
                raise LoadError(name, _NEEDS_CRYPTOGRAPHY) from None
            except Exception as exc:  # noqa: BLE001
                raise LoadError(name, f"versleutelde PDF ({_short(exc)})") from None
            if not ok:
                raise LoadError(name, "versleutelde PDF (wachtwoord nodig)")

        try:
            n_pages = len(reader.pages)
        except Exception as exc:  # noqa: BLE001
            raise LoadError(name, f"beschadigde PDF ({_short(exc)})") from None
        if n_pages == 0:
            raise LoadError(name, "beschadigde PDF (geen pagina's)")

        pages: list[str] = []
        warnings: list[str] = []
        for i in range(n_pages):
            # One page object at a time; nothing keeps it alive after its text is taken.
            try:
                text = reader.pages[i].extract_text() or ""
            except DependencyError as exc:
                if reader.is_encrypted:
                    # AES content without `cryptography`: every page would fail the same way.
                    raise LoadError(name, _NEEDS_CRYPTOGRAPHY) from None
                text = ""
                warnings.append(f"pagina {i + 1}: tekst niet leesbaar ({_short(exc)})")
            except Exception as exc:  # noqa: BLE001 - one bad page must not cost the others
                text = ""
                warnings.append(f"pagina {i + 1}: tekst niet leesbaar ({_short(exc)})")
            pages.append(text)
        del reader

    if not any(_has_text(t) for t in pages):
        if warnings and len(warnings) == n_pages:
            raise LoadError(name, "op geen enkele pagina kon tekst gelezen worden")
        # Scanned documents end here. OCR would plug in at this point (see _ocr_pages).
        raise LoadError(name, "geen tekstlaag (gescand?)")
    for msg in log[:_MAX_PDF_LOG_WARNINGS]:
        warnings.append(f"pdf: {_short(Exception(msg))}")
    return LoadedDocument(path=name, pages=pages, sha256=sha, kind="pdf", warnings=warnings)


def _ocr_pages(path: Path, page_numbers: list[int]) -> list[str]:
    """Hook for OCR of pages without a text layer (e.g. with Tesseract). Not implemented.

    When implemented, `_load_pdf` would call it for the pages whose text is empty instead of
    raising "geen tekstlaag (gescand?)", and add a warning that the text comes from OCR.
    """
    raise NotImplementedError("OCR is not available")


# ---------------------------------------------------------------------------
# .docx

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, or an encrypted Office file


def _load_docx(p: Path, name: str) -> LoadedDocument:
    import zipfile

    with p.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise LoadError(name, "leeg bestand")
    if head.startswith(_OLE2):
        raise LoadError(name, "beschadigde DOCX (een OLE2-bestand: met wachtwoord beveiligd, of een hernoemde .doc)")
    if not zipfile.is_zipfile(p):
        raise LoadError(name, "beschadigde DOCX (geen zip-archief)")
    sha = _sha256_file(p)

    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(p))
        blocks: list[str] = []
        # Paragraphs and tables in document order; a blank line between blocks keeps
        # paragraphs apart for the parser (which joins lines separated by a single newline).
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = [_table_row(row) for row in item.rows]
                block = "\n".join(r for r in rows if r)
            else:
                block = item.text.strip("\n")
            if _has_text(block):
                blocks.append(block)
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a broken package
        raise LoadError(name, f"beschadigde DOCX ({_short(exc)})") from None
    if not blocks:
        raise LoadError(name, "geen tekst")
    return LoadedDocument(path=name, pages=["\n\n".join(blocks)], sha256=sha, kind="docx")


def _table_row(row) -> str:  # noqa: ANN001 - docx.table._Row, imported lazily
    """A table row as one line: cell texts joined by a space (a merged cell counted once)."""
    cells: list[str] = []
    last = None
    for cell in row.cells:
        if cell._tc is last:  # a horizontally merged cell repeats in row.cells
            continue
        last = cell._tc
        text = " ".join(cell.text.split())
        if text:
            cells.append(text)
    return " ".join(cells)


# ---------------------------------------------------------------------------
# .html / .htm: a committee report or news item saved from a browser

_HTML_NOISE = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg",
               "iframe", "template", "select", "input", "menu")
_HTML_BLOCKS = ("p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr",
                "blockquote", "table", "ul", "ol", "dl", "dt", "dd", "pre", "figure", "figcaption", "address")


def _load_html(p: Path, name: str) -> LoadedDocument:
    """The text of a saved web page without navigation and markup (BeautifulSoup): the page's
    <main> or <article> when it has one, block elements as paragraphs, inline markup joined."""
    from bs4 import BeautifulSoup, NavigableString

    data = p.read_bytes()
    if not data.strip():
        raise LoadError(name, "leeg bestand")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise LoadError(name, "binair bestand, geen HTML-pagina")
    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception:  # noqa: BLE001 - lxml missing or choking: the stdlib parser
        soup = BeautifulSoup(data, "html.parser")
    for tag in soup.find_all(_HTML_NOISE):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo", "search"]}):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    # the page's heading above its <main> (the question's subject on the parliament's pages)
    h1 = soup.find("h1")
    heading = " ".join(h1.get_text(" ").split()) if h1 is not None and root.name in ("main", "article") \
        and root not in h1.parents and h1 not in root.descendants else ""
    for node in root.find_all(string=True):
        if type(node) is NavigableString:  # text, not a comment or CDATA
            node.replace_with(re.sub(r"\s+", " ", str(node)))
    for br in root.find_all("br"):
        br.replace_with("\n")
    # a table a row a line, its cells apart ("Antwerpen 80 79", as pypdf gives a table; before:
    # "Antwerpen8079"), the table a paragraph of its own
    for cell in root.find_all(["td", "th"]):
        cell.insert_before(" ")
        cell.append(" ")
    for table in root.find_all("table"):
        for row in table.find_all("tr"):
            row.append("\n")
        table.insert_before("\n\n")
        table.append("\n\n")
    for tag in root.find_all(_HTML_BLOCKS):
        if tag.name in ("tr", "table") or tag.find_parent("table") is not None:
            continue  # (handled above: a cell's <p> or <div> does not break its row)
        tag.insert_before("\n\n")
        tag.append("\n\n")
    text = root.get_text("")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if heading:
        text = heading + "\n\n" + text
    if not _has_text(text):
        raise LoadError(name, "geen tekst in de HTML-pagina")
    return LoadedDocument(path=name, pages=[text], sha256=hashlib.sha256(data).hexdigest(), kind="html")


def _load_xlsx(p: Path, name: str) -> LoadedDocument:
    """An Excel annex (answers often come with an .xlsx BIJLAGE): each sheet a page, one table
    row a line with its cells separated by spaces, as pypdf gives a table. "BIJLAGE" and the
    sheet's name head its page (the name often says what the table counts). Numbers are written the Dutch way
    (decimal comma; a percentage-formatted cell as '12,5 %'), dates as ISO dates; empty rows
    and columns are left out. Formulas give their cached value (the value Excel last showed)."""
    import zipfile

    with p.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise LoadError(name, "leeg bestand")
    if head.startswith(_OLE2):
        raise LoadError(name, "beschadigde XLSX (een OLE2-bestand: met wachtwoord beveiligd, of een hernoemde .xls)")
    if not zipfile.is_zipfile(p):
        raise LoadError(name, "beschadigde XLSX (geen zip-archief)")
    sha = _sha256_file(p)

    import openpyxl

    try:
        book = openpyxl.load_workbook(str(p), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken package
        raise LoadError(name, f"beschadigde XLSX ({_short(exc)})") from None
    pages: list[str] = []
    try:
        for sheet in book.worksheets:
            # "BIJLAGE" heads each sheet: an Excel file in this genre is an answer's annex, and the
            # parser keeps an annex's lines (table rows) as they are
            lines = ["BIJLAGE"] + ([sheet.title.strip()] if sheet.title.strip() else [])
            for row in sheet.iter_rows():
                cells = [_xlsx_cell(c) for c in row]
                line = " ".join(c for c in cells if c)
                if line:
                    lines.append(line)
            if len(lines) > 2:
                pages.append("\n".join(lines))
    finally:
        book.close()
    if not pages:
        raise LoadError(name, "geen tekst (elk werkblad is leeg)")
    return LoadedDocument(path=name, pages=pages, sha256=sha, kind="xlsx")


def _xlsx_cell(cell) -> str:  # noqa: ANN001 - openpyxl cell, imported lazily
    """A cell as a table reader expects it: '108.940' stays a count, 6.1 -> '6,1', 0.125 with a
    % format -> '12,5 %', a date -> '2024-01-01'."""
    import datetime as dt

    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, (int, float)):
        fmt = getattr(cell, "number_format", "") or ""
        if "%" in fmt:
            return _dutch_number(v * 100) + " %"
        return _dutch_number(v)
    return " ".join(str(v).split())


def _dutch_number(v: float) -> str:
    """12 -> '12', 108940 -> '108940', 6.1 -> '6,1', 12.499999 -> '12,5' (Excel float noise rounded)."""
    if float(v).is_integer():
        return str(int(v))
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
