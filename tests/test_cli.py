"""The command line as people and deployments use it: real processes."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot_process import bot_env
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_run_without_a_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli("run", env=bot_env(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "@BotFather" in lines[0] and "python -m bot chat" in lines[0]


@pytest.mark.parametrize(
    "variable, value",
    [
        ("STAFF_CHAT_ID", "not-a-number"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
        ("REMINDER_OFFSETS", "soon"),
        ("BOT_TOKEN", "no-colon"),
    ],
)
def test_a_bad_setting_fails_at_start_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    env = bot_env(tmp_path, BOT_TOKEN="123:abc")
    env[variable] = value
    result = run_cli("run", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("configuration error: ") and variable in result.stderr


def test_webhook_url_without_secret_is_refused(tmp_path: Path) -> None:
    result = run_cli("run", env=bot_env(tmp_path, BOT_TOKEN="123:abc", WEBHOOK_URL="https://bot.example/hook"))
    assert result.returncode == 2 and "WEBHOOK_SECRET" in result.stderr


def test_check_passes_on_the_shipped_content(tmp_path: Path) -> None:
    result = run_cli("check", env=bot_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "content ok" in result.stdout


def test_understand_prints_one_json_object_per_line(tmp_path: Path) -> None:
    result = run_cli("understand", env=bot_env(tmp_path), stdin="Wann ist das Büro offen?\nколи працює офіс\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert set(line) == {"language", "intent", "score"}
    assert lines[0]["language"] == "de" and lines[1]["language"] == "uk"
    args = run_cli("understand", "Ich brauche einen Kita-Platz", env=bot_env(tmp_path))
    assert json.loads(args.stdout)["intent"] == "kita"


def test_chat_runs_in_the_terminal_without_token_or_network(tmp_path: Path) -> None:
    result = run_cli("chat", "--lang", "de", env=bot_env(tmp_path), stdin="/office\nEving\n:quit\n")
    assert result.returncode == 0, result.stderr
    assert "Wo wohnen Sie?" in result.stdout
    assert "Bayrische Straße 135" in result.stdout


async def test_run_answers_start_against_a_bot_api_server(tmp_path: Path) -> None:
    async with FakeBotAPI() as server:
        env = bot_env(tmp_path, BOT_TOKEN=server.token, TELEGRAM_API_URL=server.base_url, LOG_LEVEL="INFO")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await server.wait_for(lambda r: r.method == "getUpdates", timeout=60)
            person = server.user(501, "Olena", language_code="de")
            await person.send("/start")
            reply = await person.wait_reply(timeout=30)
            assert "Willkommen bei lokal willkommen" in reply.text
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=30)
        server.assert_no_violations()
        log = (await process.stderr.read()).decode()
        assert process.returncode == 0, log[-2000:]
        # Start-up objects were frozen once the bot was built (bot/garbage.py): most of the heap.
        frozen = re.search(r"garbage collector: (\d+) long-lived objects frozen", log)
        assert frozen is not None and int(frozen.group(1)) > 100_000, log[-2000:]


@pytest.mark.parametrize(
    "variable, value, says",
    [
        ("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:9/nothing", "cannot reach the database"),
        ("REDIS_URL", "redis://:secret@127.0.0.1:9/0", "cannot reach Redis at redis://127.0.0.1:9/0"),
    ],
)
def test_unreachable_services_at_start_give_a_clear_error(tmp_path: Path, variable: str, value: str, says: str) -> None:
    env = bot_env(tmp_path, BOT_TOKEN="123:abc", TELEGRAM_API_URL="http://127.0.0.1:9", LOG_LEVEL="ERROR")
    env[variable] = value
    result = run_cli("run", env=env)
    assert result.returncode == 3
    assert says in result.stderr and "secret" not in result.stderr
