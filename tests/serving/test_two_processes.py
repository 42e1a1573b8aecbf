"""Two server processes (``make serve``, one worker each) on one PostgreSQL, with Redis as the shared cache and
without it (each process its own local-memory cache): quotas hold for parallel requests spread over both, and
a change made through one (a provider key or model, a price, a plan, a subscription) is applied by the other
within a couple of seconds (plans, prices and configs are cached per process for about a second)."""

import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx2
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.authtoken.models import Token

from orchestrator.policies import MAX_OUTPUT_TOKENS
from orchestrator.services.orchestrator import estimate_tokens
from orchestrator.tasks.job_posting import EXTRACTION, prompt_for_text
from subscriptions.models import QuotaCounter, QuotaReservation, Task
from tests.factories import PlanFactory, UserFactory
from tests.serving.conftest import EXTRACT, POSTING, MadeServer, Upstream, needs_postgres, redis_url, subscribers
from usage.models import AIProviderUsageLog, ModelPrice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), needs_postgres]

PARALLEL = 100
APPLIED_WITHIN = 2.5  # seconds: the per-process caches live about one
PASSWORD = "serving-test-password"


class Pair:
    def __init__(self, one: MadeServer, other: MadeServer) -> None:
        self.one, self.other = one, other

    @staticmethod
    def client(server: MadeServer, token: str) -> httpx2.Client:
        return httpx2.Client(base_url=server.url, timeout=60, headers={"Authorization": f"Token {token}"})


@pytest.fixture(scope="module", params=["redis", "local-memory"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, upstream: Upstream,
    django_db_setup: None,  # the test database exists: the servers connect to it
) -> Iterator[Pair]:
    if request.param == "redis" and not redis_url():
        pytest.skip("needs Redis (set REDIS_URL; .ci/run does)")
    # 100 calls of one user queue on the same counter rows, each holding a pooled connection meanwhile: the pool
    # wait is long here so that this test is about quotas (past the pool's wait they would be 503s, as designed).
    cache = redis_url() if request.param == "redis" else ""
    env = {"WEB_CONCURRENCY": "1", "DB_POOL_TIMEOUT": "60", "REDIS_URL": cache}
    logs = tmp_path_factory.mktemp(f"servers-{request.param}")
    servers = []
    try:
        for name in ("one", "other"):  # one after the other: both run collectstatic into the same directory
            servers.append(MadeServer(log=logs / f"{name}.log", env=env).start())
        yield Pair(*servers)
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def fresh(pair: Pair) -> Pair:
    """The servers' per-process caches may still hold the previous test's rows (the database was emptied)."""
    time.sleep(APPLIED_WITHIN / 2)
    return pair


def applied_within(seconds: float, check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def super_admin() -> tuple[object, str]:
    hasher = PBKDF2PasswordHasher()  # one the servers know (the tests' settings have only a fast MD5 one)
    user = UserFactory(is_staff=True, is_superuser=True)
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user, Token.objects.create(user=user).key


def ten_calls() -> int:
    """About ten calls' reservations (the estimate of an extraction of the posting)."""
    prompt = prompt_for_text(POSTING)
    estimate = estimate_tokens(prompt=prompt, system=EXTRACTION.system, images=(),
                               max_output_tokens=MAX_OUTPUT_TOKENS[Task.EXTRACTION])
    return 10 * estimate


def test_quotas_hold_for_100_parallel_requests_spread_over_both(
    fresh: Pair, upstream: Upstream, upstream_config: object
) -> None:
    limit = ten_calls()
    token = subscribers(1, daily_token_limit=limit, monthly_token_limit=None)[0]
    clients = [Pair.client(fresh.one, token), Pair.client(fresh.other, token)]

    def extract(number: int) -> httpx2.Response:
        return clients[number % 2].post(EXTRACT, json={"text": f"{POSTING}\n(ref {number})"})

    upstream.set_latency(1000)  # the calls overlap: most reserve while others are still in flight
    try:
        with ThreadPoolExecutor(PARALLEL) as pool:
            responses = list(pool.map(extract, range(PARALLEL)))
    finally:
        upstream.set_latency(0)
    statuses = [response.status_code for response in responses]

    assert set(statuses) == {201, 429}
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 429} == {"quota_exceeded"}
    day = QuotaCounter.objects.get(period="day")
    billed = sum(AIProviderUsageLog.objects.filter(status="success").values_list("total_tokens", flat=True))
    assert day.reserved == 0
    assert not QuotaReservation.objects.exists()
    assert day.used == billed <= limit
    assert AIProviderUsageLog.objects.filter(status="success").count() == statuses.count(201)


def test_a_key_and_a_model_changed_through_one_are_used_by_the_other(
    fresh: Pair, upstream: Upstream, upstream_config: object
) -> None:
    token = subscribers(1, daily_token_limit=None, monthly_token_limit=None)[0]
    _, admin_token = super_admin()
    assert Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING}).status_code == 201
    assert upstream.last_request()["model"] == "gpt-bench"

    change = {"api_key": "sk-rotated-0000000000000042", "fast_model": "gpt-rotated", "quality_model": "gpt-rotated"}
    url = f"/api/v1/super-admin/providers/configs/{upstream_config.pk}"
    assert Pair.client(fresh.one, admin_token).patch(url, json=change).status_code == 200

    def other_sends_the_new_ones() -> bool:
        assert Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING}).status_code == 201
        return upstream.last_request() == {"authorization": "Bearer sk-rotated-0000000000000042",
                                           "model": "gpt-rotated"}

    assert applied_within(APPLIED_WITHIN, other_sends_the_new_ones)


