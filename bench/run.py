"""Every benchmark of bench/README.md in one go (under 5 minutes), one table, results as JSON.

    .venv/bin/python bench/run.py [--quick] [--no-postgres]

Runs, in this order (each bot under test is its own process; nothing else of ours runs meanwhile):
  understanding   bench/understanding_speed.py (its own process)
  booking race    bench/booking_race.py on SQLite, and on a temporary PostgreSQL database when the
                  tests' server is reachable
  memory          bench/memory_conversations.py: empty database vs 10,000 stored conversations
  load            bench/load.py: echo floor, echo+model floor, `python -m bot run` (paced, 60
                  people), bench/unthrottled_bot.py (capacity) on SQLite and on PostgreSQL;
                  start-up is measured on each
and prints one table: each figure, its baseline measured in the same run, the ratio, the target.
Writes bench/results/latest.json (and a dated copy next to it; bench/results/ is git-ignored).
--quick: shorter phases and fewer people, for trying the benchmarks out (figures are rougher).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.booking_race import print_booking, run_booking, run_booking_postgres  # noqa: E402
from bench.common import BENCH, PYTHON, RESULTS, ROOT, fmt, machine, ratio  # noqa: E402
from bench.load import LoadConfig, print_load, run_load  # noqa: E402
from bench.memory_conversations import run_memory  # noqa: E402

# Telegram caps a bot at about 30 messages a second in all: the embedded default should carry
# twice that. Paced: 60 people reading and typing 3-6 s between messages (~13 updates/s).
TARGETS = {
    "capacity_updates_s": 60.0,  # SQLite, one process, and PostgreSQL
    "p50_ms": 40.0,  # paced load, no translation
    "p99_ms": 150.0,
    "startup_s": 5.0,
    "memory_10k_mb": 300.0,
}


def log(message: str) -> None:
    print(message, flush=True)


def understanding() -> dict[str, Any]:
    log("  understanding: 200 questions...")
    done = subprocess.run(
        [PYTHON, str(BENCH / "understanding_speed.py"), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


async def run_all(quick: bool, postgres: bool) -> dict[str, Any]:
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": quick,
    }
    started = time.perf_counter()
    sections: dict[str, float] = {}

    async def section(name: str, key: str, make) -> None:
        """Run one benchmark; a failure is recorded and printed, and the others still run."""
        t = time.perf_counter()
        try:
            results[key] = await make()
        except Exception as exc:  # noqa: BLE001 - report, carry on
            log(f"  {name} FAILED: {type(exc).__name__}: {exc}"[:2000])
            results[key] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        sections[name] = sections.get(name, 0.0) + round(time.perf_counter() - t, 1)

    people = 20 if quick else 50
    config = (
        LoadConfig(users=20, duration=8, warmup=2, paced_duration=10, postgres=postgres)
        if quick
        else LoadConfig(users=60, duration=15, warmup=3, paced_duration=30, postgres=postgres)
    )
    await section("understanding", "understanding", lambda: asyncio.to_thread(understanding))
    await section("booking", "booking_sqlite", lambda: run_booking(people, log=log))
    if postgres:
        await section("booking", "booking_postgres", lambda: run_booking_postgres(people, log=log))
    await section("memory", "memory", lambda: run_memory(10_000, 20 if quick else 30, log=log))
    await section("load", "load", lambda: run_load(config, log=log))
    results["seconds"] = time.perf_counter() - started
    results["section_seconds"] = sections
    results["machine"]["load_average_end"] = machine()["load_average"]
    return results


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(figure, value, baseline, ratio, target) for the table."""
    s = results.get("load", {}).get("summary", {})
    u = results.get("understanding", {})
    m = results.get("memory", {})
    out: list[tuple[str, str, str, str, str]] = []

    def add(name: str, value: Any, base: Any, spec: str, target: str, unit: str = "") -> None:
        out.append((name, fmt(value, spec, unit), fmt(base, spec, unit), fmt(ratio(value, base), ".2f", "x"), target))

    def verdict(ok: bool | None) -> str:
        return "" if ok is None else (" ok" if ok else " MISSED")

    cap = TARGETS["capacity_updates_s"]
    for key, label in (("throughput", "SQLite"), ("throughput_postgres", "PostgreSQL")):
        thr = s.get(key)
        add(
            f"capacity {label}, updates/s",
            thr,
            s.get("throughput_floor"),
            ".1f",
            f">= {cap:.0f}/s" + verdict(None if thr is None else thr >= cap),
        )
    add(
        "  echo+model floor, updates/s",
        s.get("throughput_model_floor"),
        s.get("throughput_floor"),
        ".1f",
        "(the model's share)",
    )
    add("  bot against echo+model, updates/s", s.get("throughput"), s.get("throughput_model_floor"), ".1f", "")
    add("CPU per update, ms", s.get("cpu_ms_per_update"), s.get("cpu_ms_per_update_floor"), ".2f", "")
    add(
        "  against echo+model CPU per update",
        s.get("cpu_ms_per_update"),
        s.get("cpu_ms_per_update_model_floor"),
        ".2f",
        "(report)",
    )
    add(
        "  echo+model CPU per update, ms",
        s.get("cpu_ms_per_update_model_floor"),
        s.get("cpu_ms_per_update_floor"),
        ".2f",
        "",
    )
    p50 = s.get("p50_ms")
    add(
        "latency p50, ms (paced)",
        p50,
        s.get("p50_ms_floor"),
        ".0f",
        "<= 40 ms" + verdict(None if p50 is None else p50 <= TARGETS["p50_ms"]),
    )
    add("latency p95, ms (paced)", s.get("p95_ms"), s.get("p95_ms_floor"), ".0f", "")
    p99 = s.get("p99_ms")
    add(
        "latency p99, ms (paced)",
        p99,
        s.get("p99_ms_floor"),
        ".0f",
        "<= 150 ms" + verdict(None if p99 is None else p99 <= TARGETS["p99_ms"]),
    )
    add("latency p99, ms (capacity)", s.get("capacity_p99_ms"), s.get("capacity_p99_ms_floor"), ".0f", "")
    add("peak RSS under load, MB", s.get("peak_rss_mb"), s.get("peak_rss_mb_floor"), ".0f", "")
    start = s.get("startup_s")
    add(
        "start-up to first reply, s",
        start,
        s.get("startup_s_floor"),
        ".2f",
        "<= 5 s" + verdict(None if start is None else start <= TARGETS["startup_s"]),
    )
    add("understanding p50, ms", u.get("p50_ms"), u.get("model_p50_ms"), ".1f", "")
    add("understanding p99, ms", u.get("p99_ms"), u.get("model_p99_ms"), ".1f", "")
    stored, empty = m.get("stored", {}), m.get("empty", {})
    peak = stored.get("peak_rss_mb")
    add(
        "peak RSS, 10,000 conversations, MB",
        peak,
        empty.get("peak_rss_mb"),
        ".0f",
        "<= 300 MB" + verdict(None if peak is None else peak <= TARGETS["memory_10k_mb"]),
    )
    for key, label in (("booking_sqlite", "SQLite"), ("booking_postgres", "PostgreSQL")):
        b = results.get(key)
        if not b:
            continue
        if "skipped" in b or "error" in b:
            out.append(
                (
                    f"booking race ({label})",
                    "skipped" if "skipped" in b else "FAILED",
                    "",
                    "",
                    (b.get("skipped") or b.get("error") or "")[:60],
                )
            )
            continue
        add(
            f"booking race {label}, attempts/s",
            b["spread"]["attempts_per_s"],
            b["sequential"]["attempts_per_s"],
            ".1f",
            f"overbooked: {b['overbooked_slots']}",
        )
        add(f"booking race {label}, p99 ms", b["spread"]["p99_ms"], b["sequential"]["p99_ms"], ".0f", "")
    return out


