"""detect_platform and inspect_image."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest
from PIL import Image

from scraper.extract import detect_platform, inspect_image

HTML = Path(__file__).parent / "fixtures" / "html"


@pytest.mark.parametrize(
    "name",
    [
        "tt1-post-nested-comments.html",
        "tt3-404.html",
        "generatepress-comment-page-2.html",
        "astra-post.html",
    ],
)
def test_wordpress_pages_are_detected(name: str) -> None:
    assert detect_platform((HTML / name).read_bytes(), "https://x.example/") == "wordpress"


@pytest.mark.parametrize(
    "html",
    [
        b'<html><head><meta name="generator" content="WordPress.com" /></head></html>',
        b"<html><head><link rel='https://api.w.org/' href='https://b.example/wp-json/' /></head></html>",
        b'<html><body><img src="https://b.example/wp-content/uploads/a.jpg"></body></html>',
        b'<html><body class="post-template-default single postid-4"></body></html>',
    ],
)
def test_single_signals_suffice(html: bytes) -> None:
    assert detect_platform(html, "https://b.example/") == "wordpress"


def test_headers_can_tell() -> None:
    headers = {"Link": '<https://b.example/wp-json/>; rel="https://api.w.org/"'}
    assert detect_platform(b"<html></html>", "https://b.example/", headers) == "wordpress"


def test_other_platforms_and_generic_sites() -> None:
    html = b'<html><head><meta name="generator" content="Ghost 5.8"></head><body><p>wp-content is a word</p></body></html>'
    assert detect_platform(html, "https://g.example/") == "ghost"
    plain = b"<html><head><title>Hand-made</title></head><body><p>wp-content is a word</p></body></html>"
    assert detect_platform(plain, "https://g.example/") == "generic"
    assert detect_platform(b"", "https://g.example/", None) == "generic"


def _image(fmt: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_inspect_image_formats(fmt: str, mime: str) -> None:
    assert inspect_image(_image(fmt, (64, 40))) == (mime, 64, 40)


def test_inspect_image_non_images() -> None:
    assert inspect_image(b"") == (None, None, None)
    assert inspect_image(b"<html>404 Not Found</html>") == (None, None, None)
    assert inspect_image(b"\x00\x01garbage" * 10) == (None, None, None)
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'
    )
    assert inspect_image(svg) == ("image/svg+xml", None, None)
    truncated = _image("JPEG", (64, 40))[:20]
    assert inspect_image(truncated)[0] == "image/jpeg"


def test_inspect_image_decompression_bomb_is_not_decoded() -> None:
    # A PNG header claiming 100,000 x 100,000 pixels: reported by type only.
    out = io.BytesIO()
    Image.new("1", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = (100_000).to_bytes(4, "big") * 2
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # valid IHDR checksum
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bytes(data)))
    assert inspect_image(bytes(data)) == ("image/png", None, None)


def test_inspect_image_large_image_below_the_cap_is_measured_without_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = (12_000).to_bytes(4, "big") + (9_000).to_bytes(4, "big")  # 108 Mpx
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    assert inspect_image(bytes(data)) == ("image/png", 12_000, 9_000)
