"""`crmcheck collect ...`: answers collected in a browser (init, invite, revoke, serve, status, close, reopen)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crmcheck.cli.options import (
    DateOption,
    Lens,
    ListFormat,
    ListFormatOption,
    PlainUsage,
    QuestionnaireDirs,
    command_group,
    load_catalog,
    parse_date,
)
from crmcheck.cli.output import emit, note
from crmcheck.errors import UsageError
from crmcheck.json_text import json_document
from crmcheck.wording import counted

collect_app = command_group(
    "collect",
    "Collect answers in a browser: invite staff and customers by link; each respondent's answers are saved "
    "as an ordinary answers file in DIR/responses. Needs the collect extra: pip install 'crmcheck[collect]'.\n\n"
    "Example: crmcheck collect init perception-gap --company \"Acme Corp\" -o acme-survey\n\n"
    "Example: crmcheck collect invite acme-survey --lens customer --count 20\n\n"
    "Example: crmcheck collect serve acme-survey, then crmcheck report acme-survey/responses",
)
CollectionDir = Annotated[Path, typer.Argument(metavar="DIR", help="The collection folder (from collect init).")]
PublicUrl = Annotated[str | None, typer.Option(
    "--public-url", metavar="URL", help="The address respondents reach the server at, e.g. https://survey.example.com "
    "(invite links start with it; remembered in DIR).")]


@collect_app.command("init", cls=PlainUsage)
def collect_init(
    questionnaire_ids: Annotated[list[str], typer.Argument(metavar="QUESTIONNAIRE...", help="Questionnaire ids.")],
    company: Annotated[str, typer.Option(help="Company name, written into every answers file.")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="DIR", help="The new collection folder.")],
    date: DateOption = None,
    public_url: PublicUrl = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Make a collection folder for answers collected in a browser.

    Example: crmcheck collect init perception-gap --company "Acme Corp" --date 2026-11-01 -o acme-survey
    """
    from crmcheck.collect.folder import DEFAULT_URL, Collection

    catalog = load_catalog(questionnaires)
    qs = [catalog.get(qid) for qid in dict.fromkeys(questionnaire_ids)]
    Collection.create(output, qs, company, parse_date(date, "--date"), questionnaires or [], public_url or DEFAULT_URL)
    note(f"made {output}; next: crmcheck collect invite {output} --lens company|customer")


@collect_app.command("invite", cls=PlainUsage)
def collect_invite(
    directory: CollectionDir,
    lens: Annotated[Lens, typer.Option(help="Whose view the respondents give: company (staff) or customer.")],
    name: Annotated[str | None, typer.Option(help="The respondent's name (one respondent).")] = None,
    count: Annotated[int, typer.Option(help="How many respondents to invite.")] = 1,
    public_url: PublicUrl = None,
    fmt: ListFormatOption = ListFormat.terminal,
    expires: Annotated[str | None, typer.Option(
        "--expires", metavar="AGE", help="How long the links work: 30d, 12h or 2w (default: until revoked).")] = None,
) -> None:
    """Print one invite link per new respondent. Only a hash of each link's token is kept: send the links now.

    Example: crmcheck collect invite acme-survey --lens company --name "Sam Ortiz"

    Example: crmcheck collect invite acme-survey --lens customer --count 25 > customer-links.txt
    """

    from crmcheck.collect.folder import DEFAULT_URL, Collection, parse_expires

    lifetime = parse_expires(expires) if expires is not None else None
    collection = Collection(directory)
    made = collection.invite(lens.value, collection.questionnaires(collection.catalog()), name, count,
                             public_url, lifetime)
    if collection.settings.public_url == DEFAULT_URL:
        note(f"warning: the links point at {DEFAULT_URL} and work only on this machine; to send them to "
             f"respondents, give the address they reach the server at: --public-url https://survey.example.com")
    if fmt is ListFormat.json:
        emit(json_document([vars(m) for m in made]), None)
    else:
        emit("".join(f"{m.respondent}\t{m.link}\n" for m in made), None)
    note(f"{counted(len(made), 'invite')} made; the links cannot be shown again (revoke one with "
         f"`crmcheck collect revoke {directory} RESPONDENT`)")


