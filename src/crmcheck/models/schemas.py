"""JSON Schemas of the file formats (`crmcheck schema`, and the schema file `new` and `interview` write).

Pydantic writes each schema from its model; the answers and score-card schemas then say what the models'
before-validators take as well: the short forms (`id: 3` for `id: {value: 3}`, `requirement: 4` for
`requirement: {score: 4}`), blank answers, `n/a` and `unknown`, and the id patterns of the keys, so that an
editor accepts every file the loader accepts. What depends on a questionnaire or a selection (which ids exist,
which values a question takes) no schema can say: docs/answers-format.md lists those rules.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from crmcheck.models.base import ID_PATTERN

_ID = ID_PATTERN[1:-1]  # without its anchors, to build longer patterns from
QUESTION_ID_PATTERN = f"^{_ID}\\.{_ID}$"  # section.question
NOT_APPLICABLE_PATTERN = r"^\s*[nN]/[aA]\s*$"  # n/a in any case, with spaces around, as a score card reads it

ANSWER_VALUE: dict[str, Any] = {
    "title": "An answer's value",
    "description": "A scale value (a whole number, or its label), yes or no (true/false), an option id, a list "
    "of option ids (a checklist; [] for none), a number, text, n/a (does not apply), unknown (a number "
    "question with unknown_scores: the respondent does not know), or blank (not asked yet). Which of these a "
    "question takes is in its questionnaire: `crmcheck show QUESTIONNAIRE`.",
    "anyOf": [
        {"type": "null", "description": "blank: not asked yet"},
        {"type": "boolean"},
        {"type": "number"},
        {"type": "string", "examples": ["n/a", "unknown", "yes", "no"]},  # na and N/A are n/a too
        {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}, "uniqueItems": True},
    ],
}

CARD_SCORE: dict[str, Any] = {
    "title": "A score",
    "description": "0 (cannot do it) to 5 (does it fully), or n/a",
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": 5},
        {"type": "string", "pattern": NOT_APPLICABLE_PATTERN},
    ],
}


def _answers_schema(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema["$defs"]
    defs["AnswerValue"] = ANSWER_VALUE
    defs["Answer"]["properties"]["value"] = {"$ref": "#/$defs/AnswerValue"}
    defs["QuestionnaireAnswers"]["properties"]["answers"] = {
        "title": "Answers",
        "description": "Question id (section.question) -> its value (short form) or {value, note, evidence, "
        "reason}; a blank value or an empty mapping is not asked yet.",
        "anyOf": [
            {"type": "object", "propertyNames": {"pattern": QUESTION_ID_PATTERN},
             "additionalProperties": {"anyOf": [{"$ref": "#/$defs/AnswerValue"}, {"$ref": "#/$defs/Answer"}]}},
            {"type": "null"},
        ],
    }
    defs["QuestionnaireAnswers"]["properties"]["targets"]["propertyNames"] = {"pattern": ID_PATTERN}
    schema["properties"]["questionnaires"]["propertyNames"] = {"pattern": ID_PATTERN}
    return schema


def _card_schema(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema["$defs"]
    defs["ScoreValue"] = CARD_SCORE
    defs["Score"]["properties"]["score"] = {"$ref": "#/$defs/ScoreValue"}
    schema["properties"]["scores"] = {
        "title": "Scores",
        "description": "Vendor id -> requirement id -> a score (short form) or {score, note}; a vendor with "
        "nothing scored yet is blank.",
        "anyOf": [
            {"type": "object", "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": {"anyOf": [
                {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
                 "additionalProperties": {"anyOf": [{"$ref": "#/$defs/ScoreValue"}, {"$ref": "#/$defs/Score"}]}},
                {"type": "null"},
            ]}},
            {"type": "null"},
        ],
    }
    return schema


def schema_of(name: str) -> dict[str, Any]:
    """The JSON Schema of a file format (questionnaire, answers, policy, selection, card, plan or measure, the measure
    config) as a mapping."""
    from crmcheck.answers.model import AnswersFile
    from crmcheck.measure.config import MeasureConfig
    from crmcheck.models.plan import Plan
    from crmcheck.models.policy import Policy
    from crmcheck.models.questionnaire import Questionnaire
    from crmcheck.models.vendors import ScoreCard, SelectionFile

    models: dict[str, type[BaseModel]] = {"questionnaire": Questionnaire, "answers": AnswersFile, "policy": Policy,
                                          "selection": SelectionFile, "card": ScoreCard, "plan": Plan,
                                          "measure": MeasureConfig}
    schema = models[name].model_json_schema()
    if name == "answers":
        schema = _answers_schema(schema)
    elif name == "card":
        schema = _card_schema(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"crmcheck {name} file, format 1"
    return schema


def json_schema(name: str) -> str:
    """The JSON Schema of a file format, as the text `crmcheck schema NAME` prints."""
    return json.dumps(schema_of(name), indent=2) + "\n"
