"""Inputs for the report tests: two small custom questionnaires, and answers full of hostile text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SMALL

# Each string tries to break out of its place: HTML markup and attributes, a spreadsheet formula, an error
# code, a CSS block, a javascript: URL, a control character (kept as a YAML escape).
HOSTILE_COMPANY = '<script>alert("company")</script> & Sons =cmd|\' /C calc\'!A0'
HOSTILE_ASSESSOR = '"><img src=x onerror=alert(1)>'
HOSTILE_NOTE = '=HYPERLINK("http://evil.example/","click me")'
HOSTILE_EVIDENCE = "+1+2 <a href=\"javascript:alert(1)\">proof</a>"
HOSTILE_REASON = "</td></tr></table><script>alert(2)</script>"
HOSTILE_TEXT = "<style>body{display:none}</style>@SUM(1,2)"
HOSTILE_TITLE = '</title><script>alert("title")</script>'



def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text)


HOSTILE_ANSWERS = f"""\
format: 1
company: {_q(HOSTILE_COMPANY)}
assessed_on: 2026-03-01
assessor: {_q(HOSTILE_ASSESSOR)}
respondent: {{name: "-2+3", role: "@role", lens: company}}
questionnaires:
  small-a:
    answers:
      alpha.one: {{value: 1, note: {_q(HOSTILE_NOTE)}, evidence: {_q(HOSTILE_EVIDENCE)}}}
      alpha.two: {{value: no, note: "#N/A", evidence: "-cmd"}}
      alpha.three: [a]
      alpha.note: {_q(HOSTILE_TEXT)}
      beta.pick1: {{value: n/a, reason: {_q(HOSTILE_REASON)}}}
      beta.pick2: {{value: x, note: "bell\\x07 and tab\\tend"}}
      beta.pick3: z
      beta.days: 12
  small-b:
    answers:
      alpha.one: 4
      alpha.two: yes
      alpha.three: [a, b, c]
      beta.pick1: z
      beta.pick2: z
      beta.pick3: z
      beta.days: 1
"""

PLAIN_ANSWERS = """\
format: 1
company: Small Co
assessed_on: 2026-03-01
questionnaires:
  small-a:
    targets: {alpha: 5, beta: 3}
    answers:
      alpha.one: 3
      alpha.two: yes
      alpha.three: [a, c]
      beta.pick1: x
      beta.pick2: y
      beta.pick3: z
      beta.days: n/a
  small-b:
    answers:
      alpha.one: 1
      alpha.two: no
      alpha.three: [b]
      beta.pick1: x
      beta.pick2: x
      beta.pick3: x
      beta.days: 12
"""


def write_small_questionnaires(directory: Path) -> Path:
    """Two copies of the small test questionnaire (ids small-a and small-b), with a third section for the radar."""
    directory.mkdir(parents=True, exist_ok=True)
    gamma = """
  - id: gamma
    title: Gamma
    questions:
      - {id: only, text: "Only?", type: yes_no, recommendation: "Do it."}
"""
    for qid in ("small-a", "small-b"):
        text = SMALL.replace("id: small\n", f"id: {qid}\n", 1).replace("title: Small\n", f"title: {qid.title()}\n", 1)
        (directory / f"{qid}.yaml").write_text(text.rstrip("\n") + "\n" + gamma.lstrip("\n"), encoding="utf-8")
    return directory


def write_answers(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_partial_example(path: Path, left_out: tuple[str, ...] = ("innovation", "strengths")) -> Path:
    """The example's crm-mistakes answers without any answer in the `left_out` sections: those are not assessed."""
    import yaml

    from tests.conftest import EXAMPLES

    data = yaml.safe_load((EXAMPLES / "assessment-2026.yaml").read_text())
    answers = data["questionnaires"]["crm-mistakes"]["answers"]
    data["questionnaires"] = {"crm-mistakes": {"answers": {k: v for k, v in answers.items()
                                                           if k.split(".")[0] not in left_out}}}
    data["assessed_on"] = str(data["assessed_on"])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path