def print_table(results: dict[str, Any]) -> None:
    table = [("figure", "value", "baseline", "ratio", "target")] + rows(results)
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    print()
    print(
        "baselines: echo bot (same load, same fake server) for the load figures; the embedding model "
        "alone for understanding; an empty database for memory; sequential bookings for the race"
    )
    for n, row in enumerate(table):
        cells = (c.ljust(w) if i in (0, 4) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        print("  " + "  ".join(cells))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    mach = results["machine"]
    print(
        f"\n  {results['date']}  {mach['cores']} cores ({mach['cpu']}), Python {mach['python']}, load average "
        f"{mach['load_average'][0]} at the start, {mach['load_average_end'][0]} at the end; "
        f"{results['seconds']:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in results['section_seconds'].items())})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-postgres", action="store_true", help="skip the booking race on PostgreSQL")
    parser.add_argument("--details", action="store_true", help="also print the per-phase load table")
    args = parser.parse_args()
    results = asyncio.run(run_all(args.quick, not args.no_postgres))
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, default=str)
    (RESULTS / "latest.json").write_text(text)
    (RESULTS / f"{results['date'].replace(':', '')}.json").write_text(text)
    if args.details and "summary" in results.get("load", {}):
        print()
        print_load(results["load"])
        for key in ("booking_sqlite", "booking_postgres"):
            if results.get(key):
                print_booking(results[key])
    print_table(results)
    print(f"\n  written: {RESULTS.relative_to(ROOT) / 'latest.json'}")


if __name__ == "__main__":
    main()
