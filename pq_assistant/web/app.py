"""The web app: pages and a JSON API over one `Assistant` (the library facade, nothing else).

    from pq_assistant import Assistant
    from pq_assistant.web import create_app
    app = create_app(Assistant("index"))      # serve with uvicorn (pq serve does)

The Assistant is not thread-safe (one Chroma client, one embedder), and FastAPI runs plain `def`
routes in a thread pool: every call to it goes through one lock. On 2 cores the searches would
compete for the CPU anyway; the lock keeps them in order and the model warm.
"""
from __future__ import annotations

import logging
import secrets
import tempfile
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import fields as dc_fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import EmbeddingError, IndexError_, LoadError, PQError, UsageError
from ..search import check_question
from . import views

if TYPE_CHECKING:
    from ..assistant import Assistant

HERE = Path(__file__).parent
MAX_UPLOAD = 20 * 1024 * 1024  # bytes of an uploaded question
UPLOAD_TYPES = {".pdf": b"%PDF", ".docx": b"PK\x03\x04", ".txt": None}  # suffix -> magic bytes
MAX_TEXT = 2 * 1024 * 1024  # characters of a pasted question
MAX_TOP_K = 50
KEPT_BRIEFINGS = 32  # briefings kept in memory for their download links (never on disk)
FILTER_FIELDS = ("minister", "asker", "type", "since", "until", "number")

log = logging.getLogger("pq.web")


class WebError(Exception):
    """A bad request the web layer itself finds (upload too big, wrong type, empty question)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _status_of(exc: Exception) -> int:
    if isinstance(exc, WebError):
        return exc.status
    if isinstance(exc, (UsageError, LoadError)):
        return 400
    if isinstance(exc, (IndexError_, EmbeddingError)):
        return 503  # the server's index or model, not the request
    return 500


_LEAD = {400: "Ongeldige invoer", 403: "Geweigerd", 404: "Niet gevonden", 411: "Lengte ontbreekt", 413: "Te groot",
         415: "Bestandstype niet ondersteund", 503: "De index is niet bruikbaar", 500: "Interne fout"}


class Site:
    """What the routes share: the Assistant, its lock, the templates, the kept briefings."""

    def __init__(self, assistant: Assistant, max_upload: int = MAX_UPLOAD) -> None:
        self.a = assistant
        self.lock = threading.RLock()
        self.max_upload = max_upload
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                               autoescape=select_autoescape(["html", "xml"], default=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(v=views, urlencode=urlencode)
        self.env.filters.update(hl=views.highlight, dutch_date=views.dutch_date, name=views.name, string_id=id)
        self.briefings: OrderedDict[str, Any] = OrderedDict()
        self._options: tuple[int, dict] | None = None

    @contextmanager
    def assistant(self) -> Iterator[Assistant]:
        """The Assistant, locked, with what another process (an ingest) wrote picked up."""
        with self.lock:
            refresh = getattr(self.a, "refresh", None)
            if refresh:
                refresh()
            yield self.a

    def render(self, request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        ctx.setdefault("stats", self.stats_line())
        html = self.env.get_template(template).render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status)

    def stats_line(self) -> str:
        try:
            with self.assistant() as a:
                s = a.stats()
            return f"{s['documents']} documenten · {s['chunks']} passages · {s.get('figures', 0)} cijfers · model {s['model']}"
        except Exception:  # the footer never breaks a page
            return ""

    # -- filters ---------------------------------------------------------------------------
    def filter_fields(self) -> list[str]:
        from ..search import Filters

        known = {f.name for f in dc_fields(Filters)}
        return [f for f in FILTER_FIELDS if f in known]

    def options(self) -> dict:
        """The values the filter controls offer, from the index (computed once per catalog snapshot)."""
        with self.assistant() as a:
            manifest = a.require_index()
            if self._options and self._options[0] == id(manifest):
                return self._options[1]
            docs = a.documents()
        ministers = sorted({views.name(d["minister"]) for d in docs if d.get("minister")})
        askers = sorted({views.name(d["asker"]) for d in docs if d.get("asker")})
        types = sorted({d["type"] for d in docs if d.get("type")}) if "type" in self.filter_fields() else []
        dates = sorted(d["date"] for d in docs if d.get("date"))
        out = {"minister": ministers, "asker": askers, "type": types,
               "first": dates[0] if dates else "", "last": dates[-1] if dates else ""}
        self._options = (id(manifest), out)
        return out

    def quantities(self, top: int = 24) -> list[tuple[str, int]]:
        """The quantities with the longest timelines in the ledger (suggestions on the figures page)."""
        with self.assistant() as a:
            manifest = a.require_index()
            if getattr(self, "_quantities", None) and self._quantities[0] == id(manifest):
                return self._quantities[1]
            out = a.figures_ledger.largest(top)
        self._quantities = (id(manifest), out)
        return out

    def filters(self, values: dict):
        """A Filters of the request's values; Filters checks itself (a bad date, a reversed range,
        an unknown type: a UsageError with the CLI's message)."""
        from ..search import Filters

        return Filters(**{k: (values.get(k) or "").strip() for k in self.filter_fields()})

    def keep_briefing(self, briefing) -> str:
        token = secrets.token_urlsafe(16)
        with self.lock:
            self.briefings[token] = briefing
            while len(self.briefings) > KEPT_BRIEFINGS:
                self.briefings.popitem(last=False)
        return token


