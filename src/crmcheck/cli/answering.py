"""The commands that make answers files: new (blank, or a survey's header row), interview, import."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from crmcheck.cli.options import (
    DateOption,
    Lens,
    Output,
    PlainUsage,
    QuestionnaireDirs,
    SchemaName,
    guard,
    load_catalog,
    parse_date,
    schema_text,
)
from crmcheck.cli.output import emit, note
from crmcheck.cli.root import app
from crmcheck.errors import UsageError
from crmcheck.wording import counted

QuestionnaireIds = Annotated[list[str], typer.Argument(metavar="QUESTIONNAIRE...", help="Questionnaire ids.")]


@app.command(cls=PlainUsage)
def new(
    questionnaire_ids: QuestionnaireIds,
    output: Output = None,
    company: Annotated[str, typer.Option(help="Company name.")] = "",
    date: DateOption = None,
    assessor: Annotated[str | None, typer.Option(help="Who runs the assessment.")] = None,
    respondent: Annotated[str | None, typer.Option(help="Who answers.")] = None,
    role: Annotated[str | None, typer.Option(help="The respondent's role.")] = None,
    lens: Annotated[Lens, typer.Option(help="Whose view the answers give.")] = Lens.company,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    survey_template: Annotated[str | None, typer.Option(
        "--survey-template", metavar="FILE.csv", help="Instead of an answers file, write a CSV header row of the "
        "questions in the --lens wording, to paste into a survey tool; `crmcheck import` reads its export.")] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Write a blank answers file to fill in by hand, each question as a comment above its answer.

    Example: crmcheck new crm-mistakes revenue-marketing --company "Acme Corp" -o answers/2026.yaml

    Example: crmcheck new perception-gap --lens customer --survey-template customer-survey.csv
    """
    from crmcheck.answers.layout import SCHEMA_FILE, Header, dump_answers

    guard({"-o": output, "--survey-template": survey_template}, *(questionnaires or []))
    catalog = load_catalog(questionnaires)
    qs = [catalog.get(qid) for qid in dict.fromkeys(questionnaire_ids)]
    if survey_template is not None:
        from crmcheck.importers.template import survey_template as template_for

        if len(qs) != 1 or output is not None:
            raise UsageError("--survey-template takes one questionnaire and no -o (a survey imports into one "
                             "questionnaire)")
        if survey_template != "-" and Path(survey_template).exists() and not force:
            raise UsageError(f"{survey_template} exists; use --force to overwrite it")
        emit(template_for(qs[0], lens.value, company), survey_template)
        if survey_template != "-":
            note(f"wrote {survey_template}: one column per question of {qs[0].id} asked in the {lens.value} lens: "
                 "row 1 the question, row 2 what the respondent reads under it, row 3 the answers to pick from. "
                 f"Then: crmcheck import EXPORT --questionnaire {qs[0].id} --lens {lens.value} --company NAME -o DIR")
        return
    header = Header(company=company, assessed_on=parse_date(date, "--date"), assessor=assessor)
    if respondent or role or lens is not Lens.company:
        header.respondent = {"name": respondent or "", "role": role or "", "lens": lens.value}
    to_file = output not in (None, "-")
    if to_file and Path(str(output)).exists() and not force:
        raise UsageError(f"{output} exists; use --force to overwrite it")
    emit(dump_answers(header, qs, lens=lens.value), output)
    if to_file:
        schema_path = Path(str(output)).parent / SCHEMA_FILE
        if not schema_path.exists():
            emit(schema_text(SchemaName.answers), str(schema_path))
        note(f"wrote {output}; fill it in, then: {_next_step(str(output), questionnaires)}")


