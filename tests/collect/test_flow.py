"""The whole flow as a consultant runs it: init, invite, answer in the app, status, close, report; and resuming."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

pytest.importorskip("starlette", reason="the collect extra (starlette) is not installed")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from crmcheck.answers.model import load_answers
from crmcheck.catalog import Catalog
from crmcheck.collect.folder import Collection, hash_token
from crmcheck.collect.ratelimit import RateLimits
from crmcheck.collect.server import CollectServer, build_app
from crmcheck.resolve import resolve
from tests.collect.fixtures import csrf_of, make_collection, page_path, read_form
from tests.conftest import run_cli


def app_client(folder: Path) -> TestClient:
    collection = Collection(folder)
    server = CollectServer(collection, collection.catalog(), "admin-token-for-the-flow-test", RateLimits.per_minute(0))
    return TestClient(build_app(server), follow_redirects=False)


def answer_every_page(client: TestClient, token: str, choose: dict[str, str]) -> int:
    """Fill every page with the given value for each question (by type), as a browser would post it."""
    location = client.get(f"/r/{token}").headers["location"]
    pages = 0
    while "/page/" in location:
        html = client.get(location).text
        form = read_form(html)
        fields: dict[str, object] = {"csrf": form.csrf(), "go": "next" if "value=\"next\"" in html else "finish"}
        radios: dict[str, list[str]] = {}
        for control in form.controls:
            name, value = str(control.get("name")), str(control.get("value"))
            if control.get("type") == "radio" and "." in name:
                radios.setdefault(name, []).append(value)
        for name, values in radios.items():
            # the value asked for where the question offers it (a scale), else its first option (yes/no, a choice):
            # every question answered, so that the respondent has finished
            wanted = choose.get(name, choose["*"])
            fields[name] = wanted if wanted in values else values[0]
        response = client.post(location, data=fields)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        pages += 1
    assert location.endswith("/done")
    return pages


def test_init_invite_answer_status_close_report(tmp_path: Path) -> None:
    folder = tmp_path / "acme-survey"
    run = run_cli("collect", "init", "perception-gap", "--company", "Acme Corp", "--date", "2026-11-01", "-o",
                  str(folder))
    assert run.code == 0, run.err
    staff = run_cli("collect", "invite", str(folder), "--lens", "company", "--name", "Sam Ortiz")
    customers = run_cli("collect", "invite", str(folder), "--lens", "customer", "--count", "2", "--format", "json")
    assert staff.code == 0 and customers.code == 0, (staff.err, customers.err)
    staff_id, staff_link = staff.out.strip().split("\t")
    assert staff_id == "company-001" and staff_link.startswith("http://127.0.0.1:8765/r/")
    links = json.loads(customers.out)
    assert [c["respondent"] for c in links] == ["customer-001", "customer-002"]
    assert len({staff_link, *(c["link"] for c in links)}) == 3

    pages = len(Catalog.from_options().get("perception-gap").sections)  # one page per section
    with app_client(folder) as client:
        assert answer_every_page(client, staff_link.rsplit("/", 1)[1], {"*": "4"}) == pages
        assert answer_every_page(client, links[0]["link"].rsplit("/", 1)[1], {"*": "1"}) == pages
        second = links[1]["link"].rsplit("/", 1)[1]
        html = client.get(page_path(second, 1)).text
        client.post(page_path(second, 1),
                    data={"csrf": csrf_of(html), "loyalty.stay-if-alternative": "n/a", "go": "next"})

    status = run_cli("collect", "status", str(folder), "--format", "json")
    states = {r["respondent"]: (r["state"], r["answered"]) for r in json.loads(status.out)["respondents"]}
    scale_questions = sum(1 for _ in Catalog.from_options().get("perception-gap").questions)
    assert states["company-001"][0] == "finished" and states["customer-001"][0] == "finished"
    assert states["customer-002"] == ("started", 1)
    assert states["company-001"][1] <= scale_questions
    text_status = run_cli("collect", "status", str(folder))
    assert "Sam Ortiz" in text_status.out and "2 finished" in text_status.out

    closed = run_cli("collect", "close", str(folder))
    assert closed.code == 0 and "now closed" in closed.err
    assert "already closed" in run_cli("collect", "close", str(folder)).err

    staff_file = load_answers(str(folder / "responses" / "company-001.yaml")).answers
    assert staff_file.company == "Acme Corp" and str(staff_file.assessed_on) == "2026-11-01"
    assert staff_file.respondent is not None and staff_file.respondent.lens == "company"
    assert staff_file.respondent.name == "Sam Ortiz"
    customer_file = load_answers(str(folder / "responses" / "customer-001.yaml")).answers
    assert customer_file.respondent is not None and customer_file.respondent.lens == "customer"
    assert run_cli("validate", *map(str, sorted((folder / "responses").iterdir()))).code == 0

    report = run_cli("report", str(folder / "responses"), "--format", "json")
    assert report.code == 0, report.err
    result = json.loads(report.out)
    lenses = {r["lens"]: r["count"] for r in result["respondents"]}
    assert lenses == {"company": 1, "customer": 2}
    gap = result["perception_gaps"][0]
    assert gap["company"] is not None and gap["customer"] is not None
    assert gap["company"] > gap["customer"]  # the staff chose the top of each scale, the customers 1 of 4


def test_form_names_are_question_ids_and_values_are_answers_file_values(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    token = setup.tokens["customer-001"]
    q = setup.catalog.get("kinds")
    with app_client(setup.dir) as client:
        first = client.get(page_path(token, 1)).text
        second = client.get(page_path(token, 2)).text
    form = read_form(first + second)
    names = {str(c["name"]) for c in form.controls if c.get("name")} | set(form.textareas)
    questions = {n for n in names if not n.startswith(("note:", "reason:")) and n not in ("csrf", "go")}
    assert questions == set(q.questions)
    values = {(str(c["name"]), str(c["value"])) for c in read_form(first + second).controls if c.get("type") in
              ("radio", "checkbox")}
    assert {("basics.level", str(v)) for v in range(5)} <= values
    assert {("basics.agreed", "yes"), ("basics.agreed", "no"), ("basics.pick", "mail"), ("basics.pick", "phone"),
            ("basics.level", "n/a"), ("details.tools", "notes"), ("details.tools", "history"),
            ("details.tools", "[]"), ("details.days", "n/a")} <= values
    # the customer's wording, their help and intro (never the assessor's help or summary), the answer labels in
    # the customer's voice, and the company's name where the wording says {company}
    assert "How well do they follow up with you?" in first and "How well do you follow up?" not in first
    assert "Think of your last three calls." in first and "Measured" in first and "Phone" in first
    assert "Think of the last three times." not in first and "assessor" not in first
    assert "About dealing with Acme &lt;Corp&gt;." in first and "About your own team." not in first
    assert "Which channel does Acme &lt;Corp&gt; use?" in first and "{company}" not in first
    assert "They write by mail" in first and "We write by mail" not in first
    assert 'aria-describedby="help-basics.level"' in first
    assert '<label class="choice" for="basics.level-3">' in first


def test_every_type_is_saved_as_the_answers_file_value_and_shown_again(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    token = setup.tokens["company-001"]
    with app_client(setup.dir) as client:
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        one = client.post(page_path(token, 1), data={
            "csrf": csrf, "go": "next", "basics.level": "n/a", "reason:basics.level": "We have no follow-up",
            "basics.agreed": "no", "basics.pick": "", "note:basics.pick": "ask the team"})
        assert one.headers["location"] == page_path(token, 2)
        two = client.post(page_path(token, 2), data={
            "csrf": csrf, "go": "finish", "details.tools": ["notes", "owner"], "details.days": "4.5",
            "details.remark": "Line one\nline two: \"quoted\" # not a comment"})
        assert two.headers["location"] == f"/r/{token}/done"
        shown = read_form(client.get(page_path(token, 2)).text)
        page_one = client.get(page_path(token, 1)).text
        back = read_form(page_one)
        done = client.get(f"/r/{token}/done").text
    assert shown.checked() == {"details.tools": ["notes", "owner"]}
    assert shown.textareas["details.remark"] == 'Line one line two: "quoted" # not a comment'
    assert back.checked() == {"basics.level": ["n/a"], "basics.agreed": ["no"]}
    # counted as the progress line counts them: an n/a is an answer
    assert "5 of 6 questions answered (1 of them marked as not applying)" in done
    assert "5 of 6 questions answered" in page_one
    assert "1 question has no answer yet" in done  # basics.pick: a note, no value
    path = setup.dir / "responses" / "company-001.yaml"
    raw = yaml.safe_load(path.read_text())["questionnaires"]["kinds"]["answers"]
    assert raw["basics.level"] == {"value": "n/a", "reason": "We have no follow-up"}
    assert raw["basics.agreed"] == "no" or raw["basics.agreed"] is False
    assert raw["basics.pick"] == {"value": None, "note": "ask the team"}
    assert raw["details.tools"] == ["notes", "owner"] and raw["details.days"] == 4.5
    source = load_answers(str(path))
    responses = resolve(setup.catalog.get("kinds"), source.answers.questionnaires["kinds"], source, "kinds")
    assert responses["details.tools"].score == pytest.approx(3 / 4)
    assert responses["details.days"].score == 0.5 and responses["basics.agreed"].score == 0.0
    assert responses["basics.level"].status == "n/a" and responses["basics.pick"].status == "unanswered"


def test_the_link_resumes_where_the_respondent_stopped(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    token = setup.tokens["customer-001"]
    with app_client(setup.dir) as client:
        assert client.get(f"/r/{token}").headers["location"] == page_path(token, 1)
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2", "go": "next"})
    with app_client(setup.dir) as restarted:  # a new server process: everything comes from the folder
        assert restarted.get(f"/r/{token}").headers["location"] == page_path(token, 2)
        back = restarted.post(page_path(token, 2), data={"csrf": csrf, "details.days": "1", "go": "back"})
        assert back.headers["location"] == page_path(token, 1)
        assert restarted.get(f"/r/{token}").headers["location"] == page_path(token, 1)
        assert read_form(restarted.get(page_path(token, 1)).text).checked() == {"basics.level": ["2"]}


def test_invites_made_while_serving_work_at_once(tmp_path: Path) -> None:
    setup = make_collection(tmp_path, company_invites=0, customer_invites=1)
    with app_client(setup.dir) as client:
        assert client.get(f"/r/{setup.tokens['customer-001']}").status_code == 303
        made = setup.collection.invite("company", setup.collection.questionnaires(setup.catalog), name="Late")
        assert client.get("/r/" + made[0].link.rsplit("/", 1)[1]).status_code == 303


def test_bad_command_lines_are_one_line_errors(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    for args, message in [
        (("collect", "invite", str(tmp_path / "nowhere"), "--lens", "company"), "not a collection folder"),
        (("collect", "invite", str(setup.dir), "--lens", "company", "--name", "A", "--count", "2"), "--name"),
        (("collect", "invite", str(setup.dir), "--lens", "company", "--count", "0"), "--count"),
        (("collect", "invite", str(setup.dir), "--lens", "company", "--public-url", "ftp://x"), "--public-url"),
        (("collect", "revoke", str(setup.dir), "customer-999"), "no respondent"),
        (("collect", "init", "kinds", "--company", "X", "-o", str(setup.dir), "--questionnaires",
          str(tmp_path / "questionnaires")), "not an empty folder"),
        (("collect", "init", "crm-mistakes", "--company", "", "-o", str(tmp_path / "new")), "--company"),
        (("collect", "init", "no-such-questionnaire", "--company", "X", "-o", str(tmp_path / "new")), "no-such"),
    ]:
        run = run_cli(*args)
        assert run.code == 2, (args, run.err)
        assert message in run.err and "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1, run.err
    customer_only = make_collection(tmp_path / "other", qids=("crm-mistakes",))
    assert customer_only.tokens  # a questionnaire without lenses takes either lens


def test_other_commands_do_not_import_the_web_server() -> None:
    code = ("import sys, crmcheck.cli, crmcheck.collect.folder, crmcheck.collect.form, crmcheck.collect.pages; "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'httpx', 'anyio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_unreadable_answers_file_is_never_overwritten(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    token = setup.tokens["company-001"]
    path = setup.dir / "responses" / "company-001.yaml"
    path.write_text("format: 1\ncompany: [broken\n")
    collection = Collection(setup.dir)
    csrf = collection.csrf_token(collection.secret(), hash_token(token))  # the page that shows it cannot load
    with app_client(setup.dir) as client:
        assert client.get(page_path(token, 1)).status_code == 409  # the file conflicts; never a 500
        response = client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2"})
    assert response.status_code == 409 and "changed by hand" in response.text
    assert path.read_text() == "format: 1\ncompany: [broken\n"


def test_answers_to_a_question_removed_mid_collection_are_kept_not_lost(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    token = setup.tokens["company-001"]
    with app_client(setup.dir) as client:
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "1", "basics.pick": "phone"})
    source = tmp_path / "questionnaires" / "kinds.yaml"
    text = source.read_text().replace("version: 1", "version: 2")
    start = text.index("      - id: pick")
    source.write_text(text[:start] + text[text.index("  - id: details"):])
    with app_client(setup.dir) as client:
        page = client.get(page_path(token, 1)).text
        assert "basics.pick" not in page
        assert client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "3"}).status_code == 303
    saved = (setup.dir / "responses" / "company-001.yaml").read_text()
    assert "#~ kinds v1 answer basics.pick: phone" in saved
    assert load_answers(str(setup.dir / "responses" / "company-001.yaml")).answers.questionnaires[
        "kinds"].answers["basics.level"].value == 3


@pytest.mark.parametrize("qid", list(Catalog.from_options().entries))
def test_every_built_in_questionnaire_shows_and_saves_every_page(tmp_path: Path, qid: str) -> None:
    q = Catalog.from_options().get(qid)
    collection = Collection.create(tmp_path / "survey", [q], "Acme Corp", dt.date(2026, 11, 1), [])
    lens = q.lenses[-1] if q.lenses else "company"
    token = collection.invite(lens, [q])[0].link.rsplit("/", 1)[1]  # type: ignore[arg-type]
    with app_client(tmp_path / "survey") as client:
        pages = answer_every_page(client, token, {"*": "n/a"})
    assert pages == len(q.sections)
    source = load_answers(str(tmp_path / "survey" / "responses" / f"{lens}-001.yaml"))
    responses = resolve(q, source.answers.questionnaires[qid], source, qid)
    radio_questions = [full for full, (_, question) in q.questions.items() if question.type not in
                       ("checklist", "number", "text") and question.asked_in(lens)]
    assert radio_questions and all(responses[full].status == "n/a" for full in radio_questions)


def test_serve_without_the_collect_extra_says_how_to_get_it(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    code = ("import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None; "
            f"sys.argv = ['crmcheck', 'collect', 'serve', {str(setup.dir)!r}]; "
            "from crmcheck.cli import main; main()")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip() == ("collect serve needs the collect extra (starlette is missing): "
                                  "pip install 'crmcheck[collect]'")


def test_docs_name_only_real_collect_commands_and_options() -> None:
    import re

    from tests.conftest import ROOT

    text = (ROOT / "docs" / "collect.md").read_text() + (ROOT / "README.md").read_text()
    uses = re.findall(r"crmcheck collect (\w+)((?: [^\n`|]*)?)", text)
    assert {name for name, _ in uses} >= {"init", "invite", "serve", "status", "close", "revoke"}
    helps: dict[str, str] = {}
    for name, rest in uses:
        if name not in helps:
            run = run_cli("collect", name, "--help")
            assert run.code == 0, (name, run.err)
            helps[name] = run.out
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", re.split(r"&&|\s#|\)", rest)[0]):
            assert option in helps[name], f"docs use `crmcheck collect {name} ... {option}`, which it lacks"
