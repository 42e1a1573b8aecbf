"""Errors of the usage app."""


class RetentionRefused(Exception):
    """``usage_prune`` would lose history: the days to prune are not (all) in the daily rollup yet. A command's
    error (its message is printed, exit status 1), never an API answer: not an ``AppError``, so not in the
    API's error catalogue."""

    def __init__(self, message: str = "The usage log cannot be pruned.") -> None:
        self.message = message
        super().__init__(message)
