"""Read the type and size of downloaded image bytes with Pillow.

Only the header is read (no pixel decoding), and images above
``MAX_PIXELS`` are reported by type only, so a decompression bomb costs
nothing. Imports Pillow only.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image

__all__ = ["MAX_PIXELS", "inspect_image"]

MAX_PIXELS = 200_000_000  # about 14,000 x 14,000

_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _sniff(data: bytes) -> str | None:
    """Guess a MIME type from magic bytes (used when Pillow declines the file)."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return "image/svg+xml"
    return None


def inspect_image(data: bytes) -> tuple[str | None, int | None, int | None]:
    """Return (MIME type, width, height) of image bytes; (None, None, None) for non-images.

    SVG and over-sized images give their type with no dimensions.
    """
    if not data:
        return None, None, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                mime = Image.MIME.get(image.format or "") or _sniff(data)
    except Image.DecompressionBombError:
        return _sniff(data), None, None
    except (OSError, ValueError, SyntaxError, TypeError, EOFError):
        return _sniff(data), None, None
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        return mime, None, None
    return mime, width, height
