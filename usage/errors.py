from core.errors import AppError


class RetentionRefused(AppError):
    """``usage_prune`` would lose history: the days to prune are not (all) in the daily rollup yet."""

    code = "retention_refused"
    http_status = 409
    default_message = "The usage log cannot be pruned."
