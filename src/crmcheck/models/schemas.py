"""JSON Schemas of the file formats (`crmcheck schema`, and the schema file `new` and `interview` write)."""

from __future__ import annotations

import json

from pydantic import BaseModel


def json_schema(name: str) -> str:
    """The JSON Schema of a file format: questionnaire, answers, policy, selection, card (a score card) or measure
    (the measure config)."""
    from crmcheck.measure.config import MeasureConfig
    from crmcheck.models.answers import AnswersFile
    from crmcheck.models.policy import Policy
    from crmcheck.models.questionnaire import Questionnaire
    from crmcheck.vendors.files import ScoreCard, SelectionFile

    models: dict[str, type[BaseModel]] = {"questionnaire": Questionnaire, "answers": AnswersFile, "policy": Policy,
                                          "selection": SelectionFile, "card": ScoreCard, "measure": MeasureConfig}
    schema = models[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"crmcheck {name} file, format 1"
    return json.dumps(schema, indent=2) + "\n"
