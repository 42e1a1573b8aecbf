from core.errors import AppError


class QuotaExceeded(AppError):
    """A reservation would pass the plan's daily or monthly token limit. ``retry_after``: seconds
    until that period resets."""

    code = "quota_exceeded"
    http_status = 429
    default_message = "Your token quota is used up."
