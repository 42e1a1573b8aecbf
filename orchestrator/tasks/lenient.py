"""Task output a model writes loosely, tidied before validation instead of refused.

Real models write ``"Present"`` for an open end date, ``"Jan 2020"`` or ``"03/2020"`` for a month, a URL
without its scheme, an e-mail address with a trailing dot, ``"N/A"`` for nothing. Refusing such an answer
cost the user the draft and the tokens (a 502 after the repair round) over a matter of style. An output
model that extends ``LenientOutput`` names its date, URL and e-mail fields (by key, at any depth); before
validation each is normalised (orchestrator.normalization): a date to YYYY, YYYY-MM or YYYY-MM-DD, an
"ongoing" word to null, a URL to http(s), an address to its plain form. A value that cannot be normalised
is dropped (null) with a warning in ``tidy_warnings``; "N/A" and its kind become null anywhere, silently.
"""

from typing import Any, ClassVar

from pydantic import BaseModel, PrivateAttr, ValidatorFunctionWrapHandler, model_validator

from orchestrator.normalization.dates import partial_date
from orchestrator.normalization.text import email_address, is_absent, web_url

DATE_HINT = "a date (YYYY, YYYY-MM or YYYY-MM-DD)"


def _tidy_date(value: Any) -> tuple[Any, bool]:
    """(the normalised date or None, whether the value was understood)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    reading = partial_date(value)
    return reading.value, reading.understood


def _tidy_by(normalize: Any) -> Any:
    def tidy(value: Any) -> tuple[Any, bool]:
        found = normalize(value)
        return found, found is not None

    return tidy


class _Tidier:
    def __init__(self, fields: dict[str, tuple[Any, str]]) -> None:
        self.fields = fields  # key -> (tidy function, what the value should be, for the warning)
        self.warnings: list[str] = []

    def value(self, value: Any, *, key: str, path: str) -> Any:
        if is_absent(value):
            return None
        if key in self.fields and isinstance(value, str | int) and not isinstance(value, bool):
            tidy, expected = self.fields[key]
            found, understood = tidy(value)
            if not understood:
                self.warnings.append(f"{path} was {value!r}, not {expected}: dropped.")
            return found
        if isinstance(value, dict):
            return {name: self.value(item, key=name, path=f"{path}.{name}") for name, item in value.items()}
        if isinstance(value, list):
            items = [self.value(item, key=key, path=f"{path}[{index}]") for index, item in enumerate(value)]
            return [item for item, original in zip(items, value, strict=True) if item is not None or original is None]
        return value


class LenientOutput(BaseModel):
    """Base of output models whose loosely written fields are tidied (see the module docstring)."""

    DATE_FIELDS: ClassVar[frozenset[str]] = frozenset()
    URL_FIELDS: ClassVar[frozenset[str]] = frozenset()
    EMAIL_FIELDS: ClassVar[frozenset[str]] = frozenset()
    _tidy_warnings: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _tidy(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        fields = dict.fromkeys(cls.DATE_FIELDS, (_tidy_date, DATE_HINT))
        fields |= dict.fromkeys(cls.URL_FIELDS, (_tidy_by(web_url), "an http(s) URL"))
        fields |= dict.fromkeys(cls.EMAIL_FIELDS, (_tidy_by(email_address), "an e-mail address"))
        tidier = _Tidier(fields)
        output = handler({key: tidier.value(value, key=key, path=key) for key, value in data.items()})
        output._tidy_warnings = tidier.warnings
        return output

    @property
    def tidy_warnings(self) -> list[str]:
        """One warning per value that was dropped because it could not be normalised."""
        return list(self._tidy_warnings)
