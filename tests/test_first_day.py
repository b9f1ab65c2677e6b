"""First-day friction: option labels in `new` and `show`, `validate DIR/*` beside a schema file, the printed
next step after `new` with custom questionnaires, and `--format terminal` on `list` and `show`."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from crmcheck.catalog import Catalog
from tests.conftest import ROOT, run_cli


def test_new_lists_every_option_with_its_label(tmp_path: Path) -> None:
    target = tmp_path / "2026.yaml"
    assert run_cli("new", "crm-mistakes", "--company", "Acme", "-o", str(target)).code == 0
    text = target.read_text()
    q = Catalog.from_options().get("crm-mistakes")
    checked = 0
    for section in q.sections:
        for question in section.questions:
            if question.type not in ("choice", "checklist"):
                continue
            block = text.split(f"      {section.id}.{question.id}:")[0].rsplit("      # → answer", 1)[1]
            # v3 questions list their anchors after the options; an anchor's wrapped line may begin with an
            # option id (strategy.success-measure: "reviewed on fixed dates"), so read the option list only
            block = block.split("      # what each answer looks like here:")[0]
            lines = [" ".join(line.lstrip("# ").split()) for line in block.splitlines()[1:]]
            options = question.options or []
            # each option: its id first, its label after it (a long label wraps onto the next comment line)
            flat = " ".join(lines)
            for option in options:
                assert f"{option.id} {' '.join(option.label.split())}" in flat, (question.id, option.id)
            assert [line.split()[0] for line in lines if line.split()[0] in {o.id for o in options}] == \
                [o.id for o in options]
            checked += 1
    assert checked >= 5
    scale = " | ".join(f"{lv.value} {lv.label}" for lv in q.scales["practice"])
    assert f"# → answer: {scale}" in text


def test_show_lists_every_option_with_its_label() -> None:
    run = run_cli("show", "crm-mistakes", "--format", "terminal")
    assert run.code == 0, run.err
    flat = " ".join(run.out.split())
    q = Catalog.from_options().get("crm-mistakes")
    for section in q.sections:
        for question in section.questions:
            for option in question.options or []:
                assert f"{option.id} {' '.join(option.label.split())}" in flat, option.id
    assert max(map(len, run.out.splitlines())) <= 80


@pytest.mark.parametrize("fmt", ["terminal", "text"])
def test_list_and_show_take_terminal_and_text(fmt: str) -> None:
    default_list, default_show = run_cli("list").out, run_cli("show", "crm-mistakes").out
    assert run_cli("list", "--format", fmt).out == default_list
    assert run_cli("show", "crm-mistakes", "--format", fmt).out == default_show


def test_validate_a_folder_glob_skips_the_schema_file(tmp_path: Path) -> None:
    acme = tmp_path / "acme"
    acme.mkdir()
    assert run_cli("new", "crm-mistakes", "--company", "Acme", "-o", str(acme / "2026.yaml")).code == 0
    assert (acme / "answers.schema.json").exists()
    files = sorted(str(p) for p in acme.iterdir())  # what the shell makes of acme/*
    run = run_cli("validate", *files)
    assert run.code == 0, run.err
    assert run.err == f"{acme / 'answers.schema.json'}: skipped, not a YAML file (.yaml or .yml)\n"
    assert run.out.startswith(f"{acme / '2026.yaml'}: ok")
    only = run_cli("validate", str(acme / "answers.schema.json"))
    assert only.code == 2 and "no YAML file to validate" in only.err


def test_new_prints_a_next_step_that_works_with_custom_questionnaires(tmp_path: Path) -> None:
    ours = tmp_path / "our q"
    ours.mkdir()
    source = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text()
    (ours / "our-crm.yaml").write_text(source.replace("id: crm-mistakes", "id: our-crm", 1))
    target = tmp_path / "acme" / "2026.yaml"
    target.parent.mkdir()
    run = run_cli("new", "our-crm", "--company", "Acme", "--questionnaires", str(ours), "-o", str(target))
    assert run.code == 0, run.err
    step = run.err.strip().split("then: ", 1)[1]
    assert f"--questionnaires {shlex.quote(str(ours))}" in step
    # follow it, as printed, command by command
    for command in step.split(" && "):
        follow = run_cli(*shlex.split(command)[1:])
        assert follow.code == 0, (command, follow.err)


def test_next_step_mentions_the_environment_variable_it_relies_on(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    ours.mkdir()
    source = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text()
    (ours / "our-crm.yaml").write_text(source.replace("id: crm-mistakes", "id: our-crm", 1))
    run = run_cli("new", "our-crm", "-o", str(tmp_path / "a.yaml"), env={"CRMCHECK_QUESTIONNAIRES": str(ours)})
    assert run.code == 0, run.err
    assert f"(with CRMCHECK_QUESTIONNAIRES={ours} set, as now)" in run.err


def test_list_at_a_terminal_wraps_long_titles_under_themselves() -> None:
    from crmcheck.render.catalog_view import render_list

    catalog = Catalog.from_options()
    narrow = render_list(catalog, "terminal", 60).splitlines()
    assert max(map(len, narrow)) <= 60
    indent = narrow[0].index("TITLE")
    continued = [line for line in narrow[1:] if line.startswith(" ")]
    assert continued and all(line[:indent].strip() == "" for line in continued)
    # piped (no width): one line per questionnaire, for scripts
    assert len(render_list(catalog, "terminal").splitlines()) == 1 + len(catalog.entries)