def create_app(assistant: Assistant, *, allowed_hosts: list[str] | None = None,
               max_upload: int = MAX_UPLOAD) -> FastAPI:
    """The web app over `assistant`. `allowed_hosts` (Host header values) guards a server bound
    to the loopback against DNS rebinding; None accepts any Host (the test client)."""
    site = Site(assistant, max_upload=max_upload)
    # No /docs or /redoc: FastAPI's pages load their scripts from a CDN. The schema stays local.
    app = FastAPI(title="pq_assistant", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.site = site
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # -- safety ------------------------------------------------------------------------------
    @app.middleware("http")
    async def guard(request: Request, call_next):
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if allowed_hosts is not None and host not in allowed_hosts:
            return _error(request, site, WebError(f"onbekende host {host!r}", 400))
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if _cross_origin(request):
                return _error(request, site, WebError("verzoek van een andere website geweigerd "
                                                      "(een formulier moet van deze pagina komen)", 403))
            length = request.headers.get("content-length")
            if not (length and length.isdigit()) and request.headers.get("content-type", "").startswith("multipart/"):
                # without a length the body could only be bounded after it had been spooled to disk
                return _error(request, site, WebError("een upload zonder Content-Length wordt niet aanvaard", 411))
            if length and length.isdigit() and int(length) > site.max_upload + 1024 * 1024:
                return _error(request, site, WebError(
                    f"het bestand is te groot ({int(length) / 1e6:.1f} MB; hoogstens {site.max_upload // 2**20} MB)", 413))
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # No inline or foreign script can run even if some text were not escaped.
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        return response

    @app.exception_handler(PQError)
    async def pq_error(request: Request, exc: PQError):
        return _error(request, site, exc)

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError):
        return _error(request, site, exc)

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError):
        bits = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path"))
            bits.append(f"{where}: {e.get('msg', 'ongeldig')}" if where else e.get("msg", "ongeldig"))
        return _error(request, site, WebError("ongeldige parameter: " + "; ".join(bits), 400))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        msg = {404: f"geen pagina {request.url.path}", 405: "deze methode kan hier niet"}.get(exc.status_code, str(exc.detail))
        return _error(request, site, WebError(msg, exc.status_code))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("pq serve: %s %s", request.method, request.url.path)  # the traceback stays in the log
        return _error(request, site, WebError("er ging iets mis op de server; zie het venster waarin pq serve draait", 500))

    # -- pages -------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "", k: int = 5, minister: str = "", asker: str = "", type: str = "",
                    since: str = "", until: str = "", number: str = ""):
        values = {"minister": minister, "asker": asker, "type": type, "since": since, "until": until, "number": number}
        ctx: dict[str, Any] = {"q": q, "k": k, "values": values, "fields": site.filter_fields(),
                               "options": site.options(), "answer": None, "error": ""}
        if not q.strip() and not any(values.values()):
            return site.render(request, "search.html", **ctx)
        try:
            data, why = _ask(site, q, k, values)
        except (UsageError, WebError) as exc:  # the form stays, with the message under it
            return _form_error(request, site, "search.html", ctx, exc)
        ctx.update(answer=data, why=why)
        return site.render(request, "search.html", **ctx)

    @app.get("/doc/{ref}", response_class=HTMLResponse)
    def document_page(request: Request, ref: str, q: str = ""):
        with site.assistant() as a:
            try:
                doc = a.document(ref)
            except UsageError as exc:  # unknown (or ambiguous) document
                raise WebError(str(exc), 404) from None
            entry = next((d for d in a.documents() if d["doc_id"] == doc.doc_id), {})
            figs = [e for e in a.figures() if e.figure.doc_id == doc.doc_id]
        rows = views.fill_replaced_by([e.to_dict() for e in figs])
        context = [p for p in doc.question if not p.numbers]
        pairs = views.pair_parts(doc.subquestions, doc.answer)
        shown = context + [p for qs, ans in pairs for p in qs + ans] + list(getattr(doc, "replies", [])) \
            + list(doc.annex)  # in the order shown
        return site.render(request, "document.html", doc=doc, q=q, entry=entry, context=context, pairs=pairs,
                           figures=rows, anchors=views.page_anchors(shown),
                           has_file=_original(entry) is not None,
                           doc_type=getattr(doc, "type", "") or entry.get("type", ""))

    @app.get("/doc/{ref}/bestand")
    def original_file(ref: str):
        with site.assistant() as a:
            try:
                did = a.resolve_doc(ref)
            except UsageError as exc:
                raise WebError(str(exc), 404) from None
            entry = next((d for d in a.documents() if d["doc_id"] == did), {})
        path = _original(entry)
        if path is None:
            raise WebError(f"het oorspronkelijke bestand van {entry.get('file', ref)} is niet (meer) beschikbaar "
                           "op deze computer", 404)
        media = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        kind = path.suffix.lower()
        return FileResponse(path, media_type=media.get(kind, "application/octet-stream"), filename=path.name,
                            content_disposition_type="inline" if kind in (".pdf", ".txt") else "attachment")

    @app.get("/figures", response_class=HTMLResponse)
    def figures_page(request: Request, q: str = "", since: str = "", until: str = "", minister: str = ""):
        ctx: dict[str, Any] = {"q": q, "since": since, "until": until, "minister": minister,
                               "options": site.options(), "timelines": None}
        if not q.strip():
            ctx["known"] = site.quantities()
            return site.render(request, "figures.html", **ctx)
        try:
            check_question(q)
            site.filters({"since": since, "until": until})  # validates the dates (CLI message)
            with site.assistant() as a:
                entries = a.figures(q.strip(), since=since.strip(), until=until.strip(), minister=minister.strip())
        except (UsageError, WebError) as exc:
            return _form_error(request, site, "figures.html", ctx, exc)
        tls = views.timelines(entries)
        for t in tls:
            t["svg"], t["no_chart"] = views.chart_svg(t["entries"], title=t["title"], unit=t["unit"])
        ctx["timelines"] = tls
        return site.render(request, "figures.html", **ctx)

    @app.get("/briefing", response_class=HTMLResponse)
    def briefing_form(request: Request):
        return site.render(request, "briefing.html", b=None, token="", text="", max_mb=site.max_upload // 2**20)

    @app.post("/briefing", response_class=HTMLResponse)
    async def briefing_page(request: Request):
        form = await request.form(max_files=1, max_fields=8)
        text = str(form.get("text") or "")
        try:
            question = await _question(site, form.get("file"), text)
            k = _int(form.get("k"), 3, "k")
            from starlette.concurrency import run_in_threadpool

            b = await run_in_threadpool(_draft, site, question, k)
        except (PQError, WebError) as exc:
            return site.render(request, "briefing.html", status=_status_of(exc), b=None, token="", text=text,
                               error=_message(exc), max_mb=site.max_upload // 2**20)
        token = site.keep_briefing(b)
        return site.render(request, "briefing.html", b=b.to_dict(), token=token, text="",
                           max_mb=site.max_upload // 2**20)

    @app.get("/briefing/{token}.{fmt}")
    def briefing_download(token: str, fmt: str):
        with site.lock:
            b = site.briefings.get(token)
        if b is None:
            raise WebError("deze briefing is niet meer in het geheugen van de server: maak ze opnieuw", 404)
        return _briefing_file(b, fmt)

    @app.get("/api", response_class=HTMLResponse)
    def api_help(request: Request):
        return site.render(request, "api.html")

    # -- JSON API (the CLI's --json contract) -------------------------------------------------
    @app.get("/api/ask")
    def api_ask(q: str = "", k: int = 5, minister: str = "", asker: str = "", type: str = "", since: str = "",
                until: str = "", number: str = ""):
        values = {"minister": minister, "asker": asker, "type": type, "since": since, "until": until, "number": number}
        data, _ = _ask(site, q, k, values)
        return JSONResponse(data)

    @app.get("/api/figures")
    def api_figures(q: str = "", all: bool = False, since: str = "", until: str = "", minister: str = ""):
        if not q.strip() and not all:
            raise WebError("geef op wat je zoekt (q=...), of all=true voor alle cijfers")
        if not all:
            check_question(q)
        site.filters({"since": since, "until": until})
        with site.assistant() as a:
            entries = a.figures(None if all else q.strip(), since=since.strip(), until=until.strip(),
                                minister=minister.strip())
            return JSONResponse({"query": None if all else q, "figures": [e.to_dict() for e in entries]})

    @app.get("/api/docs")
    def api_docs(minister: str = "", asker: str = "", type: str = "", since: str = "", until: str = ""):
        f = site.filters({"minister": minister, "asker": asker, "type": type, "since": since, "until": until})
        from ..search import document_row

        with site.assistant() as a:
            rows = a.documents(f)
            notes = a.filter_notes(f)
        return JSONResponse({"documents": [document_row(d) for d in rows], "notes": notes})

    @app.get("/api/show/{ref}")
    def api_show(ref: str):
        with site.assistant() as a:
            try:
                return JSONResponse(a.document(ref).to_dict())
            except UsageError as exc:  # unknown (or ambiguous) document: the resource is not there
                raise WebError(str(exc), 404) from None

    @app.get("/api/stats")
    def api_stats():
        with site.assistant() as a:
            return JSONResponse(a.stats())

    @app.post("/api/draft")
    async def api_draft(request: Request, format: str = "json", k: int = 3):
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/json"):
            try:
                body = await request.json()
            except ValueError:
                raise WebError("de body is geen geldige JSON") from None
            text = body.get("text", "") if isinstance(body, dict) else ""
            question = await _question(site, None, str(text or ""))
        else:
            form = await request.form(max_files=1, max_fields=8)
            question = await _question(site, form.get("file"), str(form.get("text") or ""))
        from starlette.concurrency import run_in_threadpool

        b = await run_in_threadpool(_draft, site, question, k)
        if format == "json":
            return JSONResponse(b.to_dict())
        return _briefing_file(b, format)

    return app


# -- helpers -------------------------------------------------------------------------------------


def _cross_origin(request: Request) -> bool:
    """A state-changing request that a page of another site made (CSRF): its Origin (or, without
    one, its Referer) names another host than the one it was sent to. Scripts send neither."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    if origin == "null":
        return True
    return urlsplit(origin).netloc.lower() != (request.headers.get("host") or "").lower()


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")[:40]


def _message(exc: Exception) -> str:
    return str(exc)


def _error(request: Request, site: Site, exc: Exception) -> Response:
    status = _status_of(exc)
    msg = _message(exc)
    if _wants_json(request):
        return JSONResponse({"error": msg, "status": status}, status_code=status)
    try:
        return site.render(request, "error.html", status=status, lead=_LEAD.get(status, "Fout"), message=msg,
                           stats="")
    except Exception:  # a broken template must not hide the message
        return PlainTextResponse(f"{_LEAD.get(status, 'Fout')}: {msg}", status_code=status)


def _form_error(request: Request, site: Site, template: str, ctx: dict, exc: Exception) -> HTMLResponse:
    status = _status_of(exc)
    ctx["error"] = f"{_LEAD.get(status, 'Fout')}: {_message(exc)}"
    return site.render(request, template, status=status, **ctx)


def _int(value: Any, default: int, what: str) -> int:
    if value in (None, ""):
        return default
    try:
        n = int(str(value))
    except ValueError:
        raise WebError(f"{what} moet een getal zijn, niet {value!r}") from None
    if not 1 <= n <= MAX_TOP_K:
        raise WebError(f"{what} moet tussen 1 en {MAX_TOP_K} liggen")
    return n


def _ask(site: Site, q: str, k: int, values: dict) -> tuple[dict, str]:
    """`pq ask` as a dict (Answer.to_dict()), and when nothing was found, why."""
    if not 1 <= k <= MAX_TOP_K:
        raise WebError(f"k moet tussen 1 en {MAX_TOP_K} liggen")
    f = site.filters(values)
    q = (q or "").strip()
    if not q and values.get("number"):
        q = f"vraag {values['number'].strip()}"
    check_question(q)
    with site.assistant() as a:
        data = a.ask(q, top_k=k, filters=f).to_dict()
        why = ""
        if not data["results"]:
            if f.active() and not a.documents(f):
                shown = ", ".join(f"{k}={v}" for k, v in f.to_dict().items())
                why = f"geen enkel document in de index voldoet aan de filters ({shown})"
            else:
                why = "geen passage gevonden voor deze vraag"
    return data, why


def _original(entry: dict) -> Path | None:
    """The original file of an indexed document, only if the index knows it and it is still there."""
    p = entry.get("path") if entry else None
    if not p:
        return None
    path = Path(p)
    return path if path.is_file() else None


async def _question(site: Site, upload: Any, text: str):
    """The new question from an uploaded file (checked, parsed from a private temp file that is
    removed at once) or from pasted text."""
    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import UploadFile

    from ..draft import load_question

    if isinstance(upload, UploadFile) and upload.filename:
        fname = Path(upload.filename).name or "vraag"
        suffix = Path(fname).suffix.lower()
        if suffix not in UPLOAD_TYPES:
            raise WebError(f"{fname}: bestandstype '{suffix or '(geen)'}' wordt niet ondersteund "
                           "(kies een .pdf, .docx of .txt)", 415)
        data = await upload.read(site.max_upload + 1)
        if len(data) > site.max_upload:
            raise WebError(f"{fname}: het bestand is te groot (hoogstens {site.max_upload // 2**20} MB)", 413)
        if not data:
            raise WebError(f"{fname}: het bestand is leeg")
        magic = UPLOAD_TYPES[suffix]
        if magic and not data.startswith(magic):
            raise WebError(f"{fname}: dit is geen echt {suffix}-bestand (de inhoud past niet bij de naam)", 415)
        return await run_in_threadpool(_load_upload, data, suffix, fname)
    if not text.strip():
        raise WebError("kies een bestand of plak de tekst van de vraag")
    if len(text) > MAX_TEXT:
        raise WebError(f"de geplakte tekst is te lang (hoogstens {MAX_TEXT // 2**20} miljoen tekens)", 413)
    return load_question("-", stdin_text=text)


def _load_upload(data: bytes, suffix: str, fname: str):
    from ..draft import load_question

    # A private folder (mode 0700) and a fixed name: nothing of the user's file name reaches the disk.
    with tempfile.TemporaryDirectory(prefix="pq-upload-") as tmp:
        path = Path(tmp) / f"vraag{suffix}"
        path.write_bytes(data)
        try:
            return load_question(path)
        except LoadError as exc:
            raise LoadError(fname, exc.reason) from None
        except UsageError as exc:
            raise UsageError(str(exc).replace(str(path), fname)) from None


def _draft(site: Site, question, k: int):
    from ..draft import draft

    if not 1 <= k <= MAX_TOP_K:
        raise WebError(f"k moet tussen 1 en {MAX_TOP_K} liggen")
    with site.assistant() as a:
        return draft(a, question, per_part=k)


def _briefing_file(b, fmt: str) -> Response:
    from ..draft import to_docx, to_markdown

    fmt = {"markdown": "md"}.get(fmt.lower(), fmt.lower())
    name = "briefing" + (f"-{b.number}" if b.number else "")
    if fmt == "md":
        return Response(to_markdown(b), media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.md"'})
    if fmt == "docx":
        with tempfile.TemporaryDirectory(prefix="pq-briefing-") as tmp:
            data = to_docx(b, Path(tmp) / "briefing.docx").read_bytes()
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="{name}.docx"'})
    raise WebError(f"onbekend formaat {fmt!r} (md, docx of json)")
