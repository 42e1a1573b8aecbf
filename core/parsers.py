"""The API's JSON parser: DRF's, plus the two documents Python's json module parses but nothing after it can use.

- Nesting deeper than the interpreter's recursion limit (``[[[[…`` a few thousand deep, well under the body
  size limit) raised RecursionError: a 500 from every JSON endpoint.
- ``\\ud800`` to ``\\udfff`` escapes that are not a surrogate pair decode to lone surrogates, which are not
  Unicode text: UTF-8 cannot encode them, so the first database write or provider call raised
  UnicodeEncodeError (a 500, after the request had passed validation).

Both are now a 400 ``invalid_request`` like any other malformed JSON.
"""

import json
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
            # One C-speed pass that meets every key and string, as a database write or an SDK later would.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError as exc:
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc
        except UnicodeEncodeError as exc:
            raise ParseError(
                "JSON parse error - a \\u escape is an unpaired surrogate (\\ud800-\\udfff), which is not text."
            ) from exc
        return data
