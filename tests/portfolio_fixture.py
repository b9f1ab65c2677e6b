"""A small hand-worked portfolio: two tiny questionnaires and the answers files of five companies."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import STANDARD_LEVELS, practice_scale

TINY = """\
format: 1
id: tiny
title: Tiny practices
version: 1
kind: scored
source: Test source
scales:
""" + practice_scale("Measured") + """""" + STANDARD_LEVELS + """default_target: 4
sections:
  - id: people
    title: People
    questions:
      - {id: owner, text: "Is there an owner?", type: scale, scale: practice}
  - id: process
    title: Process
    questions:
      - {id: review, text: "Is it reviewed?", type: scale, scale: practice}
"""

STEPS = """\
format: 1
id: steps
title: Steps
version: 1
kind: staged
source: Test source
levels:
  - {level: 1, name: Initial, min: 0}
  - {level: 2, name: Developing, min: 50}
default_target: 3
pass_mark: 70
dimensions: [process]
stages:
  - {number: 1, id: start, name: Start}
  - {number: 2, id: middle, name: Middle}
  - {number: 3, id: top, name: Top}
sections:
  - id: s2
    title: Second stage
    stage: 2
    questions:
      - {id: done, text: "Done?", type: yes_no, dimension: process}
  - id: s3
    title: Third stage
    stage: 3
    questions:
      - {id: done, text: "Done?", type: yes_no, dimension: process}
"""


def answers(company: str, date: str, tiny: tuple[str, str] | None, steps: tuple[str, str] | None = None,
            industry: str | None = None, size: str | None = None, lens: str = "company") -> str:
    segment = {k: v for k, v in (("industry", industry), ("size", size)) if v}
    lines = ["format: 1", f"company: {company}", f"assessed_on: {date}",
             f"respondent: {{name: Someone, lens: {lens}}}"]
    if segment:
        lines.append("segment: {" + ", ".join(f"{k}: {v}" for k, v in segment.items()) + "}")
    lines.append("questionnaires:")
    if tiny:
        lines += ["  tiny:", "    answers:", f"      people.owner: {tiny[0]}", f"      process.review: {tiny[1]}"]
    if steps:
        lines += ["  steps:", "    answers:"]
        lines += [f"      {sid}.done: {value}" for sid, value in zip(("s2", "s3"), steps, strict=True) if value]
    return "\n".join(lines) + "\n"


# Section scores: people = owner x 25, process = review x 25; tiny's score is their mean.
# steps: s2 yes passes stage 2, s3 yes passes stage 3; an answered "no" stops the climb.
FILES = {
    "software/alpha/2025.yaml": answers("Alpha Ltd", "2025-03-01", ("1", "1"), None, "software", "11-50"),
    "software/alpha/2026.yaml": answers("Alpha Ltd", "2026-03-01", ("4", "2"), ("yes", "yes"), "software", "11-50"),
    "software/beta.yaml": answers("Beta GmbH", "2026-01-10", ("3", "2"), ("yes", "no"), "software", "51-200"),
    "retail/gamma.yaml": answers("Gamma Inc", "2026-02-02", ("2", "n/a"), ("no", ""), "retail", "51-200"),
    "retail/delta.yaml": answers("Delta AG", "2025-12-12", ("2", "4"), ("yes", "no"), "retail"),
    "energy/epsilon.yml": answers("Epsilon SA", "2026-05-05", ("0", "1"), None, "energy", "1-10"),
    "customers/alpha-customer.yaml": answers("Alpha Ltd", "2026-04-01", ("0", "0"), None, lens="customer"),
    "software/broken.yaml": answers("Broken Co", "2026-01-01", ("9", "1")),
    "notes.txt": "not an answers file, and not looked at",
}


def write_portfolio(root: Path) -> tuple[Path, Path]:
    """The portfolio under root/portfolio and the questionnaires under root/questionnaires."""
    questionnaires = root / "questionnaires"
    questionnaires.mkdir(parents=True)
    (questionnaires / "tiny.yaml").write_text(TINY)
    (questionnaires / "steps.yaml").write_text(STEPS)
    portfolio = root / "portfolio"
    for name, text in FILES.items():
        path = portfolio / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return portfolio, questionnaires