def test_a_plan_changed_through_one_is_applied_by_the_other(fresh: Pair, upstream_config: object) -> None:
    plan = PlanFactory(requests_per_minute=10_000, daily_token_limit=None, monthly_token_limit=None)
    token = subscribers(1, plan=plan)[0]
    _, admin_token = super_admin()
    assert Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING}).status_code == 201

    response = Pair.client(fresh.one, admin_token).patch(f"/api/v1/super-admin/plans/{plan.code}",
                                                          json={"daily_token_limit": 1})
    assert response.status_code == 200

    def other_refuses() -> bool:
        response = Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING})
        assert response.status_code in (201, 429)
        return response.status_code == 429 and response.json()["error"]["code"] == "quota_exceeded"

    assert applied_within(APPLIED_WITHIN, other_refuses)


def test_a_subscription_changed_through_one_is_applied_by_the_other(fresh: Pair, upstream_config: object) -> None:
    token = subscribers(1, daily_token_limit=None, monthly_token_limit=None)[0]
    user_id = Token.objects.get(key=token).user_id
    closed = PlanFactory(daily_token_limit=1)
    _, admin_token = super_admin()
    assert Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING}).status_code == 201

    response = Pair.client(fresh.one, admin_token).put(f"/api/v1/super-admin/users/{user_id}/subscription",
                                                        json={"plan": closed.code})
    assert response.status_code == 200

    def other_refuses() -> bool:
        return Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING}).status_code == 429

    assert applied_within(APPLIED_WITHIN, other_refuses)


def admin_add(server: MadeServer, username: str, path: str, form: dict[str, str]) -> httpx2.Response:
    """Log in to the admin of ``server`` and submit one add form, as a person does (session, CSRF token)."""
    browser = httpx2.Client(base_url=server.url, timeout=60, follow_redirects=True)

    def csrf(page: httpx2.Response) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    login = browser.get("/admin/login/?next=/admin/")
    browser.post("/admin/login/?next=/admin/",
                 data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(login)})
    page = browser.get(path)
    return browser.post(path, data={**form, "csrfmiddlewaretoken": csrf(page)})


def test_a_price_added_through_one_prices_the_calls_of_the_other(fresh: Pair, upstream_config: object) -> None:
    token = subscribers(1, daily_token_limit=None, monthly_token_limit=None)[0]
    admin, _ = super_admin()
    assert Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING}).status_code == 201
    assert AIProviderUsageLog.objects.get().cost_usd is None  # no price yet: the cost is unknown, never 0

    form = {"provider_type": "openai", "model": "gpt-bench", "input_per_million": "1", "output_per_million": "2",
            "valid_from": "2020-01-01", "source": "test"}
    response = admin_add(fresh.one, admin.username, "/admin/usage/modelprice/add/", form)
    assert response.status_code == 200
    assert "errornote" not in response.text
    page = re.findall(r"<title>.*?</title>|errorlist.*?</ul>", response.text, re.DOTALL)
    assert ModelPrice.objects.filter(provider_type="openai", model="gpt-bench").exists(), page

    def other_prices_its_call() -> bool:
        assert Pair.client(fresh.other, token).post(EXTRACT, json={"text": POSTING}).status_code == 201
        return AIProviderUsageLog.objects.order_by("-pk").first().cost_usd is not None

    assert applied_within(APPLIED_WITHIN, other_prices_its_call)
    log = AIProviderUsageLog.objects.order_by("-pk").first()
    assert log.cost_usd == (Decimal(log.input_tokens) * 1 + Decimal(log.output_tokens) * 2) / 1_000_000
