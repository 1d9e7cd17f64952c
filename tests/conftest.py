"""Shared pytest fixtures.

`wordpress` (session): a real WordPress on 127.0.0.1 filled with the fitness blog of
tests/wordpress/populate.php; its ground truth is `wordpress.manifest`.
`wp` (function): the same harness with the switches reset to their defaults
(classic theme, REST open, pretty permalinks, WordPress's robots.txt) and an empty
request log. Tests using either are marked `@pytest.mark.wp`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from wordpress.harness import HarnessError, WordPressHarness  # noqa: E402

WP_SETUP = TESTS_DIR / "wordpress" / "setup.sh"


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPressHarness]:
    """One WordPress for the whole session; fails (never skips) when it cannot run."""
    setup = subprocess.run(["bash", str(WP_SETUP)], capture_output=True, text=True)
    if setup.returncode != 0:
        pytest.fail(
            f"tests/wordpress/setup.sh could not install WordPress (exit {setup.returncode}):\n"
            f"{setup.stdout[-3000:]}\n{setup.stderr[-3000:]}",
            pytrace=False,
        )
    harness = WordPressHarness()
    try:
        harness.start()
    except (HarnessError, OSError, subprocess.SubprocessError) as exc:
        harness.stop()
        pytest.fail(f"the WordPress harness did not start: {exc}", pytrace=False)
    try:
        yield harness
    finally:
        harness.stop()


@pytest.fixture
def wp(wordpress: WordPressHarness) -> Iterator[WordPressHarness]:
    """The session's WordPress with default switches and a cleared request log."""
    wordpress.reset_switches()
    wordpress.clear_requests()
    try:
        yield wordpress
    finally:
        wordpress.reset_switches()
