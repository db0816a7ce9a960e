"""Container health check: exit 0 when the web process's health endpoint answers 200.

    python scripts/healthcheck.py http://127.0.0.1:8000/health/db/

Standard library only (the image has no curl). The request carries a Host header that
ALLOWED_HOSTS accepts, so a deployment restricted to its public name still passes.
"""

import os
import sys
import urllib.request


def accepted_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main(url: str) -> int:
    if not url.startswith(("http://", "https://")):
        print(f"{url}: not an HTTP URL", file=sys.stderr)
        return 2
    request = urllib.request.Request(url, headers={"Host": accepted_host()})  # noqa: S310 checked
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 checked above
            return 0 if response.status == 200 else 1
    except Exception as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/health/db/"))
