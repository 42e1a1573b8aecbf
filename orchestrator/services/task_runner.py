"""Running a task: generate, validate against the task's output model, repair once, else ``InvalidOutput``.

A task is a definition (``orchestrator.tasks``: system prompt, output model); this service turns one into
an answer through ``AIOrchestrator.generate``. The first call and its repair share one request id
(``core.request_id``) and the response-cache key: an answer enters the response cache only once it
passed validation, and a cached answer that today's output model rejects is dropped and asked for again
(``orchestrator.services.response_cache``).
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from pydantic import ValidationError

from core.request_id import request_id_scope
from core.text import storable
from orchestrator.errors import InvalidOutput
from orchestrator.services import response_cache
from orchestrator.services.orchestrator import AIOrchestrator, Generation
from orchestrator.tasks.base import TaskDefinition, strict_json_schema, system_prompt, wrap_untrusted
from providers.base import ImageInput

REPAIR_EXCERPT_CHARS = 4000


@dataclass(frozen=True)
class TaskRun:
    output: Any  # an instance of the definition's output_model
    generation: Generation
    attempts: int


class _UnusableOutput(Exception):
    def __init__(self, errors: list[dict[str, str]], text: str) -> None:
        self.errors = errors
        self.text = text
        super().__init__(str(errors))


def task_run(
    *,
    definition: TaskDefinition,
    user: AbstractBaseUser,
    prompt: str,
    images: Sequence[ImageInput] = (),
    cache_key: str | None = None,
) -> TaskRun:
    """Generate, validate, and repair once; raises InvalidOutput when the repaired answer is still unusable.

    ``cache_key``: what the answer depends on (``response_cache.input_key``); the repair call passes it
    too: its answer, once valid, is the answer to the same input."""

    def generate(text: str) -> Generation:
        return AIOrchestrator().generate(
            user=user, task=definition.task, prompt=text, system=system_prompt(definition.system),
            images=images, output_schema=strict_json_schema(definition.output_model),
            schema_name=definition.schema_name, cache_key=cache_key,
        )

    with request_id_scope():
        try:
            return _validated_run(definition, generate(prompt), attempts=1)
        except _UnusableOutput as problem:
            first_problem = problem
        except InvalidOutput as exc:  # the backend could not decode the answer at all
            first_problem = _UnusableOutput([{"loc": "", "msg": exc.message}], "")
        try:
            return _validated_run(definition, generate(_repair_prompt(prompt, first_problem)), attempts=2)
        except _UnusableOutput as problem:
            raise InvalidOutput(details={"errors": problem.errors}) from problem


def _validated_run(definition: TaskDefinition, generation: Generation, *, attempts: int) -> TaskRun:
    """The validated output; only now may the answer enter the response cache."""
    try:
        output = _validated(definition, generation)
    except _UnusableOutput:
        response_cache.discard(generation=generation)
        raise
    response_cache.store(task=definition.task, generation=generation)
    return TaskRun(output=output, generation=generation, attempts=attempts)


def _decode(generation: Generation) -> Any:
    """The model's JSON, with its strings made storable (a NUL or a lone surrogate in a reply failed the save
    after the tokens were spent)."""
    result = generation.result
    if result.parsed is not None:
        return storable(result.parsed)
    text = re.sub(r"^\s*```(?:json)?\s*|\s*```\s*$", "", result.text or "")
    try:
        return storable(json.loads(text))
    except json.JSONDecodeError as exc:
        raise _UnusableOutput([{"loc": "", "msg": f"not JSON: {exc.msg}"}], result.text or "") from exc


def _validated(definition: TaskDefinition, generation: Generation) -> Any:
    data = _decode(generation)
    try:
        return definition.output_model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": ".".join(str(part) for part in error["loc"]), "msg": error["msg"]} for error in exc.errors()[:10]
        ]
        raise _UnusableOutput(errors, generation.result.text or json.dumps(data)) from exc


def _repair_prompt(prompt: str, problem: _UnusableOutput) -> str:
    errors = "\n".join(f"- {e['loc'] or '(root)'}: {e['msg']}" for e in problem.errors) or "- invalid output"
    previous = wrap_untrusted(problem.text[:REPAIR_EXCERPT_CHARS], label="your previous answer")
    return (
        f"{prompt}\n\nYour previous answer did not match the required JSON schema:\n{errors}\n{previous}\n\n"
        "Answer again with one JSON object that matches the schema exactly."
    )
