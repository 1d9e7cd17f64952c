"""The extractors against the real WordPress snapshot in scraper/sample_blog/.

The snapshot's manifest is the ground truth written by the harness that made
the site. Threads deeper than ``thread_comments_depth`` are shown flattened in
HTML, so those comments are only checked for their depth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from scraper.extract import extract_comment_page, extract_post_page
from scraper.extract.dates import parse_date
from scraper.records import Comment

SAMPLE = Path(__file__).resolve().parent.parent / "scraper" / "sample_blog"

pytestmark = pytest.mark.skipif(
    not (SAMPLE / "manifest.json").exists(), reason="no sample_blog snapshot"
)


def _load() -> tuple[dict[str, Any], dict[str, Any]]:
    manifest = json.loads((SAMPLE / "manifest.json").read_text())
    urls = json.loads((SAMPLE / "urls.json").read_text())
    return manifest, urls


def _fetch(urls: dict[str, Any], url: str) -> bytes:
    return (SAMPLE / "site" / unquote(urls[url]["file"])).read_bytes()


def _posts() -> list[dict[str, Any]]:
    if not (SAMPLE / "manifest.json").exists():
        return []
    return list(_load()[0]["posts"])


def _all_comments(
    urls: dict[str, Any], post_url: str, first: tuple[Comment, ...], pages: tuple[str, ...]
) -> dict[str, Comment]:
    found = {c.remote_id: c for c in first}
    todo, seen = list(pages), {post_url}
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        result = extract_comment_page(_fetch(urls, url), url)
        assert result.post_url == post_url
        for comment in result.comments:
            found.setdefault(comment.remote_id, comment)
        todo.extend(result.comment_page_urls)
    return found


@pytest.mark.parametrize("expected", _posts(), ids=lambda p: p["key"])
def test_sample_post_matches_manifest(expected: dict[str, Any]) -> None:
    manifest, urls = _load()
    url = expected["url"]
    post = extract_post_page(_fetch(urls, url), url, content_type=urls[url]["content_type"])
    assert post is not None
    assert post.url == url
    assert post.title == expected["title"]
    assert post.remote_id == str(expected["id"])
    assert post.is_protected == expected["protected"]
    assert post.author is not None
    assert (post.author.name, post.author.slug, post.author.url) == (
        expected["author"]["name"],
        expected["author"]["slug"],
        expected["author"]["url"],
    )
    assert post.published_at == parse_date(expected["date_gmt"])
    assert sorted(t.name for t in post.terms if t.kind == "category") == sorted(
        expected["categories"]
    )
    assert sorted(t.name for t in post.terms if t.kind == "tag") == sorted(expected["tags"])
    # A post split with <!--nextpage--> shows only its first page at its URL.
    pages = expected.get("page_sentences") or []
    for snippet in pages[0] if len(pages) > 1 else expected.get("body_contains", []):
        assert snippet in post.body_text
    for marker in manifest["hidden"]["markers"]:
        assert marker not in post.body_html and marker not in post.body_text

    wanted = [
        (
            i["position"],
            i["role"],
            i["url"],
            i["alt"],
            i["caption"],
            i["heading"],
            i["width"],
            i["height"],
        )
        for i in expected["images"]
        if not expected["protected"] or i["role"] == "featured"
    ]
    got = [
        (i.position, i.role, i.url, i.alt, i.caption, i.heading, i.width, i.height)
        for i in post.images
    ]
    assert got == wanted

    comments = _all_comments(urls, url, post.comments, post.comment_page_urls)
    assert set(comments) == {str(c["id"]) for c in expected["comments"]}
    max_depth = manifest["settings"]["thread_comments_depth"]
    for want in expected["comments"]:
        got_comment = comments[str(want["id"])]
        if want["depth"] <= max_depth:
            parent = str(want["parent"]) if want["parent"] else None
            assert (got_comment.parent_remote_id, got_comment.depth) == (parent, want["depth"])
        else:  # shown flattened at the deepest level
            assert got_comment.depth == max_depth
        assert got_comment.author_name == want["author_name"]
        # Only web addresses are kept as a commenter's URL (a mailto: or tel: one is dropped).
        want_url = want["author_url"] if (want["author_url"] or "").startswith(("http://", "https://")) else ""
        assert (got_comment.author_url or "") == want_url
        assert got_comment.comment_type == want["type"]
        assert got_comment.is_post_author == want["is_post_author"]
        if want["type"] == "comment":
            assert got_comment.published_at == parse_date(want["date_gmt"])
            assert " ".join(got_comment.body_text.split()) == " ".join(want["text"].split())


def test_sample_pages_and_listings_are_not_posts() -> None:
    manifest, urls = _load()
    base = manifest["base_url"]
    checked = 0
    for url in [p["url"] for p in manifest["pages"]] + [base, base + "page/2/"]:
        if url in urls:
            assert extract_post_page(_fetch(urls, url), url) is None, url
            checked += 1
    assert checked >= 2
