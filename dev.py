#!/usr/bin/env python3
"""The two quick-start commands, needing nothing but Python 3.11:

    python3 dev.py chat     talk to the bot in this terminal (SQLite file, no token, no services)
    python3 dev.py test     run the whole test suite in 4 processes (SQLite, and PostgreSQL when it
                            is reachable; with CI=true PostgreSQL and Redis are required)

Both create .venv/ and install into it, the first time and whenever pyproject.toml or
requirements.lock change, exactly the versions in requirements.lock (hash-checked), then the
project itself. Anything after the command is passed on: `python3 dev.py test -k places`,
`python3 dev.py chat --lang ar`, `python3 dev.py bot check`.

    python3 dev.py lock     refresh requirements.lock from pyproject.toml (newest allowed releases;
                            review the diff like code)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed-sha256"
LOCK = ROOT / "requirements.lock"
LOCK_TOOLS = ROOT / ".venv-lock"  # pip-tools, only for `dev.py lock`
LOCK_COMMAND = [
    "--quiet",
    "--generate-hashes",
    "--extra",
    "test",
    "--allow-unsafe",
    "--all-build-deps",
    "--strip-extras",
    "--no-emit-index-url",
    "--no-emit-find-links",
    "--output-file",
    "requirements.lock",
    "pyproject.toml",
]


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        raise SystemExit("Python 3.11 or newer is needed (this is %s)" % sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing requirements.lock into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--require-hashes", "-r", str(LOCK)], check=True)
    # The project itself, built with the locked setuptools rather than a fresh download.
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted)


def refresh_lock() -> int:
    tools_python = LOCK_TOOLS / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not tools_python.exists():
        venv.EnvBuilder(with_pip=True).create(LOCK_TOOLS)
        subprocess.run([str(tools_python), "-m", "pip", "install", "--quiet", "pip-tools"], check=True)
    os.chdir(ROOT)
    return subprocess.call([str(tools_python), "-m", "piptools", "compile", *LOCK_COMMAND])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("chat", "test", "bot", "lock"):
        print(__doc__)
        return 2
    if argv[0] == "lock":
        return refresh_lock()
    ensure_environment()
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "chat":
        args = [str(PYTHON), "-m", "bot", "chat", *rest]
    elif command == "bot":
        args = [str(PYTHON), "-m", "bot", *rest]
    else:
        # Four test processes (pytest-xdist): the e2e tests wait on sockets as much as they
        # compute, so four beat two on a 2-core machine. `-n 0` runs them in this process.
        workers = [] if any(a in ("-n", "--numprocesses") or a.startswith("-n") for a in rest) else ["-n", "4"]
        args = [str(PYTHON), "-m", "pytest", *workers, *rest]
    return subprocess.call(args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
