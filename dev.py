#!/usr/bin/env python3
"""The two quick-start commands, needing nothing but Python 3.11:

    python3 dev.py chat     talk to the bot in this terminal (SQLite file, no token, no services)
    python3 dev.py test     run the whole test suite (SQLite, and PostgreSQL when it is reachable;
                            with CI=true PostgreSQL and Redis are required)

Both create .venv/ and install the project into it the first time (and again when pyproject.toml
changes). Anything after the command is passed on: `python3 dev.py test -k places`,
`python3 dev.py chat --lang ar`, `python3 dev.py bot check`.
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
STAMP = VENV / ".installed-pyproject-sha256"


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        raise SystemExit("Python 3.11 or newer is needed (this is %s)" % sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing dependencies into .venv ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("chat", "test", "bot"):
        print(__doc__)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if command == "chat":
        args = [str(PYTHON), "-m", "bot", "chat", *rest]
    elif command == "bot":
        args = [str(PYTHON), "-m", "bot", *rest]
    else:
        args = [str(PYTHON), "-m", "pytest", *rest]
    return subprocess.call(args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
