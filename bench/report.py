"""The benchmark's figures and its table (Markdown, so it can go into the README as printed)."""

import os
from dataclasses import dataclass


@dataclass
class Measurement:
    load: str
    seconds: float
    requests: int  # every answer wrk received, whatever its status
    ok: int  # 2xx answers
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict[str, int]
    socket_errors: int
    cpu_seconds: float | None = None
    db_cpu_seconds: float | None = None
    rss: int | None = None

    @classmethod
    def from_wrk(cls, load: str, result: dict, **extra: float | int | None) -> "Measurement":
        errors = result["errors"]
        statuses = dict(result["statuses"])
        return cls(
            load=load,
            seconds=result["duration_us"] / 1e6,
            requests=result["requests"],
            ok=sum(count for status, count in statuses.items() if status.startswith("2")),
            p50_ms=result["p50"] / 1000,
            p95_ms=result["p95"] / 1000,
            p99_ms=result["p99"] / 1000,
            statuses=statuses,
            socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
            **extra,
        )

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return self.requests - self.ok

    def per_request_ms(self, seconds: float | None) -> str:
        if seconds is None or not self.requests:
            return "—"
        return f"{seconds * 1000 / self.requests:.1f}"


HEADER = (
    "| load (upstream ms x connections) | req/s | p50 / p95 / p99 ms | added p50 / p95 / p99 ms | non-2xx "
    "| socket errors | CPU ms/req (+DB) | RSS MiB | upstream direct: req/s, p50 / p99 ms |"
)


def _row(direct: Measurement, service: Measurement) -> str:
    added = " / ".join(
        f"{mine - theirs:+.1f}"
        for mine, theirs in (
            (service.p50_ms, direct.p50_ms), (service.p95_ms, direct.p95_ms), (service.p99_ms, direct.p99_ms)
        )
    )
    non_2xx = str(service.non_2xx)
    if service.non_2xx:
        non_2xx += " (" + ", ".join(f"{s}: {n}" for s, n in sorted(service.statuses.items()) if s[0] != "2") + ")"
    rss = f"{service.rss / 2**20:.0f}" if service.rss else "—"
    cpu = f"{service.per_request_ms(service.cpu_seconds)} (+{service.per_request_ms(service.db_cpu_seconds)})"
    return (
        f"| {service.load} | {service.rps:.1f} | {service.p50_ms:.1f} / {service.p95_ms:.1f} / {service.p99_ms:.1f} "
        f"| {added} | {non_2xx} | {service.socket_errors} | {cpu} | {rss} "
        f"| {direct.rps:.0f}, {direct.p50_ms:.1f} / {direct.p99_ms:.1f} |"
    )


def print_table(label: str, results: list[tuple[Measurement, Measurement]], *, duration: int) -> None:
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{label}: {duration} s per run. Added = the service's percentile minus the upstream's, same load.")
    print(f"Machine load average at the end (1 / 5 / 15 min): {load} on {os.cpu_count()} cores.")
    print("CPU: the server's process tree (+ PostgreSQL and Redis, machine-wide). RSS: the tree's sum, peak.\n")
    print(HEADER)
    print("|" + "---|" * HEADER.count(" |"))
    for direct, service in results:
        print(_row(direct, service))
