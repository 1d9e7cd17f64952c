"""fitarchive as users install it: a wheel built from the source tree, installed into a
fresh virtual environment outside it, crawling the bundled sample blog and serving the
archive with the Datasette configuration that ships inside the wheel.

pip resolves the dependencies as on any machine (its cache, PyPI, or whatever
``PIP_FIND_LINKS`` / ``PIP_NO_INDEX`` point it at).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from serving import free_port, serving

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PORT = 8089  # the port the sample blog was captured on


def _clean_env() -> dict[str, str]:
    """The environment without anything pointing Python at the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    return env


@dataclass
class Installed:
    wheel: Path
    bin: Path
    workdir: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "fitarchive"), *args], cwd=self.workdir, env=self.env,
            capture_output=True, text=True, timeout=timeout, check=False,
        )


def test_every_package_directory_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("scraper", "schemas")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert config["tool"]["setuptools"]["package-dir"]["fitarchive_site"] == "archive"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(
        ROOT, source,
        ignore=shutil.ignore_patterns(".venv", ".git", "test-artifacts", "build", "*.egg-info",
                                      "__pycache__", "*.db", "*.db-*", "images", "bench"),
    )
    dist = tmp / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
         str(source)],
        capture_output=True, text=True, timeout=600, env=_clean_env(), check=False,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = dist.glob("fitarchive-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", str(wheel)],
        capture_output=True, text=True, timeout=900, env=_clean_env(), check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    workdir = tmp / "elsewhere"
    workdir.mkdir()
    return Installed(wheel=wheel, bin=venv / "bin", workdir=workdir, env=_clean_env())


def test_wheel_ships_the_datasette_configuration(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for part in ("metadata.yml", "settings.json", "plugins/post_page.py",
                 "templates/archive_post.html", "static/archive.css"):
        assert f"fitarchive_site/{part}" in names
    assert any(n.startswith("scraper/sample_blog/site/") for n in names)
    assert not any(n.endswith(".db") or "/images/" in n for n in names)


def test_installed_code_is_the_wheel_not_the_source_tree(installed: Installed) -> None:
    probe = subprocess.run(
        [str(installed.bin / "python"), "-c",
         "import scraper.publish as p; print(p.__file__); print(p.ARCHIVE_CONFIG_DIR)"],
        cwd=installed.workdir, env=installed.env, capture_output=True, text=True, check=True,
    )
    module, config = probe.stdout.split()
    assert "site-packages" in module and not module.startswith(str(ROOT))
    assert config.endswith("site-packages/fitarchive_site")


@pytest.fixture(scope="module")
def demo_db(installed: Installed) -> Iterator[Path]:
    """`fitarchive demo --no-serve` from the wheel, with the capture's port taken."""
    blocker = socket.socket()
    try:
        blocker.bind(("127.0.0.1", SAMPLE_PORT))
        blocker.listen(1)
    except OSError:
        pass  # already taken by something else: the same situation
    try:
        db = installed.workdir / "demo.db"
        result = installed.run("demo", "--no-serve", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        assert "blogs ok 1, failed 0" in result.stderr
        yield db
    finally:
        blocker.close()


@pytest.fixture(scope="module")
def served(installed: Installed, demo_db: Path) -> Iterator[str]:
    port = free_port()
    with serving([str(installed.bin / "fitarchive"), "serve", "--db", str(demo_db), "--port", str(port)],
                 port, cwd=installed.workdir, env=installed.env) as base:
        yield base


def test_demo_from_the_wheel_archives_the_sample_blog_on_a_free_port(demo_db: Path) -> None:
    import sqlite3

    with sqlite3.connect(demo_db) as conn:
        posts = conn.execute("select count(*) from posts").fetchone()[0]
        images = conn.execute("select count(*) from images where path is not null").fetchone()[0]
        urls = [r[0] for r in conn.execute("select url from posts")]
    assert posts > 0 and images > 0
    assert all(url.startswith("http://127.0.0.1:") for url in urls)


def test_serve_from_the_wheel_uses_the_shipped_metadata_and_reader_view(
    served: str, demo_db: Path
) -> None:
    home = httpx.get(served + "/", timeout=10)
    assert home.status_code == 200
    assert "Fitness blog archive" in home.text
    meta = httpx.get(served + "/-/metadata.json", timeout=10).json()
    assert meta["title"] == "Fitness blog archive"
    posts = httpx.get(
        served + "/demo/routine_images.json",
        params={"_shape": "array", "_size": "1", "image_path__notblank": "1"}, timeout=10,
    ).json()
    post_id = posts[0]["post_id"]
    page = httpx.get(f"{served}/post/{post_id}", timeout=10)
    assert page.status_code == 200
    assert 'class="post-body prose"' in page.text
    sources = re.findall(r'<img src="(/images/[^"]+)"', page.text)
    assert sources, "the reader view shows images from the image store"
    for src in sources:
        image = httpx.get(served + src, timeout=10)
        assert image.status_code == 200 and image.headers["content-type"].startswith("image/")
    css = httpx.get(served + "/static/archive.css", timeout=10)
    assert css.status_code == 200 and ".prose" in css.text
    table = httpx.get(served + "/demo/posts", timeout=10).text
    columns = re.findall(r'<th [^>]*data-column="([^"]+)"', table)
    assert columns[:2] == ["thumbnail", "title"] and "body_html" not in columns
    missing = httpx.get(served + "/no/such/page", timeout=10)
    assert missing.status_code == 404 and "archive.css" in missing.text


def test_export_from_the_wheel_streams_csv(installed: Installed, demo_db: Path) -> None:
    result = installed.run("export", "posts", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    assert "body_html" in header and "title" in header


def test_editable_install_serves_the_checkout_configuration(
    tmp_path: Path, installed: Installed
) -> None:
    """`make demo` installs the checkout with ``pip install -e``: the configuration then
    comes from the checkout's ``archive/``, both through publish and as a package."""
    source = installed.wheel.parent.parent / "src"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", "-e", str(source)],
        capture_output=True, text=True, timeout=900, env=_clean_env(), check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         ("import importlib.resources, scraper.publish as p; print(p.ARCHIVE_CONFIG_DIR); "
          "print(importlib.resources.files('fitarchive_site') / 'metadata.yml')")],
        cwd=installed.workdir, env=_clean_env(), capture_output=True, text=True, check=True,
    )
    config, metadata = probe.stdout.split()
    assert Path(config) == source / "archive"
    assert Path(metadata) == source / "archive" / "metadata.yml"


def test_demo_from_the_wheel_crawls_and_serves(installed: Installed, demo_db: Path) -> None:
    """`fitarchive demo` as the README runs it: crawl, then Datasette until stopped.
    (``demo_db`` holds the sample blog's port taken while this runs as well.)"""
    port = free_port()
    db = installed.workdir / "served-demo" / "fitness.db"
    with serving([str(installed.bin / "fitarchive"), "demo", "--db", str(db), "--port", str(port)],
                 port, cwd=installed.workdir, env=installed.env, wait_s=240) as base:
        posts = httpx.get(base + "/fitness/posts.json", params={"_shape": "array"},
                          timeout=10).json()
        assert len(posts) > 0
        assert "Fitness blog archive" in httpx.get(base + "/", timeout=10).text
