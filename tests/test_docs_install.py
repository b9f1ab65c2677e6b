"""Docs tell the truth about installing and about the questionnaire format: no page says `pip install crmcheck`
(no package index serves it), README and docs/ci.md show how to install from a clone or a git URL, and the
format page marks required fields as required."""

from __future__ import annotations

import re

from packaging.requirements import Requirement

from crmcheck.models.schemas import schema_of
from tests.conftest import ROOT

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
FROM_INDEX = re.compile(r"pip install (?:--?[a-z-]+ )*['\"]?crmcheck(?:\[[a-z,]+\])?(?!\s*@)['\"]?(?=[\s`]|$)", re.M)


def test_no_page_installs_from_a_package_index() -> None:
    for page in PAGES:
        text = page.read_text()
        # `pip install 'crmcheck[xlsx]'` is how code and docs name an extra; README says how to get one
        found = [m.group(0) for m in FROM_INDEX.finditer(text) if "[" not in m.group(0)]
        assert found == [], (page.name, found)


def test_readme_and_ci_docs_install_from_a_clone_or_git() -> None:
    for page in (ROOT / "README.md", ROOT / "docs" / "ci.md"):
        text = page.read_text()
        urls = re.findall(r'pip install (?:--quiet )?"(crmcheck(?:\[[a-z,]+\])? @ git\+https://[^"]+)"', text)
        assert urls, page.name
        for url in urls:
            requirement = Requirement(url.replace("<your git host>", "git.example.com"))  # a valid PEP 508 line
            assert requirement.name == "crmcheck" and requirement.url and requirement.url.startswith("git+https://")
        assert "pip install ." in text, page.name


def test_the_format_page_marks_required_fields_as_required() -> None:
    text = (ROOT / "docs" / "questionnaire-format.md").read_text()
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    required = set(schema_of("questionnaire")["required"])
    assert "default_target" in required
    for line in example.splitlines():
        match = re.match(r"([a-z_]+):[^#]*(?:#\s*(.*))?$", line)
        if not match:
            continue
        field, comment = match.group(1), (match.group(2) or "").lower()
        if field in required:
            assert not comment.startswith(("optional", "default")), (field, comment)
        elif comment:
            assert not comment.startswith("required"), (field, comment)
    line = next(line for line in example.splitlines() if line.startswith("default_target:"))
    assert "# required" in line
