"""The usage dashboard in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Playwright cannot download its own browsers here, so it drives the system Chromium through
``executable_path``. Without Chromium the test is skipped with the reason — unless
``REQUIRE_BROWSER`` is set (CI installs Chromium and sets it), where a missing browser fails.
"""

import os
import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import ProviderConfigFactory, UsageLogFactory, UserFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHARTS = ["costPerDay", "tokensPerDay", "quotaPerDay", "successRate", "latency", "topUsers", "topModels"]
PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def usage_rows():
    """A week of calls on three providers with successes, errors and quota refusals."""
    now = timezone.now()
    users = [UserFactory(username=f"customer{n}") for n in range(3)]
    for provider, model, cost in [("gemini", "gemini-2.5-flash", "0.002"), ("openai", "gpt-5-mini", "0.004"),
                                  ("anthropic", "claude-haiku-4-5", "0.006")]:
        config = ProviderConfigFactory(name=f"{provider}-main", provider_type=provider)
        for day in range(7):
            for n, status in enumerate(["success", "success", "success", "error", "quota_exceeded"]):
                UsageLogFactory(
                    user=users[(day + n) % 3], provider_config=config, provider_type=provider, model=model,
                    status=status, cost_usd=Decimal(cost) if status == "success" else None,
                    latency_ms=300 + 100 * n + 10 * day, created_at=now - timedelta(days=day, hours=n),
                )


def test_the_dashboard_draws_every_chart_with_data(live_server, chromium_path, usage_rows):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    UserFactory(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", "root")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        # From here on every console error counts (the admin's own pages ask for a /favicon.ico).
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
        page.click("text=Usage dashboard")
        page.wait_for_function("window.usageDashboardCharts !== undefined")
        drawn = page.evaluate(
            """names => names.map(name => {
                const chart = window.usageDashboardCharts[name];
                const points = chart.data.datasets.flatMap(d => d.data).filter(v => v !== null && v > 0);
                return [name, chart.canvas.width > 0 && chart.canvas.height > 0, points.length];
            })""",
            CHARTS,
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        browser.close()
    for name, has_size, points in drawn:
        assert has_size, f"{name} has no canvas size"
        assert points > 0, f"{name} drew no data"
    assert errors == []
