"""The loopback WordPress harness serves what its manifest says, and its switches work."""

from __future__ import annotations

import hashlib
import html
import re
from xml.etree import ElementTree

import httpx
import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.wp

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def client(wp):
    with httpx.Client(timeout=30, follow_redirects=False) as c:
        yield c


def page_text(body: str) -> str:
    return " ".join(BeautifulSoup(body, "lxml").get_text(" ").split())


def rest_all(client: httpx.Client, url: str, **params: object) -> list[dict]:
    """Every item of a paginated REST collection."""
    items: list[dict] = []
    page = 1
    while True:
        r = client.get(url, params={**params, "per_page": 100, "page": page})
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
        items.extend(r.json())
        if page >= int(r.headers["X-WP-TotalPages"]):
            return items
        page += 1


def sitemap_urls(client: httpx.Client, base_url: str) -> list[str]:
    index = client.get(base_url + "/wp-sitemap.xml")
    assert index.status_code == 200
    urls: list[str] = []
    for loc in ElementTree.fromstring(index.content).iterfind("sm:sitemap/sm:loc", SITEMAP_NS):
        sub = client.get(loc.text)
        assert sub.status_code == 200, loc.text
        urls += [u.text for u in ElementTree.fromstring(sub.content).iterfind("sm:url/sm:loc", SITEMAP_NS)]
    return urls


def test_manifest_shape(wp):
    m = wp.manifest
    assert m["base_url"].rstrip("/") == wp.base_url
    assert m["settings"]["default_comments_page"] == "newest"
    assert m["settings"]["timezone"] != "UTC"
    posts = m["posts"]
    assert len(posts) >= 12
    assert {p["editor"] for p in posts} == {"classic", "block"}
    assert any(p["protected"] for p in posts)
    assert any(len(p["comments"]) > 100 and p["comment_pages"] > 1 for p in posts)
    depth = m["settings"]["thread_comments_depth"]
    assert any(p["max_comment_depth"] > depth for p in posts)
    roles = {img["role"] for p in posts for img in p["images"]}
    assert roles == {"featured", "body", "gallery"}
    assert any(img["width"] > 1024 for p in posts for img in p["images"])
    assert {img["mime"] for p in posts for img in p["images"]} == {"image/jpeg", "image/png"}
    shared = {}
    for p in posts:
        for img in p["images"]:
            shared.setdefault(img["url"], set()).add(p["id"])
    assert any(len(ids) > 1 for ids in shared.values()), "one image is used by two posts"
    names = {p["author"]["name"] for p in posts}
    assert any(not n.isascii() for n in names)
    types = {c["type"] for p in posts for c in p["comments"]}
    assert types == {"comment", "pingback"}
    assert any(c["is_post_author"] for p in posts for c in p["comments"])
    for p in posts:
        assert [img["position"] for img in p["images"]] == list(range(len(p["images"])))
        if p["images"] and p["images"][0]["role"] == "featured":
            assert p["images"][0]["heading"] is None
        assert p["date_gmt"].endswith("+00:00")
    assert m["pages"] and all(pg["id"] not in {p["id"] for p in posts} for pg in m["pages"])
    assert len(m["hidden"]["markers"]) >= 7


def test_serves_every_post(wp, client):
    for post in wp.manifest["posts"]:
        r = client.get(post["url"])
        assert r.status_code == 200, post["url"]
        assert f"postid-{post['id']}" in r.text
        text = page_text(r.text)
        assert post["title"] in text
        later_pages = {s for part in post["page_sentences"][1:] for s in part}
        for sentence in post["body_contains"]:
            if sentence in later_pages:  # a post split into pages: on /2/, /3/, ...
                continue
            assert sentence in text, (post["id"], sentence)
        for number, part in enumerate(post["page_sentences"][1:], start=2):
            part_text = page_text(client.get(post["url"] + f"{number}/").text)
            assert all(sentence in part_text for sentence in part), (post["id"], number)
    for page in wp.manifest["pages"]:
        r = client.get(page["url"])
        assert r.status_code == 200
        assert f"page-id-{page['id']}" in r.text


def test_images_match_manifest(wp, client):
    seen = set()
    for post in wp.manifest["posts"]:
        for img in post["images"]:
            if img["url"] in seen:
                continue
            seen.add(img["url"])
            r = client.get(img["url"])
            assert r.status_code == 200, img["url"]
            assert r.headers["content-type"] == img["mime"]
            assert hashlib.sha256(r.content).hexdigest() == img["sha256"]
            for rendition in img["renditions"].values():
                assert client.head(rendition["url"]).status_code == 200
    big = next(
        (p, img) for p in wp.manifest["posts"] for img in p["images"] if img["width"] > 1024 and img["role"] == "body"
    )
    body = client.get(big[0]["url"]).text
    srcset = re.search(r'srcset="([^"]*' + re.escape(img_stem(big[1]["url"])) + r'[^"]*)"', body)
    assert srcset, "the large body image has a srcset"
    assert big[1]["url"] + " " + str(big[1]["width"]) + "w" in srcset.group(1)


