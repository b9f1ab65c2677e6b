"""Pure policy evaluation: (policy, scored assessment with its comparison, today) -> one outcome per rule and scope.

By job: outcomes.py (answer locations, the context, one rule's outcomes), current.py (rules on the assessment),
baseline.py (rules against a baseline), plan.py (rules on the improvement plan), apply.py (applying a policy).
"""

from crmcheck.policy.apply import DEFAULT_MAX_AGE_DAYS, default_policy, evaluate
from crmcheck.policy.outcomes import AnswerLocations

__all__ = ["DEFAULT_MAX_AGE_DAYS", "AnswerLocations", "default_policy", "evaluate"]
