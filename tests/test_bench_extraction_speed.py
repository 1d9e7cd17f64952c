"""Smoke run of bench/extraction_speed.py on a two-page made-up corpus."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import extraction_speed

PAGE = (
    "<html><head><title>Deadlift notes {n}</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><p>Brace first, then pull the slack out of the bar, and only then push the floor "
    "away; the hips and shoulders rise together, page {n}.</p></article></body></html>"
)


def _corpus(folder: Path) -> Path:
    (folder / "html").mkdir(parents=True)
    truth = {}
    for n in (1, 2):
        (folder / "html" / f"p{n}.html.gz").write_bytes(gzip.compress(PAGE.format(n=n).encode()))
        truth[f"p{n}"] = {"url": f"https://example.org/{n}/", "articleBody": "Brace first."}
    (folder / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return folder


def test_times_the_detector_alone_and_against_a_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    missing = tmp_path / "no-eval-set"
    assert extraction_speed.main(["--corpus", str(corpus), "--eval-set", str(missing),
                                  "--passes", "1"]) == 0  # fmt: skip
    alone = capsys.readouterr().out
    assert alone.startswith("181 pages: ") and "ms/page CPU (best of 1)" in alone
    assert extraction_speed.main(["--corpus", str(corpus), "--eval-set", str(missing),
                                  "--passes", "2", "--against", str(ROOT), "--check"]) == 0  # fmt: skip
    paired = capsys.readouterr().out
    assert "181 pages: 0 of 2 pages give another text" in paired
    assert f"in {ROOT} (best of 2; ratio per pass " in paired


def test_no_set_present_is_an_error(tmp_path: Path) -> None:
    assert extraction_speed.main(["--corpus", str(tmp_path), "--eval-set", str(tmp_path)]) == 2
