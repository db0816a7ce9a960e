"""Latency of POST /api/v1/indicators/compute/ on a running gunicorn, over loopback.

500 requests (BENCH_REQUESTS) after a warm-up; baseline in the same run: the
same number of GET /api/v1/enterprises/ (authenticated, one small query).
"""

import http.client
import json
import os
import statistics
import time

from bench.server import gunicorn
from bench.synthetic import assessment_data

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "500"))


def _token() -> str:
    from portal.models import Role, User
    from portal.tokens import TokenChannel, token_create

    user, _created = User.objects.get_or_create(
        username="bench_api", defaults={"role": Role.PROVINCE_ADMIN}
    )
    return token_create(user=user, name="bench", via=TokenChannel.API)[1]


def _latencies(conn, method, path, body, headers, n):
    out = []
    for _ in range(n):
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path} answered {response.status}")
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(ms: list[float]) -> dict:
    q = statistics.quantiles(ms, n=100)
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(q[94], 2),
        "max_ms": round(max(ms), 2),
    }


def run() -> dict:
    import random

    token = _token()
    env = {"THROTTLE_COMPUTE": "100000/minute", "THROTTLE_USER": "100000/minute"}
    with gunicorn(workers=2, env=env) as port:
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        inputs = assessment_data(random.Random(7)).current_inputs
        body = json.dumps({"industry_type": "mixed", "inputs": inputs})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        _latencies(conn, "POST", "/api/v1/indicators/compute/", body, headers, 20)  # warm-up
        compute = _latencies(conn, "POST", "/api/v1/indicators/compute/", body, headers, REQUESTS)
        baseline = _latencies(conn, "GET", "/api/v1/enterprises/", None, headers, REQUESTS)
    result = {
        "requests": REQUESTS,
        "compute": _summary(compute),
        "baseline_enterprises": _summary(baseline),
    }
    result["p50_ratio_to_baseline"] = round(
        result["compute"]["p50_ms"] / result["baseline_enterprises"]["p50_ms"], 2
    )
    print(
        f"compute endpoint, {REQUESTS} requests: p50 {result['compute']['p50_ms']} ms, p95 {result['compute']['p95_ms']} ms"
    )
    print(
        f"baseline GET /api/v1/enterprises/: p50 {result['baseline_enterprises']['p50_ms']} ms, "
        f"p95 {result['baseline_enterprises']['p95_ms']} ms; p50 ratio {result['p50_ratio_to_baseline']}×"
    )
    return result
