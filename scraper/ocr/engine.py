"""Read the text of an image with RapidOCR and its bundled PP-OCR ONNX models (CPU, offline).

RapidOCR and onnxruntime come with the optional extra ``fitarchive[ocr]`` and are
imported only when an engine is built, so the core install works without them.
The engine is given the model files inside the installed package explicitly: it
never downloads anything. Imports ``scraper.errors`` and the OCR records and layout.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import math
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from scraper.errors import ScraperError
from scraper.ocr.layout import order_lines
from scraper.ocr.records import ImageReading, OcrLine

__all__ = ["OcrEngine", "OcrImageError", "OcrUnavailable", "engine_version", "ocr_available"]

log = logging.getLogger(__name__)

INSTALL_HINT = "install it with `pip install 'fitarchive[ocr]'`"
# The models shipped inside the rapidocr wheel (its models/ folder).
DET_MODEL = "PP-OCRv6_det_small"
REC_MODEL = "PP-OCRv6_rec_small"
# Images smaller than this (either side, pixels) hold no readable routine.
MIN_SIDE = 16
# Larger images are scaled down to this longest side before reading (pixels).
MAX_SIDE = 2000
# The text probe runs detection alone on the image scaled to this longest side (pixels)...
PROBE_SIDE = 640
# ...and counts a box as a text line when it is at most this share of the image's height
# and not much narrower than it is tall: on photos without text the detector outlines
# whole colour fields or thin upright edges, never line-shaped boxes.
PROBE_MAX_LINE_SHARE = 1 / 3
PROBE_MIN_ASPECT = 0.8


# onnxruntime threads per model (intra- and inter-op). One thread read cards about a
# third faster than two on a 2-core machine that other jobs share (BENCHMARKS.md);
# None leaves onnxruntime's default (one per physical core).
THREADS = 1


class OcrUnavailable(ScraperError):
    """The OCR extra (RapidOCR + onnxruntime) or its bundled models are not installed."""

    exit_code = 2


class OcrImageError(ScraperError):
    """The bytes given to the engine are not an image it can decode."""


def ocr_available() -> bool:
    """Say whether the OCR extra is installed (without loading any model)."""
    try:
        _model_dir()
    except OcrUnavailable:
        return False
    return True


def _model_dir() -> Path:
    """Return the folder of RapidOCR's bundled models, without importing RapidOCR.

    :raises OcrUnavailable: rapidocr or onnxruntime is missing, or a model file is.
    """
    locations: list[str] = []
    for package in ("onnxruntime", "rapidocr"):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            raise OcrUnavailable(f"OCR is not installed ({package} is missing): {INSTALL_HINT}")
        locations = list(spec.submodule_search_locations)
    folder = Path(locations[0]).resolve() / "models"
    for name in (DET_MODEL, REC_MODEL):
        if not (folder / f"{name}.onnx").is_file():
            raise OcrUnavailable(f"RapidOCR's bundled model {name}.onnx is missing in {folder}: "
                                 f"reinstall it with `pip install --force-reinstall 'fitarchive[ocr]'`")
    return folder


def engine_version() -> str:
    """Return the version that marks a reading: RapidOCR's package version and model names.

    Computed without loading any model or importing RapidOCR, so a run can tell
    what is left to read before it starts an engine.

    :raises OcrUnavailable: the OCR extra or one of its bundled models is missing.
    """
    _model_dir()
    return f"{metadata.version('rapidocr')}/{DET_MODEL}+{REC_MODEL}"


class OcrEngine:
    """An OCR engine that loads its models once and reads images one by one.

    ``name`` and ``version`` identify what read an image (package version and model
    names), so a reading can be redone when either changes.

    :raises OcrUnavailable: the OCR extra is not installed.
    """

    name = "rapidocr"

    @classmethod
    def identity(cls) -> tuple[str, str]:
        """Return ``(name, version)`` of the readings this engine makes, loading no model."""
        return cls.name, engine_version()

    def __init__(self, *, threads: int | None = THREADS) -> None:
        folder = _model_dir()
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable(f"OCR cannot be loaded ({exc}): {INSTALL_HINT}") from exc

        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.model_root_dir": str(folder),
            "Global.max_side_len": MAX_SIDE,
            "Det.model_path": str(folder / f"{DET_MODEL}.onnx"),
            "Rec.model_path": str(folder / f"{REC_MODEL}.onnx"),
            # cards are upright: the 180-degree classifier costs time and flips short lines
            "Global.use_cls": False,
        }
        if threads:
            for part in ("intra_op_num_threads", "inter_op_num_threads"):
                params[f"EngineConfig.onnxruntime.{part}"] = threads
        self._ocr = RapidOCR(params=params)
        # A second, detection-only pipeline at low resolution (the detection model is 10 MB).
        # One thread: a second thread pool would spin beside the full pipeline's.
        self._probe = RapidOCR(params={
            **{key: value for key, value in params.items() if not key.startswith("Rec.")},
            "Global.use_rec": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": PROBE_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })
        self.version = engine_version()

    def read(self, image: bytes) -> ImageReading:
        """Read the text of ``image`` (PNG, JPEG, GIF, WebP... bytes), lines in reading order.

        A photo without text gives a reading with no lines: a quick detection on a
        small copy (see ``may_have_text``) finds no text line and ends the work there.

        :raises OcrImageError: the bytes are not a decodable image.
        """
        picture = _decode(image)
        if min(picture.size) < MIN_SIDE or not self._probe_lines(picture):
            return self._reading([])
        result = self._ocr(picture)
        boxes = getattr(result, "boxes", None)
        texts = getattr(result, "txts", None)
        scores = getattr(result, "scores", None)
        if boxes is None or texts is None or scores is None:
            return self._reading([])
        lines = [
            OcrLine(text=str(text).strip(), confidence=round(float(score), 4),
                    box=tuple((round(float(x), 1), round(float(y), 1)) for x, y in box))
            for box, text, score in zip(boxes, texts, scores, strict=True)
            if str(text).strip()
        ]
        return self._reading(order_lines(lines))

    def may_have_text(self, image: bytes) -> bool:
        """Say whether the quick probe finds a text line in ``image`` (a full read follows only then).

        :raises OcrImageError: the bytes are not a decodable image.
        """
        picture = _decode(image)
        return min(picture.size) >= MIN_SIDE and self._probe_lines(picture) > 0

    def _probe_lines(self, picture: Any) -> int:
        """Count line-shaped boxes that detection finds on a copy at most PROBE_SIDE pixels."""
        picture = picture.copy()
        picture.thumbnail((PROBE_SIDE, PROBE_SIDE))
        boxes = getattr(self._probe(picture), "boxes", None)
        if boxes is None:
            return 0
        lines = 0
        for box in boxes:
            (x0, y0), (x1, y1), _, (x3, y3) = box[:4]
            width, height = math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)
            lines += height <= picture.height * PROBE_MAX_LINE_SHARE and width >= PROBE_MIN_ASPECT * height
        return lines

    def _reading(self, lines: list[OcrLine]) -> ImageReading:
        return ImageReading.from_lines(lines, engine=self.name, engine_version=self.version)


def _decode(image: bytes) -> Any:
    """Decode image bytes to an upright RGB Pillow image (first frame of an animation).

    :raises OcrImageError: not an image Pillow can decode (the message names no buffer).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as opened:
            opened.seek(0)
            upright = ImageOps.exif_transpose(opened)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                return flat
            return upright.convert("RGB")
    except UnidentifiedImageError:
        raise OcrImageError("not an image (no image format recognised)") from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise OcrImageError(f"not a readable image: {_without_object_names(str(exc))}") from exc


def _without_object_names(message: str) -> str:
    """Drop ``<... object at 0x...>`` from a library's message (it names a memory buffer)."""
    return re.sub(r"\s*<[^<>]* object at 0x[0-9a-fA-F]+>", "", message).strip() or "cannot decode it"