@collect_app.command("revoke", cls=PlainUsage)
def collect_revoke(
    directory: CollectionDir,
    respondent: Annotated[str, typer.Argument(
        metavar="RESPONDENT", help="The respondent id invite printed, e.g. customer-003.")],
) -> None:
    """Make a respondent's link stop working (what they saved stays in DIR/responses).

    Example: crmcheck collect revoke acme-survey customer-003
    """
    from crmcheck.collect.folder import Collection

    Collection(directory).revoke(respondent)
    note(f"revoked {respondent}: the link now leads nowhere")


@collect_app.command("serve", cls=PlainUsage)
def collect_serve(
    directory: CollectionDir,
    host: Annotated[str, typer.Option(help="Address to listen on; other than 127.0.0.1, use a TLS proxy.")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")] = 8765,
    public_url: PublicUrl = None,
    rate_limit: Annotated[int, typer.Option(
        "--rate-limit", metavar="N", help="Requests per minute per client address (0: no limit).")] = 600,
    trust_proxy: Annotated[bool, typer.Option(
        "--trust-proxy", help="A reverse proxy on this machine sets X-Forwarded-For: limit by the address it "
        "names.")] = False,
    log: Annotated[Path | None, typer.Option(
        "--log", metavar="FILE", help="Append the security event log to FILE (default: stderr).")] = None,
) -> None:
    """Run the web server respondents answer in; prints the private status page's address. Ctrl-C stops it.

    Example: crmcheck collect serve acme-survey

    Example: crmcheck collect serve acme-survey --port 8765 --public-url https://survey.example.com
    """
    from crmcheck.collect.folder import Collection

    try:
        from crmcheck.collect.server import ServeOptions, serve
    except ImportError as exc:
        missing = (exc.name or "starlette").split(".")[0]
        raise UsageError(f"collect serve needs the collect extra ({missing} is missing): "
                         "pip install 'crmcheck[collect]'") from None
    if not 0 <= port <= 65535 or rate_limit < 0:
        raise UsageError("--port is 0 to 65535 and --rate-limit 0 or more")
    options = ServeOptions(host, port, public_url, rate_limit, trust_proxy, log)
    collection = Collection(directory)
    if collection.closed:
        note(f"{directory} is closed: respondents are told the survey is closed and no answer is taken "
             f"(crmcheck collect reopen {directory} takes answers again)")
    serve(collection, options, lambda line: emit(line + "\n", None), note)


@collect_app.command("status", cls=PlainUsage)
def collect_status(directory: CollectionDir, fmt: ListFormatOption = ListFormat.terminal) -> None:
    """Show who has started and who has finished (never their answers).

    Example: crmcheck collect status acme-survey
    """
    from crmcheck.collect.folder import Collection, render_status

    collection = Collection(directory)
    emit(render_status(collection.status(collection.catalog()), fmt.value), None)


@collect_app.command("close", cls=PlainUsage)
def collect_close(directory: CollectionDir) -> None:
    """Stop taking answers (a running server notices at once); then report on DIR/responses.

    Example: crmcheck collect close acme-survey && crmcheck report acme-survey/responses
    """
    from crmcheck.collect.folder import Collection

    closed = Collection(directory).close()
    note(f"{directory} {'is now closed' if closed else 'was already closed'}; report: crmcheck report "
         f"{directory}/responses")


@collect_app.command("reopen", cls=PlainUsage)
def collect_reopen(directory: CollectionDir) -> None:
    """Take answers again after close (a running server notices at once); the links stay the same.

    Example: crmcheck collect reopen acme-survey
    """
    from crmcheck.collect.folder import Collection

    reopened = Collection(directory).reopen()
    note(f"{directory} {'takes answers again' if reopened else 'was not closed'}; the invite links are unchanged")
