"""RapidOCR on real card images, offline: committed cards, photos without text, bad input.

These tests run the bundled ONNX models (a few seconds in all); the engine is built once.
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFilter

from scraper.ocr import (
    OcrEngine,
    OcrImageError,
    OcrUnavailable,
    ocr_available,
    parse_routine,
    read_files_json,
)

CARDS = Path(__file__).resolve().parent / "fixtures" / "routine_cards"
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.ocr


def _no_network(*_args: Any, **_kwargs: Any) -> None:
    raise OSError("network access is blocked in this test")


@pytest.fixture(scope="module")
def engine() -> Iterator[OcrEngine]:
    """An engine built, and every test using it run, with sockets unable to connect."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        patch.setattr(socket.socket, "connect_ex", _no_network)
        patch.setattr(socket, "create_connection", _no_network)
        yield OcrEngine()


def _truth(name: str) -> dict[str, Any]:
    return json.loads((CARDS / f"{name}.json").read_text())


def _card(name: str) -> Path:
    return next(p for p in CARDS.glob(f"{name}.*") if p.suffix != ".json")


def _rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["exercise"].lower(), r["sets"], r["reps"], r["rest_seconds"]) for r in rows]


def test_the_extra_is_installed_with_its_bundled_models() -> None:
    assert ocr_available()


def test_reads_a_table_card_offline_into_rows(engine: OcrEngine) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))  # the block is in force
    reading = engine.read(_card("table-card").read_bytes())
    assert reading.engine == "rapidocr"
    assert reading.engine_version.startswith("3.") and "PP-OCRv6" in reading.engine_version
    assert reading.mean_confidence is not None and 0.5 < reading.mean_confidence <= 1
    assert reading.text == "\n".join(line.text for line in reading.lines)
    assert all(len(line.box) == 4 for line in reading.lines)
    rows = [(r.exercise.lower(), r.sets, r.reps, r.rest_seconds) for r in parse_routine(reading)]
    assert rows == _rows(_truth("table-card")["rows"])


def test_reads_a_two_column_card_column_by_column(engine: OcrEngine) -> None:
    truth = _truth("two-column-card")
    [result] = list(read_files_json([_card("two-column-card")], engine=engine))
    assert set(result) == {"file", "text", "lines", "rows"}
    assert result["file"].endswith("two-column-card.png")
    assert set(result["lines"][0]) == {"text", "confidence", "box"}
    assert set(result["rows"][0]) == {"exercise", "sets", "reps", "rest_seconds"}
    assert _rows(result["rows"]) == _rows(truth["rows"])
    json.dumps(result)  # the object is JSON as it is


def test_a_photo_without_text_gives_an_empty_reading(engine: OcrEngine) -> None:
    photo = Image.radial_gradient("L").resize((640, 480)).convert("RGB")
    pen = ImageDraw.Draw(photo)
    pen.ellipse((200, 120, 420, 380), fill=(90, 140, 60))
    noisy = Image.blend(photo, Image.effect_noise((640, 480), 40).convert("RGB"), 0.2)
    buffer = io.BytesIO()
    noisy.filter(ImageFilter.GaussianBlur(2)).save(buffer, "JPEG", quality=70)
    reading = engine.read(buffer.getvalue())
    assert reading.lines == () and reading.text == "" and reading.mean_confidence is None
    assert parse_routine(reading) == []


def test_the_text_probe_passes_every_card_and_stops_photos(engine: OcrEngine) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import ocr_cards

    cards = [p.read_bytes() for p in sorted(CARDS.glob("*.*g"))]
    cards += [p.read_bytes() for p in sorted((ROOT / "tests" / "wordpress" / "cards").glob("*.*g"))]
    cards += [card.image for card in ocr_cards.generate(8, seed=31)]
    uploads = ROOT / "scraper" / "sample_blog" / "site" / "wp-content" / "uploads"
    with_text = [p.read_bytes() for p in sorted(uploads.rglob("*.*g"))
                 if not p.stem.rsplit("-", 1)[-1][:1].isdigit()]  # banners with a title, not resized copies
    assert len(cards) == 15 and len(with_text) >= 20
    assert [engine.may_have_text(image) for image in cards + with_text] == [True] * len(cards + with_text)
    photos = ocr_cards.photos(8, seed=5)
    assert {kind for kind, _ in photos} == set(ocr_cards.PHOTO_KINDS)
    assert [engine.may_have_text(photo) for _, photo in photos] == [False] * 8
    assert engine.read(photos[0][1]).lines == ()


def test_a_tiny_image_is_read_as_empty_without_ocr(engine: OcrEngine) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(buffer, "PNG")
    assert engine.read(buffer.getvalue()).lines == ()


def test_bytes_that_are_not_an_image_raise_a_clear_error(engine: OcrEngine) -> None:
    with pytest.raises(OcrImageError) as not_image:
        engine.read(b"<html>not an image</html>")
    assert str(not_image.value) == "not an image (no image format recognised)"
    png = io.BytesIO()
    Image.effect_noise((200, 200), 50).save(png, "PNG")
    with pytest.raises(OcrImageError) as truncated:
        engine.read(png.getvalue()[:400])
    message = str(truncated.value)
    assert message.startswith("not a readable image: ") and "0x" not in message and "BytesIO" not in message


def test_files_that_cannot_be_read_give_error_objects_and_the_rest_is_read(
        engine: OcrEngine, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    files = [tmp_path / "nope.png", broken, _card("list-card")]
    missing, bad, card = read_files_json(files, engine=engine)
    assert missing["file"].endswith("nope.png") and missing["error"].startswith("cannot read the file: ")
    assert bad == {"file": str(broken), "error": "not an image (no image format recognised)"}
    assert "error" not in card and _rows(card["rows"]) == _rows(_truth("list-card")["rows"])


def test_without_the_extra_the_engine_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    assert not ocr_available()
    with pytest.raises(OcrUnavailable, match=r"pip install 'fitarchive\[ocr\]'"):
        OcrEngine()


def test_importing_the_package_loads_no_ocr_library() -> None:
    code = ("import sys, scraper.ocr, scraper.ocr.routine; "
            "print(sorted(m for m in ('rapidocr', 'onnxruntime', 'cv2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"


THREADS_AFTER_A_READ = """
import os, sys
from scraper.ocr import OcrEngine
engine = OcrEngine({args})
engine.read(open(sys.argv[1], "rb").read())
print(len(os.listdir("/proc/self/task")))
"""


def test_the_engine_runs_its_models_on_one_thread_unless_told_otherwise() -> None:
    def threads(args: str) -> int:
        out = subprocess.run([sys.executable, "-c", THREADS_AFTER_A_READ.format(args=args),
                              str(_card("list-card"))], cwd=ROOT, capture_output=True, text=True,
                             check=True, timeout=120)
        return int(out.stdout.split()[-1])

    one, two = threads(""), threads("threads=2")
    assert one < two  # onnxruntime starts a pool thread per session only beyond one thread
