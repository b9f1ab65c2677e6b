"""The per-output escaping that lived here moved to crmcheck.inert (one table of rules); these names stay importable."""

from __future__ import annotations

from crmcheck.inert import (
    github_command_data,
    github_command_property,
    markdown_inline,
    mermaid_text,
    neutralise_workflow_commands,
    xml_safe,
)

__all__ = ["github_command_data", "github_command_property", "markdown_inline", "mermaid_text",
           "neutralise_workflow_commands", "xml_safe"]
