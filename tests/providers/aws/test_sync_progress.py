"""Sync progress (#15): a live display on a terminal, plain lines in a pipe or in CI.

The sync runs in a child process against moto's Cost Explorer, once with its
stderr on a pseudo-terminal (the live display redraws one line per source in
place), once with pipes (one plain line per source, no control sequences).
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from datetime import timedelta

from tests.conftest import DEMO_TODAY, PINNED_NOW
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result, queue

DAYS = [DEMO_TODAY - timedelta(days=i) for i in range(3, 0, -1)]


def _setup(aws_env: str, tmp_path):
    queue(
        aws_env,
        [
            accounts_page(DAYS, {"123456789012": "payer"}),
            breakdown_page(
                [day_result(d, [(["AWS Lambda", "us-east-1"], "1.5", "1")]) for d in DAYS]
            ),
        ],
    )
    config = tmp_path / "config.toml"
    config.write_text('[[aws.accounts]]\nname = "main"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(CLOUDSPY_NOW=PINNED_NOW, TERM="xterm-256color", COLUMNS="100", LINES="30")
    args = [sys.executable, "-m", "cloudspy", "--db", str(tmp_path / "c.duckdb"), "--config",
            str(config), "sync", "--no-resources", "--since", DAYS[0].isoformat(), "--until",
            DEMO_TODAY.isoformat()]  # fmt: skip
    return args, env


def _run_on_a_terminal(args, env) -> tuple[int, str]:
    master, slave = pty.openpty()
    child = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return child.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_the_sync_draws_a_live_line_per_source(aws_env, tmp_path):
    args, env = _setup(aws_env, tmp_path)
    code, screen = _run_on_a_terminal(args, env)
    assert code == 0, screen
    assert "AWS main" in screen and "step(s)" in screen  # the live line
    assert "\x1b[" in screen  # redrawn in place with cursor control
    assert "aws:ce:123456789012: ok, 3 day(s) fetched" in screen  # the final line


def test_in_a_pipe_or_with_no_progress_it_prints_plain_lines(aws_env, tmp_path):
    args, env = _setup(aws_env, tmp_path)
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "step(s)" not in out.stderr and "\x1b[" not in out.stderr
    assert out.stderr.count("AWS main:") == 1  # one plain line per source
    assert "aws:ce:123456789012: ok" in out.stdout


def test_ci_switches_the_live_display_off_even_on_a_terminal(aws_env, tmp_path):
    args, env = _setup(aws_env, tmp_path)
    code, screen = _run_on_a_terminal(args, {**env, "CI": "true"})
    assert code == 0, screen
    assert "step(s)" not in screen and "AWS main:" in screen
