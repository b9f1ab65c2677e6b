"""Modules that define pydantic models keep their field annotations as objects: with `from __future__ import
annotations` every annotation is a string that pydantic evaluates with eval() when the class is built, at every
start of every command (a quarter of the model classes' build time, issue 24). This finds every module of the package
that defines a model and checks it has no such import."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from pydantic import BaseModel

import crmcheck

SRC = Path(crmcheck.__file__).parent


def _module_names() -> list[str]:
    return sorted(".".join(("crmcheck", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
                  for path in SRC.rglob("*.py"))


def _models_defined_in(name: str) -> list[str]:
    module = importlib.import_module(name)
    return [cls.__name__ for cls in vars(module).values()
            if inspect.isclass(cls) and issubclass(cls, BaseModel) and cls.__module__ == name]


def _postpones_annotations(name: str) -> bool:
    tree = ast.parse(Path(importlib.import_module(name).__file__ or "").read_text())
    return any(isinstance(node, ast.ImportFrom) and node.module == "__future__"
               and any(alias.name == "annotations" for alias in node.names) for node in tree.body)


def test_model_modules_do_not_postpone_annotations() -> None:
    defining = {name: models for name in _module_names() if (models := _models_defined_in(name))}
    assert len(defining) >= 10, defining  # the finder finds the models (answers, questionnaire, result, policy...)
    offenders = {name: models for name, models in defining.items() if _postpones_annotations(name)}
    assert not offenders, f"model modules with `from __future__ import annotations`: {offenders}"


def test_the_check_sees_the_import() -> None:
    assert _postpones_annotations("crmcheck.report")  # a module without models that does use it
    assert not _postpones_annotations("crmcheck.models.result")
