"""``{% open_alert_counts as alerts %}``: ``alerts.open`` and ``alerts.critical`` for admin templates."""

from django import template

from usage.alert_store import alerts_open_counts

register = template.Library()


@register.simple_tag
def open_alert_counts() -> dict[str, int]:
    return alerts_open_counts()
