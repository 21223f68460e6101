"""What every benchmark shares: machine description, timing, a table of ratios, a JSON file.

Each benchmark compares the project's code against a baseline *in the same run, on the same
machine*, alternating the two over several rounds and taking medians, so that a busy machine
slows both alike. Results go to ``data/08_reporting/benchmarks/<name>.json``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("MELODY_TO_LYRICS_SHARED_DATA", PROJECT.parent / "shared" / "data")
)
OUT = PROJECT / "data" / "08_reporting" / "benchmarks"
sys.path.insert(0, str(PROJECT / "src"))


def machine() -> dict:
    import torch  # noqa: PLC0415

    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    try:
        info["memory_gib"] = round(
            os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
        )
    except (ValueError, OSError):
        pass
    return info


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(runs: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Median of ``rounds`` values of each run, the runs interleaved round by round."""
    values: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            values[name].append(run())
    return {name: statistics.median(v) for name, v in values.items()}


def report(name: str, rows: list[dict], extra: dict | None = None) -> dict:
    """Print a table of ratios against their targets and write the JSON file."""
    width = max(len(r["metric"]) for r in rows)
    print(f"\n{name} -- {machine()['platform']}, {os.cpu_count()} CPUs")
    print(f"{'metric'.ljust(width)}  {'value':>12}  {'target':>10}  result")
    for r in rows:
        target = r.get("target")
        verdict = "" if target is None else ("pass" if r.get("passed") else "MISS")
        value = f"{r['value']:.3f}" if isinstance(r["value"], float) else str(r["value"])
        print(f"{r['metric'].ljust(width)}  {value:>12}  {str(target or ''):>10}  {verdict}")
    result = {"benchmark": name, "machine": machine(), "rows": rows, **(extra or {})}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(result, indent=2))
    print(f"written to {OUT / f'{name}.json'}")
    return result


def row(
    metric: str, value: float, target: str | None = None, passed: bool | None = None, **details
) -> dict:
    return {"metric": metric, "value": value, "target": target, "passed": passed, **details}
