"""Log filters, attached to the console handler in ``settings.LOGGING`` (so they see every record that
reaches it, whichever logger it came from).

- ``RequestIdFilter`` adds ``request_id``: the id of the HTTP request being served (core.request_id), or
  "-" outside a request. Django logs a 4xx response only after the middleware chain has returned; such a
  record carries the request, and the id is read from it.
- ``RedactSecretsFilter`` is defence in depth: keys are never logged on purpose, but a vendor's error text
  or a third-party library might quote one. It formats the message, scrubs anything key-shaped
  (core.redaction) and stores the result; a traceback is formatted and scrubbed the same way.

The formatter is chosen by ``LOG_FORMAT`` (``text`` or ``json``, python-json-logger); see settings.
"""

import logging

from core.redaction import redact_secrets
from core.request_id import current_request_id

NO_REQUEST = "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", None) or NO_REQUEST
        return True


class RedactSecretsFilter(logging.Filter):
    _traceback_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, dict):  # python-json-logger merges a dict message into the record
            try:
                message = record.getMessage()
            except Exception:  # bad arguments: leave the record for the handler to report as usual
                return True
            record.msg, record.args = redact_secrets(message), None
        if record.exc_info:
            # Formatters would render exc_info afresh (python-json-logger ignores exc_text when exc_info is set).
            record.exc_text = redact_secrets(self._traceback_formatter.formatException(record.exc_info))
            record.exc_info = None
        return True
