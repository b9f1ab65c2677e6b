"""`crmcheck import`: a survey export in, one answers file per respondent out, all or nothing.

Columns are matched to questions by id or by wording (in either lens; case, spacing, punctuation
and question numbers ignored), or explicitly with a --map file. Cells are read as scale values or
labels, option ids or labels, and checklists as the tool joins them. Every unmatched column is
reported as a warning and every unreadable cell as an error with its row and column; on any error
nothing is written unless `skip_invalid`, which writes the good rows and lists the others.

This module is the run; its pieces: request.py (what was asked and the outcome), columns.py (what each
column holds), rows.py (each row as a respondent), naming.py (the files' names), rendering.py (the files'
text); `crmcheck.answers.publish` writes the files, all or nothing.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import NoReturn

from crmcheck.answers import publish
from crmcheck.answers.layout import UnwritableText, scalar
from crmcheck.errors import InputError, Problem, UsageError
from crmcheck.importers import layouts
from crmcheck.importers.column_map import ColumnMap, load_column_map
from crmcheck.importers.columns import plan_columns
from crmcheck.importers.naming import Names, WrittenFiles, safe_id
from crmcheck.importers.rendering import Record, Renderer, Skeleton
from crmcheck.importers.request import ImportOutcome, ImportRequest, NoProgress, Progress
from crmcheck.importers.rows import RowReader
from crmcheck.importers.table import SurveyTable, read_table
from crmcheck.wording import counted, plural

__all__ = ["ImportOutcome", "ImportRequest", "NoProgress", "Progress", "WrittenFiles", "import_survey"]

_YAML_NAME = re.compile(fnmatch.translate("*.y*ml"))


def _answers_text(record: Record, skeleton: Skeleton) -> str:
    _, _, head, entries = record
    return head + skeleton.fill(entries)


def _check_header_options(request: ImportRequest) -> None:
    """Refuse, before reading anything, a --company or --assessor that no answers file could hold."""
    if not request.company:
        raise UsageError("--company must not be empty: every answers file names the company it assesses")
    for option, value in (("--company", request.company), ("--assessor", request.assessor)):
        try:
            scalar(value)
        except UnwritableText as exc:
            raise UsageError(f"{option}: {exc.problems[0].message}") from None


def import_survey(request: ImportRequest, progress: Progress | None = None) -> ImportOutcome:
    """Read a survey export and write one answers file per respondent into `request.out_dir`."""
    progress = progress or NoProgress()
    q = request.questionnaire
    if q.lenses and request.lens not in q.lenses:
        raise UsageError(f"--lens {request.lens} is not a lens of {q.id} (lenses: {', '.join(q.lenses)})")
    _check_header_options(request)
    column_map = load_column_map(request.column_map, q) if request.column_map else None
    with read_table(request.survey, encoding=request.encoding, delimiter=request.delimiter,
                    sheet=request.sheet) as table:
        return _import_rows(request, table, column_map, progress)


def _import_rows(request: ImportRequest, table: SurveyTable, column_map: ColumnMap | None,
                 progress: Progress) -> ImportOutcome:
    q = request.questionnaire
    path = table.path

    def refuse(error: InputError) -> NoReturn:
        table.check()  # a broken row further down the file is the first thing to fix, as when it was read whole
        raise error

    if not table.head or table.head[0].blank:
        refuse(InputError("the first row must be the header row (question texts or ids); it is empty",
                          file=path, line=1, column=1))
    layout = layouts.LAYOUTS[request.layout] if request.layout else layouts.detect(table.head)
    plan = plan_columns(table, layout, request, column_map)
    if plan.errors:
        refuse(InputError(plan.errors[0].message, problems=[*plan.warnings, *plan.errors]))
    matched = {c.question for c in plan.columns if c.question is not None}
    if not matched:
        refuse(InputError(f"no column matches a question of {q.id} (by id or wording); give a --map file, or "
                          f"check --questionnaire (layout read as {layout.title})", file=path, line=1, column=1))
    warnings = list(plan.warnings)
    asked = [full for full, (_, question) in q.questions.items() if question.asked_in(request.lens)]
    missing = [full for full in asked if full not in matched]
    if missing:
        listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        have = plural(len(missing), "has")
        warnings.append(Problem(f"warning: {counted(len(missing), 'question')} of {q.id} {have} no column and will be "
                                f"unanswered: {listed}", path))

    progress.start("Reading responses", table.count_filled(layout.header_rows) if progress.counting else 0)
    names = Names(request.lens)
    errors: list[Problem] = []
    skipped_rows: list[int] = []
    spool = publish.Spool()
    try:
        unwritable: UnwritableText | None = None  # raised where writing would have met it
        renderer = Renderer(request, Path(path).name)
        rows = RowReader(plan, request, column_map, table.delimiter == ";", path)
        for row in table.rows(layout.header_rows):
            if row.blank:
                continue
            respondent, problems = rows.read(row)
            progress.advance()
            if problems:
                errors.extend(problems)
                skipped_rows.append(row.number)
                continue
            if not respondent.answers:
                warnings.append(Problem(f"warning: row {row.number} answers no question; skipped", path, row.number,
                                        1))
                continue
            names.add(respondent.row, safe_id(respondent.respondent_id))
            if (errors and not request.skip_invalid) or unwritable is not None:
                continue  # nothing will be written: the rows are only checked
            try:
                spool.add(renderer.record(respondent))
            except UnwritableText as exc:
                unwritable = exc
        table.close()
        if errors and not request.skip_invalid:
            cells, bad = counted(len(errors), "unreadable cell"), counted(len(skipped_rows), "row")
            errors.append(Problem(f"nothing written: {cells} in {bad}; "
                                  "fix them, or write the good rows with --skip-invalid", path))
            raise InputError(errors[0].message, problems=[*warnings, *errors])
        if not len(names):
            raise InputError("no respondent to import: every row is empty or unreadable", file=path)

        out = request.out_dir
        publish.check_folder(out, names, force=request.force)
        if unwritable is not None:
            raise unwritable
        progress.start("Writing answers files", len(names))
        skeleton = Skeleton(request)
        publish.publish(out, names, (_answers_text(record, skeleton) for record in spool), force=request.force,
                        progress=progress)
    finally:
        spool.close()
    with os.scandir(out) as entries:  # as out.glob("*.y*ml"), without a list of every entry
        others = sorted(out / entry.name for entry in entries if _YAML_NAME.match(entry.name)
                        and not entry.name.startswith(".") and not names.holds(entry.name))
    written = WrittenFiles(out, names)
    return ImportOutcome(layout=layout.title, written=written, warnings=warnings, invalid=errors,
                         skipped_rows=skipped_rows, questions_matched=len(matched),
                         questions_total=len(asked), other_files=others)
