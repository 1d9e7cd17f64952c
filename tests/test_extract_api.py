"""The public surface of scraper.extract and what it may import."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import scraper.extract

EXTRACT = Path(scraper.extract.__file__).parent


def test_public_names() -> None:
    assert set(scraper.extract.__all__) >= {
        "detect_platform",
        "extract_comment_page",
        "extract_post_page",
        "extract_rest_comments",
        "extract_rest_posts",
        "html_to_text",
        "inspect_image",
        "sanitize_html",
    }
    for name in scraper.extract.__all__:
        assert callable(getattr(scraper.extract, name))


def test_signatures() -> None:
    sig = inspect.signature(scraper.extract.extract_post_page)
    assert list(sig.parameters) == ["html", "url", "content_type"]
    assert sig.parameters["content_type"].kind is inspect.Parameter.KEYWORD_ONLY
    sig = inspect.signature(scraper.extract.extract_rest_comments)
    assert sig.parameters["post_author_ids"].kind is inspect.Parameter.KEYWORD_ONLY
    assert list(inspect.signature(scraper.extract.detect_platform).parameters) == [
        "html",
        "url",
        "headers",
    ]


def test_every_module_declares_all() -> None:
    for path in EXTRACT.glob("*.py"):
        module = importlib.import_module(
            f"scraper.extract.{path.stem}" if path.stem != "__init__" else "scraper.extract"
        )
        assert isinstance(getattr(module, "__all__", None), list), path.name


def test_extract_imports_only_records_errors_and_itself() -> None:
    allowed = {"scraper.records", "scraper.errors"}
    for path in EXTRACT.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name == "scraper" or name.startswith("scraper."):
                    assert name in allowed or name.startswith("scraper.extract"), (path.name, name)
