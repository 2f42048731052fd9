"""Tests for pq_assistant.loaders: .txt/.pdf/.docx into page texts, and the failures named."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import pdf_bytes

from pq_assistant.errors import LoadError, UnsupportedFileType
from pq_assistant.loaders import SUPPORTED, iter_files, load, split_pages
from pq_assistant.models import LoadedDocument

ROOT = Path(__file__).resolve().parent.parent
CORPUS_PDF = ROOT / "corpus" / "2015-312-spreiding-over-de-provincies.pdf"
SAMPLES = Path(__file__).resolve().parent / "data" / "pdf-samples"
PASSWORD_PDF = SAMPLES / "005-libreoffice-writer-password" / "libreoffice-writer-password.pdf"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def load_error(path: Path) -> LoadError:
    with pytest.raises(LoadError) as info:
        load(path)
    err = info.value
    assert str(err) == f"{path}: {err.reason}"
    assert "\n" not in str(err)
    return err


# --------------------------------------------------------------------------- .txt


def test_txt_utf8(tmp_path: Path) -> None:
    data = "Coördinatie van de Huizen van het Kind: € 450.000.\n".encode()
    p = write(tmp_path, "a.txt", data)
    doc = load(p)
    assert isinstance(doc, LoadedDocument)
    assert doc.pages == ["Coördinatie van de Huizen van het Kind: € 450.000.\n"]
    assert doc.kind == "txt"
    assert doc.path == str(p)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.warnings == []


def test_txt_utf8_bom(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", b"\xef\xbb\xbf" + "coördinatie\n".encode())
    assert load(p).pages == ["coördinatie\n"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_txt_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    data = "\ufeffcoördinatie € 450.000\n".encode(encoding)
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    p = write(tmp_path, "a.txt", data)
    assert load(p).pages == ["coördinatie € 450.000\n"]


def test_txt_cp1252(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", "De coördinatie kost € 450.000.\n".encode("cp1252"))
    doc = load(p)
    assert doc.pages == ["De coördinatie kost € 450.000.\n"]
    assert doc.warnings == ["geen geldige UTF-8: gelezen als cp1252"]


def test_txt_cp1252_undefined_byte_falls_back_to_latin1(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252: that byte becomes U+0081, the rest stays cp1252.
    p = write(tmp_path, "a.txt", "€ 450.000 coördinatie".encode("cp1252") + b" \x81\n")
    assert load(p).pages == ["€ 450.000 coördinatie \x81\n"]


def test_txt_crlf_and_cr(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", b"een\r\ntwee\rdrie\r\n")
    assert load(p).pages == ["een\ntwee\ndrie\n"]


def test_txt_form_feed_pages(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", b"pagina een\nregel 2\n\fpagina twee\n\fpagina drie\n")
    assert load(p).pages == ["pagina een\nregel 2\n", "pagina twee\n", "pagina drie\n"]


def test_txt_blank_line_pages(tmp_path: Path) -> None:
    text = (
        "Vraag\n\n1. Hoeveel?\n"  # one blank line: same page
        "\n\n\n"  # three blank lines: page break
        "JO VANDEURZEN\nantwoord\n"
        "\n  \n\t\n\n"  # four blank lines, some with spaces: page break
        "BIJLAGE\n"
    )
    p = write(tmp_path, "a.txt", text.encode())
    assert load(p).pages == ["Vraag\n\n1. Hoeveel?\n", "JO VANDEURZEN\nantwoord\n", "BIJLAGE\n"]


def test_txt_two_blank_lines_are_not_a_page_break(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", b"een\n\n\ntwee\n")
    assert load(p).pages == ["een\n\n\ntwee\n"]


def test_txt_empty_pages_kept_in_the_middle_dropped_at_the_end(tmp_path: Path) -> None:
    p = write(tmp_path, "a.txt", b"een\n\f\ftwee\n\f\n\f  \n")
    assert load(p).pages == ["een\n", "", "twee\n"]


def test_split_pages_blank_run_next_to_form_feed_is_one_break() -> None:
    assert split_pages("een\n\n\n\n\n\ftwee\n") == ["een\n\n\n\n\n", "twee\n"]
    assert split_pages("\n\n\n\neen\n") == ["\n\n\n\neen\n"]


def test_txt_corpus_file_pages() -> None:
    doc = load(ROOT / "corpus" / "2018-503-regionale-spreiding.txt")
    assert len(doc.pages) == 2
    assert doc.pages[1].startswith("JO VANDEURZEN")


def test_txt_empty(tmp_path: Path) -> None:
    assert load_error(write(tmp_path, "a.txt", b"")).reason == "leeg bestand"


def test_txt_whitespace_only(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "a.txt", b" \n\r\n\t\f \n"))
    assert err.reason == "geen tekst (alleen witruimte)"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # NUL bytes
        bytes(range(1, 32)) * 20 + b"some text",  # mostly control characters
        "\ufefftext\x00with NUL".encode("utf-16"),  # NUL inside a UTF-16 text
    ],
)
def test_txt_binary(tmp_path: Path, data: bytes) -> None:
    assert load_error(write(tmp_path, "a.txt", data)).reason == "binair bestand, geen tekst"


def test_txt_large_file(tmp_path: Path) -> None:
    page = ("Het aantal erkende Huizen van het Kind steeg tot 153 op 1 mei 2018. " * 20 + "\n") * 40
    data = (page + "\f").encode() * 400  # ~22 MB, 400 pages
    p = write(tmp_path, "big.txt", data)
    doc = load(p)
    assert len(doc.pages) == 400
    assert doc.pages[399] == page


# --------------------------------------------------------------------------- .pdf


def test_pdf_corpus_multi_page() -> None:
    doc = load(CORPUS_PDF)
    assert doc.kind == "pdf"
    assert len(doc.pages) == 3
    assert "Huizen van het Kind  -  Spreiding over de provincies" in doc.pages[0]
    assert "BIJLAGE" in doc.pages[2]
    assert "BIJLAGE" not in doc.pages[0]
    assert doc.sha256 == hashlib.sha256(CORPUS_PDF.read_bytes()).hexdigest()
    assert doc.warnings == []


def test_pdf_uppercase_extension(tmp_path: Path) -> None:
    p = write(tmp_path, "VRAAG.PDF", CORPUS_PDF.read_bytes())
    assert len(load(p).pages) == 3


def test_pdf_zero_bytes(tmp_path: Path) -> None:
    assert load_error(write(tmp_path, "a.pdf", b"")).reason == "leeg bestand"


def test_pdf_html_saved_as_pdf(tmp_path: Path) -> None:
    html = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n"
    err = load_error(write(tmp_path, "a.pdf", html))
    assert err.reason == "geen PDF (een HTML-pagina bewaard als .pdf)"


def test_pdf_no_header(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "a.pdf", b"PK\x03\x04 this is a zip file really"))
    assert err.reason == "geen PDF (geen %PDF-kop)"


def test_pdf_truncated(tmp_path: Path) -> None:
    data = CORPUS_PDF.read_bytes()
    err = load_error(write(tmp_path, "a.pdf", data[: len(data) // 2]))
    assert err.reason.startswith("beschadigde PDF (")
    assert err.reason.endswith(")")


def test_pdf_header_only(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "a.pdf", b"%PDF-1.7\n%%EOF\n"))
    assert err.reason.startswith("beschadigde PDF (")


def test_pdf_made_with_pypdf(tmp_path: Path) -> None:
    p = write(tmp_path, "a.pdf", pdf_bytes(["Eerste pagina"], blank_pages=1))
    doc = load(p)
    assert [t.strip() for t in doc.pages] == ["Eerste pagina", ""]


def test_pdf_encrypted_empty_user_password_opens(tmp_path: Path) -> None:
    p = write(tmp_path, "a.pdf", pdf_bytes(["Beveiligd maar leesbaar"], user_password="", owner_password="eigenaar"))
    assert [t.strip() for t in load(p).pages] == ["Beveiligd maar leesbaar"]


def test_pdf_encrypted_with_password(tmp_path: Path) -> None:
    p = write(tmp_path, "a.pdf", pdf_bytes(["Geheim"], user_password="geheim", owner_password="eigenaar"))
    assert load_error(p).reason == "versleutelde PDF (wachtwoord nodig)"


def test_pdf_sample_with_user_password() -> None:
    assert load_error(PASSWORD_PDF).reason == "versleutelde PDF (wachtwoord nodig)"


def test_pdf_without_text(tmp_path: Path) -> None:
    p = write(tmp_path, "a.pdf", pdf_bytes(blank_pages=2))
    assert load_error(p).reason == "geen tekstlaag (gescand?)"


def test_pdf_image_only_sample() -> None:
    p = SAMPLES / "007-imagemagick-images" / "imagemagick-lzw.pdf"
    assert load_error(p).reason == "geen tekstlaag (gescand?)"


def test_pdf_page_extraction_failure_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    real = PageObject.extract_text

    def flaky(self: PageObject, *args: object, **kwargs: object) -> str:
        if "Twee" in real(self):
            raise ValueError("bad content stream\nsecond line")
        return real(self)

    monkeypatch.setattr(PageObject, "extract_text", flaky)
    p = write(tmp_path, "a.pdf", pdf_bytes(["Een", "Twee", "Drie"]))
    doc = load(p)
    assert [t.strip() for t in doc.pages] == ["Een", "", "Drie"]
    assert doc.warnings == ["pagina 2: tekst niet leesbaar (bad content stream)"]


def test_pdf_every_page_failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    def broken(self: PageObject, *args: object, **kwargs: object) -> str:
        raise KeyError("/Font")

    monkeypatch.setattr(PageObject, "extract_text", broken)
    p = write(tmp_path, "a.pdf", pdf_bytes(["Een"]))
    assert load_error(p).reason == "op geen enkele pagina kon tekst gelezen worden"


def test_pdf_unexpected_error_is_wrapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdf

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something\nwent wrong deep inside")

    monkeypatch.setattr(pypdf, "PdfReader", boom)
    err = load_error(write(tmp_path, "a.pdf", CORPUS_PDF.read_bytes()))
    assert err.reason == "beschadigde PDF (something)"


def test_pdf_samples_load_or_are_named() -> None:
    """Every sample either yields some text or a one-line LoadError naming the file and a reason."""
    pdfs = sorted(SAMPLES.rglob("*.pdf"))
    assert len(pdfs) >= 10
    loaded = 0
    for p in pdfs:
        try:
            doc = load(p)
        except LoadError as err:
            assert "\n" not in str(err)
            assert str(err).startswith(f"{p}: ")
            assert err.reason.strip()
        else:
            assert any(t.strip() for t in doc.pages), p
            loaded += 1
    assert loaded >= 6


def test_pdf_samples_expected_results() -> None:
    assert len(load(SAMPLES / "004-pdflatex-4-pages" / "pdflatex-4-pages.pdf").pages) == 4
    assert "حَبيبي" in load(SAMPLES / "015-arabic" / "habibi.pdf").pages[0]


def test_pdf_pypdf_warnings_kept_off_stderr(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    data = CORPUS_PDF.read_bytes()
    load_error(write(tmp_path, "a.pdf", data[: len(data) // 2]))
    assert capfd.readouterr().err == ""


# --------------------------------------------------------------------------- .docx


def test_docx(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Huizen van het Kind - Spreiding")
    d.add_paragraph("")  # empty paragraphs add nothing
    d.add_paragraph("Er zijn 153 Huizen van het Kind.")
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["Provincie", "Aantal", "Dekking"], ["Limburg", "13", "34 %"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("Slot.")
    p = tmp_path / "a.docx"
    d.save(str(p))
    doc = load(p)
    assert doc.kind == "docx"
    assert doc.pages == [
        "Huizen van het Kind - Spreiding\n\n"
        "Er zijn 153 Huizen van het Kind.\n\n"
        "Provincie Aantal Dekking\nLimburg 13 34 %\n\n"
        "Slot."
    ]
    assert doc.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_docx_merged_cell_counted_once(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Totaal"
    table.cell(1, 0).text = "a"
    table.cell(1, 1).text = "b"
    p = tmp_path / "a.DOCX"
    d.save(str(p))
    assert load(p).pages == ["Totaal\na b"]


def test_docx_empty(tmp_path: Path) -> None:
    import docx

    p = tmp_path / "a.docx"
    docx.Document().save(str(p))
    assert load_error(p).reason == "geen tekst"


def test_docx_not_a_zip(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "a.docx", b"this is not a docx"))
    assert err.reason == "beschadigde DOCX (geen zip-archief)"


def test_docx_zip_without_document(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "a.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    assert load_error(p).reason.startswith("beschadigde DOCX (")


def test_docx_zero_bytes(tmp_path: Path) -> None:
    assert load_error(write(tmp_path, "a.docx", b"")).reason == "leeg bestand"


# --------------------------------------------------------------------------- other types, paths


@pytest.mark.parametrize("name", ["a.doc", "a.odt", "a.rtf", "a.DOC"])
def test_unsupported(tmp_path: Path, name: str) -> None:
    p = write(tmp_path, name, b"whatever")
    with pytest.raises(UnsupportedFileType) as info:
        load(p)
    ext = Path(name).suffix
    assert str(info.value) == f"{p}: bestandstype '{ext}' wordt niet gelezen (wel: .txt, .pdf, .docx, .html, .htm, .xlsx, .xlsm)"


def test_unsupported_no_extension(tmp_path: Path) -> None:
    p = write(tmp_path, "README", b"text")
    with pytest.raises(UnsupportedFileType) as info:
        load(p)
    assert info.value.reason == "bestandstype zonder extensie wordt niet gelezen (wel: .txt, .pdf, .docx, .html, .htm, .xlsx, .xlsm)"


def test_supported() -> None:
    assert SUPPORTED == (".txt", ".pdf", ".docx", ".html", ".htm", ".xlsx", ".xlsm")


def test_load_missing_file(tmp_path: Path) -> None:
    assert load_error(tmp_path / "nope.txt").reason == "bestaat niet"


def test_load_directory(tmp_path: Path) -> None:
    d = tmp_path / "map.txt"
    d.mkdir()
    assert load_error(d).reason == "is een map"


def test_iter_files_nested(tmp_path: Path) -> None:
    for rel in [
        "b.txt",
        "a.pdf",
        "sub/c.docx",
        "sub/deeper/d.doc",
        "sub/.hidden.txt",
        ".git/config.txt",
        ".cache/sub/x.pdf",
        "z.html",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    got = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert got == ["a.pdf", "b.txt", "sub/c.docx", "sub/deeper/d.doc", "z.html"]


def test_iter_files_mixed_and_deduplicated(tmp_path: Path) -> None:
    (tmp_path / "map").mkdir()
    (tmp_path / "map" / "a.txt").write_text("x")
    explicit = tmp_path / ".verborgen.txt"
    explicit.write_text("x")
    got = list(iter_files([explicit, str(tmp_path / "map"), tmp_path / "map" / "a.txt"]))
    assert got == [explicit, tmp_path / "map" / "a.txt"]


def test_iter_files_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(LoadError) as info:
        list(iter_files([missing]))
    assert str(info.value) == f"{missing}: bestaat niet"


def test_import_does_not_load_pdf_or_docx_libraries() -> None:
    code = "import sys, pq_assistant.loaders; print(sorted(m for m in ('pypdf', 'docx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_iter_files_skips_folder_notes(tmp_path):
    (tmp_path / "README.md").write_text("what this folder holds", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("CC-BY", encoding="utf-8")
    (tmp_path / "vraag.txt").write_text("tekst", encoding="utf-8")
    assert [p.name for p in iter_files([tmp_path])] == ["vraag.txt"]
    assert [p.name for p in iter_files([tmp_path / "README.md"])] == ["README.md"]  # named explicitly
