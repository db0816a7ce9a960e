"""Run the benchmarks: ``make bench`` (or ``python -m bench [name ...]``).

Each benchmark prints its figures and their ratio to a baseline measured in the
same run, and appends them to bench/results/latest.json.
"""

import json
import sys
import time
from pathlib import Path

from bench import setup_database

BENCHMARKS = {
    "recompute": "bench.recompute",
    "compute_api": "bench.compute_api",
    "exports": "bench.exports",
    "dashboard": "bench.dashboard",
    "report": "bench.report",
    "deadline": "bench.deadline",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    setup_database()
    results = {}
    for name in names:
        module = __import__(BENCHMARKS[name], fromlist=["run"])
        print(f"\n== {name} ==", flush=True)
        results[name] = module.run()
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(
            {"at": time.strftime("%Y-%m-%d %H:%M:%S"), **results}, indent=2, ensure_ascii=False
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
