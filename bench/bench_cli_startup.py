"""How fast `trustgap --help` starts (target: under 0.3 s). Run: python bench/bench_cli_startup.py [runs]

Measures wall time of a fresh interpreter running the CLI's help, best and median of N runs, and lists
the slowest imports of one run (python -X importtime) so a regression is easy to find.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

TARGET_S = 0.3


def once() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "trustgap", "--help"], check=True, capture_output=True)
    return time.perf_counter() - t


def slowest_imports(n: int = 8) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "trustgap", "--help"], capture_output=True,
                         text=True, check=True).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        # "import time:   self |   cumulative | name"
        parts = line.split(":", 1)[1].split("|")
        if len(parts) != 3:
            continue
        rows.append((int(parts[1].strip()), parts[2].strip()))
    return sorted(rows, reverse=True)[:n]


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    once()  # warm the file cache
    times = [once() for _ in range(runs)]
    best, median = min(times), statistics.median(times)
    print(f"trustgap --help: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms over {runs} runs "
          f"(target {TARGET_S * 1000:.0f} ms)")
    print("slowest imports (cumulative µs):")
    for us, name in slowest_imports():
        print(f"  {us:>8}  {name}")
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