def img_stem(url: str) -> str:
    return url.rsplit("/", 1)[1].rsplit(".", 1)[0]


def test_static_files_answer_conditional_gets(wp, client):
    url = wp.manifest["posts"][0]["images"][0]["url"]
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_rest_blocking(wp, client):
    assert client.get(wp.url("/wp-json/wp/v2/posts")).status_code == 200
    wp.block_rest(True)
    for path in ("/wp-json/", "/wp-json/wp/v2/posts", "/wp-json/wp/v2/users", "/?rest_route=/wp/v2/posts"):
        r = client.get(wp.url(path))
        assert r.status_code == 401, path
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["data"]["status"] == 401
    # HTML still works.
    assert client.get(wp.manifest["posts"][0]["url"]).status_code == 200
    wp.block_rest(False)
    assert client.get(wp.url("/?rest_route=/wp/v2/posts")).status_code == 200


def test_theme_switch_changes_comment_markup(wp, client):
    post = max(wp.manifest["posts"], key=lambda p: len(p["comments"]))
    classic = client.get(post["url"]).text
    assert 'class="comment-list"' in classic
    assert "wp-block-comment-template" not in classic
    wp.set_theme("twentytwentythree")
    block = client.get(post["url"]).text
    assert "wp-block-comment-template" in block
    assert 'class="comment-list"' not in block
    wp.set_theme("twentytwentyone")
    assert 'class="comment-list"' in client.get(post["url"]).text


def test_plain_permalinks(wp, client):
    post = wp.manifest["posts"][0]
    assert wp.post_url(post["id"]) == post["url"]
    wp.set_pretty_permalinks(False)
    url = wp.post_url(post["id"])
    assert url == f"{wp.base_url}/?p={post['id']}"
    r = client.get(url)
    assert r.status_code == 200
    assert f"postid-{post['id']}" in r.text
    assert f'<link rel="canonical" href="{url}"' in r.text
    wp.set_pretty_permalinks(True)
    assert client.get(post["url"]).status_code == 200


def test_robots_switch(wp, client):
    default = client.get(wp.url("/robots.txt"))
    assert default.status_code == 200 and "wp-sitemap.xml" in default.text
    wp.set_robots_txt("User-agent: *\nDisallow: /2024/\n")
    assert client.get(wp.url("/robots.txt")).text == "User-agent: *\nDisallow: /2024/\n"
    wp.set_robots_txt(None)
    assert client.get(wp.url("/robots.txt")).text == default.text


def test_hidden_content_never_public(wp, client):
    markers = wp.manifest["hidden"]["markers"]
    urls = sitemap_urls(client, wp.base_url)
    post_urls = {p["url"] for p in wp.manifest["posts"]}
    assert post_urls <= set(urls)
    big = max(wp.manifest["posts"], key=lambda p: len(p["comments"]))
    urls += [f"{big['url']}comment-page-{n}/" for n in range(1, big["comment_pages"] + 1)]
    urls += [wp.url("/"), wp.url("/page/2/"), wp.url("/feed/"), wp.url("/comments/feed/"), wp.url("/?s=HIDDEN")]
    urls += [wp.url(f"/?p={i}") for i in wp.manifest["hidden"]["post_ids"]]
    bodies = {}
    for url in urls:
        r = client.get(url)
        assert r.status_code in (200, 404), url
        bodies[url] = r.text
    for post_id in wp.manifest["hidden"]["post_ids"]:
        assert client.get(wp.url(f"/?p={post_id}")).status_code == 404
    rest = {
        "posts": rest_all(client, wp.url("/wp-json/wp/v2/posts")),
        "pages": rest_all(client, wp.url("/wp-json/wp/v2/pages")),
        "comments": rest_all(client, wp.url("/wp-json/wp/v2/comments")),
        "media": rest_all(client, wp.url("/wp-json/wp/v2/media")),
    }
    hidden_posts = set(wp.manifest["hidden"]["post_ids"])
    hidden_comments = set(wp.manifest["hidden"]["comment_ids"])
    assert not hidden_posts & {p["id"] for p in rest["posts"]}
    assert not hidden_comments & {c["id"] for c in rest["comments"]}
    bodies["rest"] = str(rest)
    for where, body in bodies.items():
        for marker in markers:
            assert marker not in body, (marker, where)


