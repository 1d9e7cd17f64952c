"""A stand-in OCR engine for the OCR run's tests: the image file's bytes are its text.

A file whose text starts with BOOM cannot be decoded, HOG allocates far more memory
than the worker cap allows, DIE kills the worker process, SLOW takes a while.
``CountedEngine`` also appends a line to the file named by ``$OCR_FAKE_STARTS`` each
time an engine is built, so a test can see whether a worker started one.
Lives in its own module so the spawned OCR worker can import it.
"""

from __future__ import annotations

import os
import time

from scraper.ocr.records import ImageReading, OcrLine


class FakeEngine:
    name = "fake"
    version = "1/test"

    @classmethod
    def identity(cls) -> tuple[str, str]:
        return cls.name, cls.version

    def read(self, image: bytes) -> ImageReading:
        text = image.decode("utf-8", errors="replace")
        if text.startswith("BOOM"):
            raise ValueError("not an image")
        if text.startswith("HOG"):
            hog = bytearray(8 * 1024**3)  # 8 GiB: beyond any cap the tests set
            return ImageReading.from_lines([OcrLine(text=str(len(hog)), confidence=1.0, box=())],
                                           engine=self.name, engine_version=self.version)
        if text.startswith("DIE"):
            os._exit(3)
        if text.startswith("SLOW"):
            time.sleep(0.1)
        lines = [OcrLine(text=line, confidence=0.95, box=((0.0, 30.0 * i), (300.0, 30.0 * i),
                                                           (300.0, 30.0 * i + 25), (0.0, 30.0 * i + 25)))
                 for i, line in enumerate(t for t in text.splitlines() if t.strip() and t != "PHOTO")]
        return ImageReading.from_lines(lines, engine=self.name, engine_version=self.version)


class FakeEngineV2(FakeEngine):
    version = "2/test"


class CountedEngine(FakeEngine):
    def __init__(self) -> None:
        with open(os.environ["OCR_FAKE_STARTS"], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\n")
