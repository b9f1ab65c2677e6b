"""`crmcheck collect serve`: the starlette app respondents answer in, and running it under uvicorn.

Imported only by `serve` (and tests): starlette and uvicorn come with the `crmcheck[collect]` extra.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from crmcheck.catalog import Catalog
from crmcheck.collect.folder import DEFAULT_URL, Collection, Invite, hash_token
from crmcheck.collect.form import MAX_BODY, FormError, Page, pages_of, parse_body, read_page
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
from crmcheck.collect.responses import Held, ResponseStore, SaveError
from crmcheck.collect.responses import Respondent as Who
from crmcheck.errors import CrmcheckError, UsageError
from crmcheck.resolve import is_not_applicable

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
DEFAULT_RATE = 600  # requests per minute per client address


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    public_url: str | None = None
    rate_limit: int = DEFAULT_RATE


class CollectServer:
    """What the app needs: the collection, its questionnaires as pages, the invites, the secrets, the limits."""

    def __init__(self, collection: Collection, catalog: Catalog, admin_token: str, limits: RateLimits,
                 prefix: str = "") -> None:
        self.collection = collection
        self.catalog = catalog
        self.settings = collection.settings
        self.questionnaires = collection.questionnaires(catalog)
        self.pages = pages_of(self.questionnaires)
        self.total_questions = sum(len(q.questions) for q in self.questionnaires)
        self.totals = {lens: question_total(self.questionnaires, lens) for lens in ("company", "customer")}
        self.store = ResponseStore(self.questionnaires)
        self.secret = collection.secret()
        self.admin_hash = hash_token(admin_token)
        self.limits = limits
        self.prefix = prefix
        self._invites: dict[str, Invite] = {}
        self._stamp: tuple[object, ...] | None = None
        self._invites_lock = threading.Lock()

    def invite_for(self, token: str) -> Invite | None:
        """The live (not revoked) invite whose token this is; invites.yaml is re-read when it changes."""
        with self._invites_lock:
            try:
                stamp = self.collection.invites_stamp()
                if stamp != self._stamp:
                    self._invites = {i.token_sha256: i for i in self.collection.invites()}
                    self._stamp = stamp
            except (OSError, CrmcheckError) as exc:
                # a hand edit gone wrong: keep serving the invites read before, and say why once per change
                if self._stamp != ("broken", str(exc)):
                    sys.stderr.write(f"crmcheck collect: cannot read the invites, keeping the ones read before: "
                                     f"{exc}\n")
                    self._stamp = ("broken", str(exc))
            invite = self._invites.get(hash_token(token))
        return invite if invite is not None and not invite.revoked else None

    def who(self, invite: Invite) -> Who:
        return Who(invite.respondent, invite.lens, invite.name, self.settings.company, self.settings.assessed_on)

    def csrf(self, invite: Invite) -> str:
        return self.collection.csrf_token(self.secret, invite.token_sha256)

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
    return request.client.host if request.client else "-"


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

    def _known(request: Request) -> tuple[str, Invite] | None:
        token = request.path_params["token"]
        invite = server.invite_for(token) if len(token) <= 128 else None
        if invite is None:
            server.limits.misses.take(_client(request))
            return None
        return token, invite

    async def resume(request: Request) -> Response:
        found = _known(request)
        if found is None:
            return not_found(server)
        token, invite = found
        progress = server.collection.read_progress(invite.respondent)
        if progress.get("finished") or server.collection.closed:
            return RedirectResponse(server.url(token, "done"), status_code=303)
        page = progress.get("page")
        number = page if isinstance(page, int) and 1 <= page <= len(server.pages) else 1
        return RedirectResponse(server.url(token, number), status_code=303)

    async def done(request: Request) -> Response:
        found = _known(request)
        if found is None:
            return not_found(server)
        token, invite = found
        held = await run_in_threadpool(server.store.read, server.collection.response_path(invite.respondent))
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
        number = request.path_params["number"]
        if found is None or not 1 <= number <= len(server.pages):
            if found is not None:
                server.limits.misses.take(_client(request))
            return not_found(server)
        token, invite = found
        if server.collection.closed:
            return _message(server, 410, "The survey is closed",
                            "Thank you: this survey no longer takes answers. What you saved before is kept.")
        path = server.collection.response_path(invite.respondent)
        current = server.pages[number - 1]
        if request.method == "GET":
            try:
                held = await run_in_threadpool(server.store.read, path)
            except SaveError:
                return _message(server, 500, "Your answers cannot be shown", "Please tell the person who sent "
                                "you the link; what you saved before is kept.")
            return _page_response(server, invite, token, current, held)
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return _message(server, 413, "Too much to send", "The form was larger than 1 MiB; nothing was saved.")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return _message(server, 415, "Not a form", "Send the page's form; nothing was saved.")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return _message(server, 413, "Too much to send", "The form was larger than 1 MiB; nothing was "
                                "saved.")
        try:
            pairs = parse_body(bytes(body))
        except FormError as exc:
            return _message(server, 400, "The form could not be read", f"{exc}; nothing was saved.")
        posted = read_page(current, pairs, invite.lens)
        if not hmac.compare_digest(posted.csrf.encode("utf-8", "replace"), server.csrf(invite).encode()):
            return _message(server, 403, "This page has expired", "Open your link again and answer from there; "
                            "nothing was saved.")
        if posted.errors:
            held = await run_in_threadpool(server.store.read, path)
            return _page_response(server, invite, token, current, held, states=posted.shown, errors=posted.errors,
                                  status=422)
        target = {"back": number - 1, "next": number + 1, "finish": len(server.pages) + 1, "save": number}[posted.go]
        target = max(1, target)

        def save() -> bool:
            with server.store.lock(invite.respondent):
                if server.collection.closed:
                    return False
                server.store.save_page(path, server.who(invite), current.questionnaire, posted.answers)
                finished = bool(server.collection.read_progress(invite.respondent).get("finished"))
                finished = finished or target > len(server.pages)
                try:
                    server.collection.write_progress(invite.respondent, min(target, len(server.pages)), finished)
                except CrmcheckError as exc:  # the answers are saved; only where to resume is not
                    sys.stderr.write(f"crmcheck collect: could not note {invite.respondent}'s progress: {exc}\n")
                return True

        try:
            saved = await run_in_threadpool(save)
        except SaveError as exc:
            sys.stderr.write(f"crmcheck collect: could not save {invite.respondent}: {exc}\n")
            return _message(server, 500, "Not saved", "Your answers on this page could not be saved. Go back, "
                            "wait a moment and send them again.")
        if not saved:
            return _message(server, 410, "The survey is closed",
                            "Thank you: this survey no longer takes answers. What you saved before is kept.")
        where: int | str = "done" if target > len(server.pages) else target
        return RedirectResponse(server.url(token, where), status_code=303)

    async def admin(request: Request) -> Response:
        token = request.path_params["token"]
        if not hmac.compare_digest(hash_token(token), server.admin_hash):
            server.limits.misses.take(_client(request))
            return not_found(server)
        status = await run_in_threadpool(server.collection.status, server.catalog)
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
        Route("/r/{token}/page/{number:int}", page, methods=["GET", "POST"]),
        Route("/admin/{token}", admin),
        Route("/{rest:path}", fallback, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    ]
    app = Starlette(debug=debug, routes=[Mount(server.prefix, routes=routes)] if server.prefix else routes)
    return guarded(app, server)


def guarded(app: ASGIApp, server: CollectServer) -> ASGIApp:
    """Rate limits before anything else, and the security headers on every response."""

    async def wrapper(scope: Scope, receive: Callable[[], Awaitable[Message]],
                      send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in names)]
            await send(message)

        client = (scope.get("client") or ("-", 0))[0]
        if server.limits.misses.blocked(client) or not server.limits.requests.take(client):
            response = HTMLResponse(render_message("Too many requests", "Please wait a minute and try again.",
                                                   server.prefix), status_code=429, headers={"retry-after": "60"})
            await response(scope, receive, send_with_headers)
            return
        await app(scope, receive, send_with_headers)

    return wrapper


# ---------------------------------------------------------------- running


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, public_url: str | None) -> str | None:
    """What to say when the server listens beyond this machine without a TLS proxy's address to go by."""
    if is_loopback(host) or (public_url or "").startswith("https://"):
        return None
    return (f"warning: listening on {host}, not only this machine, without --public-url https://...: links and "
            "answers would cross the network unencrypted. Put a TLS reverse proxy in front (see docs/collect.md) "
            "and give its address with --public-url https://...")


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (port 0 picks a free port), made here so the printed links carry the real port."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                              flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def serve(collection: Collection, options: ServeOptions, say: Callable[[str], None],
          tell: Callable[[str], None]) -> None:
    """Run the server until interrupted; `say` prints links (stdout), `tell` prints diagnostics (stderr)."""
    import uvicorn

    catalog = collection.catalog()
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
    server = CollectServer(collection, catalog, admin_token, RateLimits.per_minute(options.rate_limit), prefix)
    warning = exposure_warning(options.host, public)
    if warning:
        tell(warning)
    say(f"serving {collection.settings.company}: {len(server.pages)} pages, {server.total_questions} questions")
    say(f"listening on http://{shown_host}:{port}" + (f" (public address {base})" if public else ""))
    say(f"status page (keep it private; a new one each start): {base}/admin/{admin_token}")
    say("respondents: the links `crmcheck collect invite` printed. Stop with Ctrl-C.")
    sys.stdout.flush()
    config = uvicorn.Config(build_app(server), log_level="warning", access_log=False, server_header=False,
                            proxy_headers=True, forwarded_allow_ips="127.0.0.1,::1", timeout_keep_alive=5,
                            limit_concurrency=4096)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:  # uvicorn finishes the requests in flight, then passes Ctrl-C on (exit 130)
        tell("stopped; every answer sent before was saved")
