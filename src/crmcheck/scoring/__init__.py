"""Pure scoring: (questionnaire, responses, targets) -> result, exactly as DESIGN.md's rules say.

By job: rules.py (edges, rounding, means, level, risk, evidence), sections.py (a section's tally),
stages.py (the stage rule) and questionnaire.py (`score_questionnaire`); the names callers use are here.
"""

from crmcheck.scoring.questionnaire import answer_text, score_questionnaire
from crmcheck.scoring.rules import (
    EDGE_DIGITS,
    NOT_EVIDENCED_MIN,
    NOT_KNOWN,
    PROVISIONAL_BELOW,
    SELF_ASSESSED_LENS,
    contradiction,
    edge_exact,
    fails_critical,
    is_provisional,
    level_of,
    needs_evidence,
    risk_of,
    rounded_score,
    weighted_mean,
)
from crmcheck.scoring.sections import CRITICAL_FAILED, NOT_APPLICABLE, SectionTally, section_flags, tally_sections
from crmcheck.scoring.stages import (
    ScoreSummary,
    StageTally,
    climb,
    climb_summary,
    stage_result,
    stage_status,
    stage_tallies,
    summarise,
)

__all__ = [
    "CRITICAL_FAILED",
    "EDGE_DIGITS",
    "NOT_APPLICABLE",
    "NOT_EVIDENCED_MIN",
    "NOT_KNOWN",
    "PROVISIONAL_BELOW",
    "SELF_ASSESSED_LENS",
    "ScoreSummary",
    "SectionTally",
    "StageTally",
    "answer_text",
    "climb",
    "climb_summary",
    "contradiction",
    "edge_exact",
    "fails_critical",
    "is_provisional",
    "level_of",
    "needs_evidence",
    "risk_of",
    "rounded_score",
    "score_questionnaire",
    "section_flags",
    "stage_result",
    "stage_status",
    "stage_tallies",
    "summarise",
    "tally_sections",
    "weighted_mean",
]