@app.command(cls=PlainUsage)
def interview(
    questionnaire_ids: QuestionnaireIds,
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE",
                                        help="The answers file: created, or resumed when it exists.")],
    company: Annotated[str | None, typer.Option(help="Company name (asked when not given).")] = None,
    assessor: Annotated[str | None, typer.Option(help="Who runs the interview (asked when not given).")] = None,
    respondent: Annotated[str | None, typer.Option(help="Who answers (asked when not given).")] = None,
    role: Annotated[str | None, typer.Option(help="The respondent's role (asked when not given).")] = None,
    lens: Annotated[Lens | None, typer.Option(
        help="Whose view the answers give (asked when a questionnaire has two lenses; default company).")] = None,
    section: Annotated[list[str] | None, typer.Option(
        "--section", metavar="ID", help="Ask only this section (repeatable).")] = None,
    date: DateOption = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Ask the questions at the terminal, saving the answers file after every answer; run it again to resume.

    Keys at a question: ? help, n note, e evidence, s skip, b back, x not applicable, q save and quit.

    Example: crmcheck interview crm-mistakes --company "Acme Corp" -o answers/2026.yaml
    """
    from crmcheck.interview import InterviewRequest, console_terminal, run_interview

    if output == "-":
        raise UsageError("-o: the interview saves to a file after every answer; give a file name, not '-'")
    request = InterviewRequest(
        questionnaire_ids=questionnaire_ids, output=Path(output), company=company, assessor=assessor,
        respondent=respondent, role=role, lens=lens.value if lens else None,
        assessed_on=parse_date(date, "--date") if date else None, sections=section or [],
        questionnaire_dirs=questionnaires or [],
    )
    emit(run_interview(request, load_catalog(questionnaires), console_terminal()), None)


def _next_step(answers: str, questionnaire_dirs: list[Path] | None) -> str:
    """The commands to run next, with the options they need to find the same questionnaires."""
    import shlex

    dirs = "".join(f" --questionnaires {shlex.quote(str(d))}" for d in questionnaire_dirs or [])
    env = os.environ.get("CRMCHECK_QUESTIONNAIRES")
    keep_env = f" (with CRMCHECK_QUESTIONNAIRES={shlex.quote(env)} set, as now)" if env else ""
    file = shlex.quote(answers)
    return f"crmcheck validate {file}{dirs} && crmcheck report {file}{dirs}{keep_env}"


@app.command("import", cls=PlainUsage)
def import_command(
    survey: Annotated[str, typer.Argument(metavar="SURVEY", help="Survey export: .csv (any delimiter) or .xlsx.")],
    questionnaire: Annotated[str, typer.Option("--questionnaire", "-q", metavar="ID",
                                               help="The questionnaire the survey asked.")],
    lens: Annotated[Lens, typer.Option(help="Whose view the respondents give: company (staff) or customer.")],
    company: Annotated[str, typer.Option(metavar="NAME", help="The company assessed (written into every file).")],
    out: Annotated[Path, typer.Option("-o", "--output", metavar="DIR",
                                      help="Directory for the answers files, one per respondent.")],
    date: Annotated[str | None, typer.Option("--date", help="Assessment date, YYYY-MM-DD (default today). Give "
                                             "staff and customer imports the same date to report them together.")]
    = None,
    assessor: Annotated[str | None, typer.Option(help="Who runs the assessment.")] = None,
    column_map: Annotated[str | None, typer.Option("--map", metavar="FILE", help="YAML file mapping columns to "
                                                   "question ids (and cell texts to answers) for any layout.")]
    = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Write the rows that read cleanly and list "
                                               "the others, instead of writing nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite answers files that already exist.")] = False,
    layout: Annotated[str | None, typer.Option(metavar="TOOL", help="The export's layout when detection gets it "
                                               "wrong: google-forms, microsoft-forms, surveymonkey, typeform, "
                                               "plain.")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of a CSV file without a byte order mark.")] = "utf-8",
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: detected from the header: , ; "
                                                  "or tab).")] = None,
    sheet: Annotated[str | None, typer.Option(help="Worksheet of an .xlsx file (default: the first).")] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Import a survey export as answers files, one per respondent.

    Reads Google Forms, Microsoft Forms, SurveyMonkey, Typeform and plain CSV exports (docs/import.md).

    Unreadable cells are reported with row and column, and then nothing is written.

    Example: crmcheck import customers.csv -q perception-gap --lens customer --company Acme -o survey/customers
    """
    from crmcheck.importers.layouts import LayoutName
    from crmcheck.importers.progress import StderrProgress
    from crmcheck.importers.survey import ImportRequest, import_survey

    names = [item.value for item in LayoutName]
    if layout is not None and layout not in names:
        raise UsageError(f"--layout: '{layout}' is not one of {', '.join(names)}")
    request = ImportRequest(
        survey=survey, questionnaire=load_catalog(questionnaires).get(questionnaire), lens=lens.value,
        company=company, out_dir=out, assessed_on=parse_date(date, "--date"), assessor=assessor,
        column_map=column_map, skip_invalid=skip_invalid, force=force, layout=LayoutName(layout) if layout else None,
        encoding=encoding, delimiter=delimiter, sheet=sheet,
    )
    with StderrProgress() as progress:
        outcome = import_survey(request, progress)
    for problem in [*outcome.warnings, *outcome.invalid]:
        note(str(problem))
    if outcome.skipped_rows:
        rows = ", ".join(map(str, outcome.skipped_rows))
        note(f"{survey}: skipped {counted(len(outcome.skipped_rows), 'row')} with unreadable cells (--skip-invalid): "
             f"{rows}")
    note(f"wrote {counted(len(outcome.written), 'answers file')} to {out} ({outcome.layout} layout, {lens.value} lens, "
         f"{outcome.questions_matched} of {outcome.questions_total} questions matched)")
    if outcome.other_files:
        others = counted(len(outcome.other_files), "other answers file")
        note(f"note: {out} also holds {others} that this import did not write; `crmcheck report` of the directory "
             "will include them")
