"""Shared helpers of the benchmarks: processes, /proc figures, percentiles, the machine.

Nothing here measures anything by itself; bench/load.py, bench/run.py and friends use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = sys.executable
STAFF_CHAT_ID = -1001000000001
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Variables of the developer's environment that must not leak into a benchmarked bot.
_SCRUBBED = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "STAFF_CHAT_ID",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "REDIS_URL",
    "TRANSLATOR",
    "TRANSLATOR_API_KEY",
    "TRANSLATOR_URL",
    "LOG_LEVEL",
    "TELEGRAM_API_URL",
)


def bot_env(*, token: str, api_url: str, db_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(
        {
            "BOT_TOKEN": token,
            "TELEGRAM_API_URL": api_url,
            "LOG_LEVEL": "WARNING",
            "TRANSLATOR": "none",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if db_url is not None:
        env["DATABASE_URL"] = db_url
    env.update(extra)
    return env


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


# --- /proc ------------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS), RssAnon and RssFile (file-backed, e.g. the mmap'd embedding model)
    of a live process, in kB."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def proc_cpu_seconds(pid: int) -> float | None:
    """user + system CPU time of a live process (all its threads), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds of a live process: its main thread (the event loop) and all other threads
    (database connections, the understanding worker and its OpenMP threads)."""
    out: dict[str, float] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as handle:
                raw = handle.read()
        except OSError:
            continue
        fields = raw.rsplit(")", 1)[1].split()
        key = "event loop" if tid == str(pid) else "other threads"
        out[key] = out.get(key, 0.0) + (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return out


def own_cpu_seconds() -> float:
    return time.process_time()


# --- statistics -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return value / base


# --- machine ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


# --- processes --------------------------------------------------------------------------------


@dataclass
class Child:
    """A bot process started by a benchmark; `stop()` ends it with SIGTERM (then SIGKILL)."""

    process: asyncio.subprocess.Process
    started_at: float  # time.perf_counter() just before the exec
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_rss_mb(self) -> float | None:
        hwm = proc_status(self.pid).get("VmHWM")
        return None if hwm is None else hwm / 1024

    def rss_mb(self) -> float | None:
        rss = proc_status(self.pid).get("VmRSS")
        return None if rss is None else rss / 1024

    def rss_parts_mb(self) -> dict[str, float]:
        """RssAnon (the process's own heap) and RssFile (mapped files, reclaimable)."""
        status = proc_status(self.pid)
        return {key: status[key] / 1024 for key in ("RssAnon", "RssFile") if key in status}

    def cpu_seconds(self) -> float | None:
        return proc_cpu_seconds(self.pid)

    def thread_cpu_seconds(self) -> dict[str, float]:
        return thread_cpu_seconds(self.pid)

    def alive(self) -> bool:
        return self.process.returncode is None

    async def stop(self, timeout: float = 20.0) -> int | None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        return self.process.returncode

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the benchmark process dies (Linux), so a bot under
    test never outlives an interrupted benchmark, polling a fake server that is gone."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


async def spawn(args: list[str], env: dict[str, str], log_path: Path) -> Child:
    """Start `python <args>` in the project root, stdout+stderr to `log_path`."""
    log = open(log_path, "wb")  # noqa: SIM115 - the child owns it until it exits
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        PYTHON, *args, cwd=ROOT, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT, preexec_fn=_die_with_parent
    )
    log.close()
    return Child(process, started, log_path)


def fmt(value: float | None, spec: str = ".1f", unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:{spec}}{unit}"