def test_manifest_matches_rest(wp, client):
    manifest_posts = {p["id"]: p for p in wp.manifest["posts"]}
    r = client.get(wp.url("/wp-json/wp/v2/posts"), params={"per_page": 100})
    assert r.status_code == 200
    rest_posts = {p["id"]: p for p in r.json()}
    assert set(rest_posts) == set(manifest_posts)
    users = {u["id"]: u for u in rest_all(client, wp.url("/wp-json/wp/v2/users"))}
    for post_id, post in manifest_posts.items():
        rp = rest_posts[post_id]
        # twentytwentyone's the_title filter renders an empty title as "Untitled", in REST too.
        assert html.unescape(rp["title"]["rendered"]) in {post["title"], "Untitled" if not post["title"] else ""}
        assert rp["link"] == post["url"]
        assert rp["date_gmt"] + "+00:00" == post["date_gmt"]
        assert rp["date"] == post["date_local"]
        assert rp["modified_gmt"] + "+00:00" == post["modified_gmt"]
        assert rp["content"]["protected"] == post["protected"]
        assert users[rp["author"]]["name"] == post["author"]["name"]
        assert users[rp["author"]]["slug"] == post["author"]["slug"]
        featured = [img for img in post["images"] if img["role"] == "featured" or img["is_featured"]]
        assert rp["featured_media"] == (featured[0]["attachment_id"] if featured else 0)
        if post["protected"]:
            continue
        comments = rest_all(client, wp.url("/wp-json/wp/v2/comments"), post=post_id)
        expected = {c["id"]: c for c in post["comments"] if c["type"] == "comment"}
        assert {c["id"]: c["parent"] for c in comments} == {i: c["parent"] for i, c in expected.items()}
        for c in comments:
            assert c["author_name"] == expected[c["id"]]["author_name"]
            assert c["date_gmt"] + "+00:00" == expected[c["id"]]["date_gmt"]


def test_comment_threads_and_pages(wp, client):
    depth = wp.manifest["settings"]["thread_comments_depth"]
    deep = next(p for p in wp.manifest["posts"] if p["max_comment_depth"] > depth)
    body = client.get(deep["url"]).text
    shown = {int(d) for d in re.findall(r"\bdepth-(\d+)\b", body)}
    assert max(shown) == depth, "threads deeper than the setting are flattened in HTML"

    big = max(wp.manifest["posts"], key=lambda p: len(p["comments"]))
    assert len(big["comments"]) > 100
    top = [c for c in big["comments"] if c["parent"] == 0]
    first = client.get(f"{big['url']}comment-page-1/").text
    assert f'id="comment-{top[0]["id"]}"' in first
    assert f'id="comment-{top[-1]["id"]}"' not in first
    bare = client.get(big["url"]).text  # newest first: the bare URL shows the last page
    assert f'id="comment-{top[-1]["id"]}"' in bare
    assert f'id="comment-{top[0]["id"]}"' not in bare
    assert f"comment-page-{big['comment_pages'] - 1}/" in bare


def test_request_log_counts_bytes(wp, client):
    wp.clear_requests()
    post = wp.manifest["posts"][0]
    page = client.get(post["url"])
    image = client.get(post["images"][0]["url"])
    missing = client.get(wp.url("/no-such-page/"))
    log = wp.requests()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", httpx.URL(post["url"]).raw_path.decode(), 200),
        ("GET", httpx.URL(post["images"][0]["url"]).raw_path.decode(), 200),
        ("GET", "/no-such-page/", 404),
    ]
    assert [e["bytes"] for e in log] == [len(page.content), len(image.content), len(missing.content)]
    assert wp.bytes_served() == sum(e["bytes"] for e in log)
    assert wp.requests(clear=True) and wp.requests() == []


def test_content_mutations(wp, client):
    post = wp.manifest["posts"][0]
    top = post["comments"][0]
    try:
        cid = wp.add_comment(post["id"], "A fresh reply about grip strength.", parent=top["id"], author="Ada Fresh")
        comments = rest_all(client, wp.url("/wp-json/wp/v2/comments"), post=post["id"])
        assert {c["id"]: c["parent"] for c in comments}[cid] == top["id"]
        reply = wp.add_comment(post["id"], "Thanks Ada!", parent=cid, user="dana")
        assert reply > cid
        wp.trash_comment(cid)
        ids = {c["id"] for c in rest_all(client, wp.url("/wp-json/wp/v2/comments"), post=post["id"])}
        assert cid not in ids
        wp.delete_comment(reply)
        changed = wp.edit_post(post["id"], append="<p>Edited paragraph for the recrawl test.</p>")
        assert changed["modified_gmt"] > post["modified_gmt"].replace("T", " ")[:19]
        assert "Edited paragraph for the recrawl test." in client.get(post["url"]).text
        new_id = wp.add_post("Fresh Post for Recrawls", "<p>Brand new content.</p>", author="zoe", date="2024-12-01 10:00:00")
        assert client.get(wp.url(f"/?p={new_id}"), follow_redirects=True).status_code == 200
    finally:
        wp.restore_content()
    assert "Edited paragraph" not in client.get(post["url"]).text
