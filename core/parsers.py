"""The API's JSON parser: DRF's, plus the two documents Python's json module parses but nothing after it can use.

- Nesting deeper than the interpreter's recursion limit (``[[[[…`` a few thousand deep, well under the body
  size limit) raised RecursionError: a 500 from every JSON endpoint; a few hundred deep passed the parser
  and broke pydantic's serializer (PUT profile, a CV draft's profile). No request of this API needs more
  than a handful of levels, so more than ``MAX_DEPTH`` is refused.
- ``\\ud800`` to ``\\udfff`` escapes that are not a surrogate pair decode to lone surrogates, which are not
  Unicode text: UTF-8 cannot encode them, so the first database write or provider call raised
  UnicodeEncodeError (a 500, after the request had passed validation).

Both are now a 400 ``invalid_request`` like any other malformed JSON.
"""

import json
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 64
TOO_DEEP = f"JSON parse error - the document is nested too deeply (more than {MAX_DEPTH} levels)."


def nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest more than ``limit`` levels (iterative: no recursion limit)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP) from exc
        if isinstance(data, (dict, list)) and nested_deeper_than(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP)
        try:
            # One C-speed pass that meets every key and string, as a database write or an SDK later would.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ParseError(
                "JSON parse error - a \\u escape is an unpaired surrogate (\\ud800-\\udfff), which is not text."
            ) from exc
        return data
