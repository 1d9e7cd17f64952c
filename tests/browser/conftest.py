"""Browser fixtures: a real ``datasette`` process on a free loopback port, serving a
fixture archive with the command line ``fitarchive serve`` uses, and Debian's
chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive_fixture import ArchiveFixture, build_archive  # noqa: E402
from serving import free_port, serving  # noqa: E402

from scraper.publish import serve_command_args  # noqa: E402

CHROMIUM = Path(os.environ.get("FITARCHIVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@dataclass
class Server:
    base_url: str
    archive: ArchiveFixture


@dataclass
class PageWatch:
    """What a page did that it must not do: dialogs and requests off loopback."""

    dialogs: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    archive = build_archive(tmp_path_factory.mktemp("browser-archive"))
    port = free_port()
    with serving(serve_command_args(archive.db_path, port=port), port) as base_url:
        yield Server(base_url=base_url, archive=archive)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run scripts/install-test-deps.sh (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def page(browser, watch: PageWatch):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 800})

    def guard(route) -> None:  # type: ignore[no-untyped-def]
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", None) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            watch.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None
    )
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass
class FormattedServer:
    """A datasette process serving the fixture archive plus the formatted post."""

    base_url: str
    archive: ArchiveFixture
    post: object  # formatting_fixture.FormattedPost


@pytest.fixture(scope="session")
def formatted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FormattedServer]:
    from formatting_fixture import add_formatted_post

    archive = build_archive(tmp_path_factory.mktemp("formatted-archive"))
    post = add_formatted_post(archive)
    port = free_port()
    with serving(serve_command_args(archive.db_path, port=port), port) as base_url:
        yield FormattedServer(base_url=base_url, archive=archive, post=post)


#: Set to refresh the screenshots the README shows (archive/static/screenshots/).
README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "archive" / "static" / "screenshots"


@pytest.fixture(scope="session")
def readme_screenshots() -> Path | None:
    """archive/static/screenshots/ when FITARCHIVE_REFRESH_SCREENSHOTS=1, else None."""
    return README_SCREENSHOTS if os.environ.get("FITARCHIVE_REFRESH_SCREENSHOTS") == "1" else None
