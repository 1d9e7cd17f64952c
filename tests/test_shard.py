"""Shards by host: rendezvous hashing moves few blogs when a shard is added, never splits a host."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.errors import UsageError
from scraper.shard import assign, parse_shard, shard_of

KEYS = [f"blog{n}.example-fitness.test" for n in range(1000)]


@pytest.mark.parametrize("count", [2, 4, 8])
def test_adding_a_shard_moves_about_one_in_n_plus_one_keys(count: int) -> None:
    before = {key: shard_of(key, count) for key in KEYS}
    after = {key: shard_of(key, count + 1) for key in KEYS}
    moved = [key for key in KEYS if before[key] != after[key]]
    expected = len(KEYS) / (count + 1)
    assert 0.7 * expected < len(moved) < 1.3 * expected
    assert all(after[key] == count for key in moved)  # keys only move to the new shard


def test_shards_are_balanced() -> None:
    sizes = Counter(shard_of(key, 4) for key in KEYS)
    assert sorted(sizes) == [0, 1, 2, 3]
    assert all(180 < size < 320 for size in sizes.values())


def test_a_host_never_spans_two_shards() -> None:
    urls = []
    for n in range(200):
        urls += [
            f"https://blog{n}.test/",
            f"https://www.blog{n}.test/2024/post/",
            f"http://BLOG{n}.test/feed",
        ]
    placed = assign(urls, 5)
    by_key: dict[str, set[int]] = {}
    for where in placed:
        by_key.setdefault(where.key, set()).add(where.shard)
    assert len(by_key) == 200
    assert all(len(shards) == 1 for shards in by_key.values())


@pytest.mark.parametrize("text", ["3", "4/4", "-1/4", "a/b", "1/0", "0/"])
def test_bad_shard_values_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_shard(text)


def test_crawl_with_a_bad_shard_says_so_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "sites.toml"
    config.write_text('[[sites]]\nurl = "http://127.0.0.1:9/"\n')
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "crawl",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "a.db"),
            "--shard",
            "5/4",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: --shard 5/4: the index must be between 0 and 3"
    ]
    assert not (tmp_path / "a.db").exists()


def test_an_empty_shard_makes_an_empty_archive(tmp_path: Path) -> None:
    config = tmp_path / "sites.toml"
    config.write_text('[[sites]]\nurl = "http://127.0.0.1:9/"\n')
    shard = shard_of("127.0.0.1:9", 2)
    db_path = tmp_path / "a.db"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "crawl",
            "--config",
            str(config),
            "--db",
            str(db_path),
            "--shard",
            f"{1 - shard}/2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "no blogs in this shard" in done.stderr
    assert db_path.stat().st_size > 0


def test_plan_prints_each_blog_with_its_key_and_shard(tmp_path: Path) -> None:
    config = tmp_path / "sites.toml"
    urls = [f"https://blog{n}.test/" for n in range(12)] + ["https://www.blog3.test/other/"]
    config.write_text("".join(f'[[sites]]\nurl = "{url}"\n' for url in urls))
    result = CliRunner().invoke(cli, ["plan", "--config", str(config), "--shards", "3"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [line[0] for line in lines] == urls
    assert all(line[2] == str(shard_of(line[1], 3)) for line in lines)
    assert lines[3][1] == lines[12][1] == "blog3.test" and lines[3][2] == lines[12][2]
    as_json = CliRunner().invoke(cli, ["plan", "--config", str(config), "--shards", "3", "--json"])
    assert [row["shard"] for row in json.loads(as_json.stdout)] == [int(line[2]) for line in lines]
