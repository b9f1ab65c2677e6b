"""`crmcheck collect serve`: the starlette app respondents answer in, and running it under uvicorn.

The guard every request passes and the status page's login are in access.py, the listening socket in
listening.py. Imported only by `serve` (and tests): starlette and uvicorn come with the `crmcheck[collect]` extra.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from crmcheck.catalog import Catalog
from crmcheck.collect.access import (
    ADMIN_COOKIE,
    ADMIN_SESSION_SECONDS,
    HSTS,
    SECURITY_HEADERS,
    TRUSTED_PROXIES,
    AdminAccess,
    ASGIApp,
    guarded,
    too_many,
)
from crmcheck.collect.events import EventLog, open_log
from crmcheck.collect.folder import Collection
from crmcheck.collect.form import MAX_BODY, FormError, Page, Posted, pages_of, parse_body, read_page
from crmcheck.collect.listening import bind, exposure_warning
from crmcheck.collect.pages import (
    STYLESHEET,
    first_number,
    intro,
    question_total,
    question_views,
    render_admin,
    render_done,
    render_message,
    render_page,
    saved_states,
    section_intro,
)
from crmcheck.collect.ratelimit import RateLimits
from crmcheck.collect.records import DEFAULT_URL, Invite, hash_token
from crmcheck.collect.responses import Held, ResponseStore, SaveError
from crmcheck.collect.responses import Respondent as Who
from crmcheck.errors import CrmcheckError
from crmcheck.resolve import is_not_applicable

DEFAULT_RATE = 600  # requests per minute per client address
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}\Z")


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    public_url: str | None = None
    rate_limit: int = DEFAULT_RATE
    trust_proxy: bool = False  # X-Forwarded-For from 127.0.0.1 names the client (a reverse proxy runs there)
    log: Path | None = None  # the security event log; stderr without it


class CollectServer:
    """What the app needs: the collection, its questionnaires as pages, the invites, the secrets, the limits."""

    def __init__(self, collection: Collection, catalog: Catalog, admin_token: str, limits: RateLimits,
                 prefix: str = "", *, log: EventLog | None = None, trust_proxy: bool = False,
                 https: bool = False) -> None:
        self.collection = collection
        self.catalog = catalog
        self.settings = collection.settings
        self.questionnaires = collection.questionnaires(catalog)
        self.pages = pages_of(self.questionnaires)
        self.total_questions = sum(len(q.questions) for q in self.questionnaires)
        self.totals = {lens: question_total(self.questionnaires, lens) for lens in ("company", "customer")}
        self.store = ResponseStore(self.questionnaires)
        self.secret = collection.secret()
        self.admin = AdminAccess(hash_token(admin_token))
        self.limits = limits
        self.prefix = prefix
        self.log = log or EventLog(None)
        self.trust_proxy = trust_proxy
        self.https = https
        self.headers = [*SECURITY_HEADERS, *([HSTS] if https else [])]
        self.invites_problem: str | None = None  # why no link works just now (invites.yaml unreadable)
        self._invites: dict[str, Invite] = {}
        self._stamp: tuple[object, ...] | None = None
        self._invites_lock = threading.Lock()
        self._save_locks: dict[str, asyncio.Lock] = {}  # respondent -> held while their save is under way
        self._csrf: dict[str, str] = {}  # a link's hash -> its forms' CSRF token (as many as there are invites)

    def invite_for(self, token: str, client: str = "-") -> Invite | None:
        """The live (not revoked, not expired) invite whose token this is; invites.yaml is re-read when it
        changes. While it cannot be read (deleted, or a hand edit gone wrong) no link works: a link revoked
        in that edit must not go on working."""
        with self._invites_lock:
            try:
                stamp = self.collection.invites_stamp()
                if stamp != self._stamp:
                    invites = {i.token_sha256: i for i in self.collection.invites()}
                    self._log_revocations(invites)
                    self._invites, self._stamp = invites, stamp
                    if self.invites_problem is not None:
                        self.invites_problem = None
                        self.log.event("invites-readable")
                        sys.stderr.write("crmcheck collect: the invites read again; links work again\n")
            except (OSError, CrmcheckError) as exc:
                problem = str(exc) if isinstance(exc, CrmcheckError) else f"{exc.strerror or exc}"
                if self.invites_problem != problem:  # said once per change, not once per request
                    sys.stderr.write(f"crmcheck collect: cannot read the invites, so no link works until they "
                                     f"read again: {problem}\n")
                    self.log.event("invites-unreadable")
                    self.invites_problem = problem
                self._invites, self._stamp = {}, None
            invite = self._invites.get(hash_token(token))
        if invite is None or invite.revoked:
            return None
        if invite.expired():
            self.log.event("expired-link", client, respondent=invite.respondent)
            return None
        return invite

    def _log_revocations(self, invites: dict[str, Invite]) -> None:
        if self._stamp is None and not self._invites:
            return  # the first reading: nothing was revoked while the server ran
        before = {i.respondent for i in self._invites.values() if i.revoked}
        for invite in invites.values():
            if invite.revoked and invite.respondent not in before:
                self.log.event("revoked", respondent=invite.respondent)

    def who(self, invite: Invite) -> Who:
        return Who(invite.respondent, invite.lens, invite.name, self.settings.company, self.settings.assessed_on)

    def save_lock(self, respondent: str) -> asyncio.Lock:
        """One save per respondent at a time (taken by the event loop's thread only)."""
        return self._save_locks.setdefault(respondent, asyncio.Lock())

    def csrf(self, invite: Invite) -> str:
        known = self._csrf.get(invite.token_sha256)
        if known is None:  # an HMAC made once per link (asked at every page shown and every form posted)
            known = self._csrf[invite.token_sha256] = self.collection.csrf_token(self.secret, invite.token_sha256)
        return known

    def url(self, token: str, page: int | str) -> str:
        return f"{self.prefix}/r/{token}/{'page/' + str(page) if isinstance(page, int) else page}"


# ---------------------------------------------------------------- responses


def _message(server: CollectServer, status: int, title: str, message: str) -> HTMLResponse:
    return HTMLResponse(render_message(title, message, server.prefix), status_code=status)


def not_found(server: CollectServer) -> HTMLResponse:
    # the same page for a wrong, a revoked and a missing link: nothing says which
    return _message(server, 404, "Page not found", "This address does not lead to a page. Check the link you "
                    "were sent, or ask the person who sent it for a new one.")


def _client(request: Request) -> str:
    """The rate-limit key of the request's client (set by `guarded`)."""
    return str(request.scope.get("crmcheck.client") or (request.client.host if request.client else "-"))


def _unreadable(server: CollectServer) -> HTMLResponse:
    # 409: the file on disk conflicts with what the server can read; nothing is wrong with the request
    return _message(server, 409, "Your answers cannot be shown just now", "The file your answers are kept in was "
                    "changed by hand and no longer reads. Please tell the person who sent you the link; what "
                    "you saved before is kept and nothing was changed.")


def _counts(server: CollectServer, held: Held) -> tuple[int, int]:
    """(answered, not applicable): questions with a value other than n/a, and those marked n/a."""
    na = sum(is_not_applicable(a.value) for part in held.values() for a in part.values())
    answered = sum(a.value is not None for part in held.values() for a in part.values()) - na
    return answered, na


def _page_response(server: CollectServer, invite: Invite, token: str, page: Page, held: Held, *,
                   states: Any = None, errors: dict[str, str] | None = None, status: int = 200) -> HTMLResponse:
    answers = held.get(page.questionnaire.id, {})
    lens, company = invite.lens, server.settings.company
    first = first_number(server.pages, page, lens)
    views = question_views(page, lens, first, states or saved_states(page, answers, lens), errors or {}, company)
    html = render_page(
        page=page, total_pages=len(server.pages), questions=views, errors=errors or {},
        numbers={v.full_id: v.number for v in views}, intro=intro(company, lens),
        section_intro=section_intro(page, lens, company),
        company=company, answered=sum(_counts(server, held)), total_questions=server.totals[lens],
        csrf=server.csrf(invite), action=server.url(token, page.number), prefix=server.prefix,
    )
    return HTMLResponse(html, status_code=status)


# ---------------------------------------------------------------- endpoints


def build_app(server: CollectServer, *, debug: bool = False) -> ASGIApp:
    async def stylesheet(request: Request) -> Response:
        return Response(STYLESHEET, media_type="text/css")

    def _known(request: Request) -> tuple[str, Invite] | Response | None:
        """The link's token and invite; a 429 while the client's guesses are slowed; None for no such link."""
        token = request.path_params["token"]
        client = _client(request)
        if len(token) > 128:
            invite = None
        else:
            if not server.limits.may_look_up(client, hash_token(token)):
                return too_many(server, client, server.limits.misses.wait(client), "links")
            invite = server.invite_for(token, client)
        if invite is None:
            server.limits.misses.take(client)
            server.log.event("failed-link", client, link="respondent")
            return None
        server.limits.remember(client, invite.token_sha256)
        return token, invite

    async def resume(request: Request) -> Response:
        found = _known(request)
        if not isinstance(found, tuple):
            return found or not_found(server)
        token, invite = found
        progress = server.collection.read_progress(invite.respondent)
        if progress.get("finished") or server.collection.closed:
            return RedirectResponse(server.url(token, "done"), status_code=303)
        page = progress.get("page")
        number = page if isinstance(page, int) and 1 <= page <= len(server.pages) else 1
        return RedirectResponse(server.url(token, number), status_code=303)

    async def done(request: Request) -> Response:
        found = _known(request)
        if not isinstance(found, tuple):
            return found or not_found(server)
        token, invite = found
        try:
            held = await run_in_threadpool(server.store.read, server.collection.response_path(invite.respondent))
        except SaveError:
            return _unreadable(server)
        answered, na = _counts(server, held)
        if server.collection.closed and not answered + na:  # never started: nothing of theirs is "saved"
            return _message(server, 410, "The survey is closed",
                            "Thank you for opening your link: this survey has closed and no longer takes answers.")
        return HTMLResponse(render_done(
            intro=intro(server.settings.company, invite.lens), company=server.settings.company, answered=answered,
            not_applicable=na, total_questions=server.totals[invite.lens], closed=server.collection.closed,
            first_page=server.url(token, 1), prefix=server.prefix))

    async def page(request: Request) -> Response:
        found = _known(request)
        if not isinstance(found, tuple):
            return found or not_found(server)
        raw = request.path_params["number"]  # read here, not by the router: 4,301 digits are no int to Python
        number = int(raw) if _PAGE_NUMBER.match(raw) else 0
        if not 1 <= number <= len(server.pages):
            server.limits.misses.take(_client(request))
            return not_found(server)
        token, invite = found
        if server.collection.closed:
            return _message(server, 410, "The survey is closed",
                            "Thank you: this survey no longer takes answers. What you saved before is kept.")
        path = server.collection.response_path(invite.respondent)
        current = server.pages[number - 1]
        if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body: it never saves
            try:
                held = await run_in_threadpool(server.store.read, path)
            except SaveError:
                return _unreadable(server)
            return _page_response(server, invite, token, current, held)
        if request.method != "POST":
            return _message(server, 405, "Not a form", "Only the page's own form can send answers; nothing was "
                            "saved.")
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return _message(server, 413, "Too much to send", "The form was larger than 1 MiB; nothing was saved.")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return _message(server, 415, "Not a form", "Send the page's form; nothing was saved.")
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    return _message(server, 413, "Too much to send", "The form was larger than 1 MiB; nothing "
                                    "was saved.")
        except ClientDisconnect:  # gone (or cut off for sending too slowly): nobody reads the answer
            return _message(server, 400, "The form did not arrive", "Nothing was saved.")
        try:
            pairs = parse_body(bytes(body))
            posted: Posted = read_page(current, pairs, invite.lens)
        except (FormError, ValueError, ArithmeticError) as exc:
            return _message(server, 400, "The form could not be read", f"{exc}; nothing was saved.")
        if not hmac.compare_digest(posted.csrf.encode("utf-8", "replace"), server.csrf(invite).encode()):
            return _message(server, 403, "This page has expired", "Open your link again and answer from there; "
                            "nothing was saved.")
        if posted.errors:
            try:
                held = await run_in_threadpool(server.store.read, path)
            except SaveError:
                return _unreadable(server)
            return _page_response(server, invite, token, current, held, states=posted.shown, errors=posted.errors,
                                  status=422)
        target = {"back": number - 1, "next": number + 1, "finish": len(server.pages) + 1, "save": number}[posted.go]
        target = max(1, target)

        try:
            async with server.save_lock(invite.respondent):  # one save per respondent at a time
                saved = not server.collection.closed
                if saved:
                    # merged, laid out and checked here (Python work: the GIL runs one thread at a time anyway);
                    # the progress goes in the same file, and finished stays so (responses.py)
                    pending = server.store.prepare_page(
                        path, server.who(invite), current.questionnaire, posted.answers,
                        progress=(min(target, len(server.pages)), target > len(server.pages)),
                        finished_before=lambda: bool(server.collection.read_progress(invite.respondent)
                                                     .get("finished")))
                    await run_in_threadpool(server.store.write, pending)  # the write waits on the disk: not here
        except SaveError as exc:
            sys.stderr.write(f"crmcheck collect: could not save {invite.respondent}: {exc}\n")
            server.log.event("save-failed", _client(request), respondent=invite.respondent, page=number)
            try:
                await run_in_threadpool(server.store.read, path)
            except SaveError:
                return _unreadable(server)
            # the disk is full or the folder read-only: the server cannot save now, the form was right
            return _message(server, 503, "Not saved", "Your answers on this page could not be saved. Go back, "
                            "wait a moment and send them again.")
        if not saved:
            return _message(server, 410, "The survey is closed",
                            "Thank you: this survey no longer takes answers. What you saved before is kept.")
        server.log.event("saved", _client(request), respondent=invite.respondent, page=number,
                         finished="yes" if target > len(server.pages) else None)
        where: int | str = "done" if target > len(server.pages) else target
        return RedirectResponse(server.url(token, where), status_code=303)

    async def admin_login(request: Request) -> Response:
        token = request.path_params["token"]
        client = _client(request)
        if not server.limits.may_look_up(client, "admin"):
            return too_many(server, client, server.limits.misses.wait(client), "admin")
        session = server.admin.log_in(token) if len(token) <= 128 else None
        if session is None:
            server.limits.misses.take(client)
            server.log.event("failed-admin", client)
            return not_found(server)
        server.log.event("admin-login", client)
        response = RedirectResponse(f"{server.prefix}/admin", status_code=303)
        response.set_cookie(ADMIN_COOKIE, session, max_age=ADMIN_SESSION_SECONDS, path=f"{server.prefix}/admin",
                            secure=server.https, httponly=True, samesite="strict")
        return response

    async def admin(request: Request) -> Response:
        client = _client(request)
        if not server.admin.valid(request.cookies.get(ADMIN_COOKIE)):
            server.log.event("failed-admin", client)
            return not_found(server)
        server.log.event("admin", client)
        server.invite_for("", client)  # notices an unreadable invites file, to say so on the page
        problem = server.invites_problem
        if problem is not None:
            return _message(server, 503, "No link works just now", f"The invites file cannot be read, so no "
                            f"respondent's link works until it reads again: {problem}")
        try:
            status = await run_in_threadpool(server.collection.status, server.catalog)
        except CrmcheckError as exc:
            return _message(server, 503, "The status cannot be shown", str(exc))
        return HTMLResponse(render_admin(status, server.prefix))

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)  # browsers ask for one; an empty answer keeps their consoles clean

    async def fallback(request: Request) -> Response:
        return not_found(server)

    routes = [
        Route("/assets/collect.css", stylesheet),
        Route("/favicon.ico", no_icon),
        Route("/r/{token}", resume),
        Route("/r/{token}/done", done),
        Route("/r/{token}/page/{number}", page, methods=["GET", "POST"]),
        Route("/admin", admin),
        Route("/admin/{token}", admin_login),
        Route("/{rest:path}", fallback, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    ]
    app = Starlette(debug=debug, routes=[Mount(server.prefix, routes=routes)] if server.prefix else routes)
    return guarded(app, server)


# ---------------------------------------------------------------- running


def serve(collection: Collection, options: ServeOptions, say: Callable[[str], None],
          tell: Callable[[str], None]) -> None:
    """Run the server until interrupted; `say` prints links (stdout), `tell` prints diagnostics (stderr)."""
    import uvicorn

    from crmcheck.collect.connections import ConnectionLimits, guarded_protocol

    catalog = collection.catalog()
    collection.check_respondents()
    if options.public_url:
        collection.set_public_url(options.public_url)
    # the address invite links were made with: given now, or remembered from before (unless the default)
    public = options.public_url or (collection.settings.public_url
                                    if collection.settings.public_url != DEFAULT_URL else None)
    sock = bind(options.host, options.port)
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    base = (public or f"http://{shown_host}:{port}").rstrip("/")
    prefix = urlsplit(public).path.rstrip("/") if public else ""
    admin_token = secrets.token_urlsafe(24)
    log = EventLog(open_log(options.log) if options.log else sys.stderr)
    https = base.startswith("https://")
    server = CollectServer(collection, catalog, admin_token, RateLimits.per_minute(options.rate_limit), prefix,
                           log=log, trust_proxy=options.trust_proxy, https=https)
    warning = exposure_warning(options.host, public)
    if warning:
        tell(warning)
    say(f"serving {collection.settings.company}: {len(server.pages)} pages, {server.total_questions} questions")
    say(f"listening on http://{shown_host}:{port}" + (f" (public address {base})" if public else ""))
    say(f"status page (keep it private; it opens once, in one browser, and a new one is made each start): "
        f"{base}/admin/{admin_token}")
    say("respondents: the links `crmcheck collect invite` printed. Stop with Ctrl-C.")
    sys.stdout.flush()
    limits = ConnectionLimits(exempt=TRUSTED_PROXIES if options.trust_proxy else frozenset(),
                              security_headers=server.headers)
    # X-Forwarded-For is read by `guarded` (only with --trust-proxy), never by uvicorn
    config = uvicorn.Config(build_app(server), http=guarded_protocol(limits), log_level="warning",
                            access_log=False, server_header=False, proxy_headers=False, timeout_keep_alive=5,
                            limit_concurrency=None)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:  # uvicorn finishes the requests in flight, then passes Ctrl-C on (exit 130)
        tell("stopped; every answer sent before was saved")
