"""Hostile content: payloads are neutralized before storage, and the crawler stays on the site.

Part one crawls a post full of script/style/iframe/event-handler/``javascript:``/
``data:`` payloads (title, body, captions, alt text, comment authors and their
URLs) from the fault-injection server, then checks the stored rows and the
page Datasette publishes for it. Part two checks where the fetcher is willing
to go, with ``httpx.MockTransport`` so that no packet ever leaves the process:
never to a private, link-local or reserved address (unless the site itself
lives there), never off the configured site except to allowed image hosts.
"""

from __future__ import annotations

import asyncio
import re
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette
from faults.helpers import query, run_bounded
from faults.pages import WpComment, sitemap, sitemap_index, wp_post
from faults.server import FaultServer
from lxml import html as lxml_html

from scraper.config import Settings
from scraper.fetch import Fetcher
from scraper.pipeline import crawl
from scraper.publish import datasette_kwargs
from scraper.sample_site import SAMPLE_ROOT

SETTINGS = Settings(delay_s=0.0, concurrency=2, timeout_s=5, retries=0)
PNG = (SAMPLE_ROOT / "site/wp-content/uploads/2024/01/front-plank.png").read_bytes()

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "svg", "math", "frame",
                  "frameset", "base", "meta", "link", "applet", "template", "noscript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "xlink:href", "background", "cite"}
# Browsers drop ASCII tab/newline anywhere and leading C0 controls/space before reading a scheme.
_IGNORED = re.compile(r"[\t\n\r]")
BAD_SCHEME = re.compile(r"^[\x00-\x20]*(javascript|data|vbscript|file):", re.IGNORECASE)


def hostile_post(url: str, image: str) -> str:
    return wp_post(
        post_id=7001,
        url=url,
        title='<script>alert("t")</script>Deadlift <img src=x onerror=alert(2)>Day'
              '<style>h1{color:red}</style><iframe src="javascript:alert(3)"></iframe>',
        head_title="<script>alert(1)</script>Deadlift Day",
        head_extra='<meta name="description" content="&lt;script&gt;alert(30)&lt;/script&gt; excerpt">',
        body=f"""
<p onclick="alert(4)" style="background:url(javascript:alert(5))">Pull day.
 <a href="javascript:alert(6)">js link</a> <a href="JaVaScRiPt:alert(7)">mixed case</a>
 <a href=" java&#x09;script:alert(8)">entity tab</a> <a href="&#106;avascript:alert(9)">entity j</a>
 <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==">data link</a>
 <a href="vbscript:msgbox(1)">vb</a> <a href="https://good.example/ok">good link</a></p>
<script>steal(document.cookie)</script><style>p{{display:none}}</style>
<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="y.swf">
<svg onload="alert(10)"><circle/></svg><form action="https://evil.example/"><input name="q"></form>
<math><mi xlink:href="javascript:alert(11)">x</mi></math><base href="https://evil.example/">
<figure class="wp-block-image"><img src="{image}" alt='x" onerror="alert(12)' onerror="alert(13)"
 srcset="javascript:alert(14) 2x"><figcaption>Row <script>alert(15)</script>
 <a href="javascript:alert(16)">caption link</a> <b onmouseover="alert(17)">bold</b></figcaption></figure>
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline data">
<img src="javascript:alert(18)" alt="js image">
<p><a href="http://169.254.169.254/latest/meta-data/">metadata link</a></p>
""",
        comments=[
            WpComment(1, '<a href="javascript:alert(20)" class="url">Eve<script>alert(21)</script></a>',
                      '<p>Hi <img src=x onerror=alert(22)><a href="javascript:alert(23)">x</a>'
                      "<iframe src=//evil.example/></iframe></p>"),
            WpComment(2, '<a href="data:text/html,&lt;script&gt;alert(24)&lt;/script&gt;" class="url" '
                         'rel="ugc external nofollow">Mallory <b onclick=alert(25)>B</b></a>',
                      "<p>reply <style>*{display:none}</style></p>", parent=1),
            WpComment(3, '<a href="  JAVASCRIPT:alert(26)" class="url" rel="ugc external nofollow">Trudy</a>',
                      '<p><a href="vbscript:x">v</a> <a onmouseover="alert(27)" href="https://ok.example/">ok</a></p>'),
            WpComment(4, '<a href="https://ok.example/me" class="url" rel="ugc external nofollow">Okay Author</a>',
                      "<p>fine</p>"),
        ],
    )


@dataclass
class Hostile:
    db_path: Path
    post_url: str
    post_id: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    db_path = tmp_path_factory.mktemp("hostile") / "archive.db"
    with FaultServer() as server:
        post_url = server.absolute("/hostile/deadlift-day/")
        html = hostile_post(post_url, server.absolute("/wp-content/uploads/2024/01/front-plank.png"))
        server.add_page("/hostile/deadlift-day/", html.encode())
        server.list_in_sitemap("/hostile/deadlift-day/")
        report = run_bounded(lambda: crawl(db_path, server.url, replace(SETTINGS, include=("/hostile/",))), 60)
        assert report.counts.posts_new == 1, report
    post_id = query(db_path, "select id from posts where url = ?", (post_url,))[0][0]
    return Hostile(db_path, post_url, post_id)


def assert_safe_html(fragment: str, base: str, where: str) -> None:
    """No dangerous element, no event handler or style attribute, no script-capable URL."""
    if not fragment.strip():
        return
    for element in lxml_html.fragment_fromstring(fragment, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag.lower() not in DANGEROUS_TAGS, f"{where}: <{element.tag}> survived"
        for name, value in element.attrib.items():
            lowered = name.lower()
            assert not lowered.startswith("on"), f"{where}: {name}= survived on <{element.tag}>"
            assert lowered != "style", f"{where}: style= survived on <{element.tag}>"
            values = [v.strip().split(" ")[0] for v in value.split(",")] if lowered == "srcset" else [value]
            if lowered in URL_ATTRIBUTES or lowered == "srcset":
                for raw in values:
                    cleaned = _IGNORED.sub("", raw)
                    assert not BAD_SCHEME.match(cleaned), f"{where}: {name}={raw!r}"
                    scheme = urlsplit(urljoin(base, cleaned)).scheme
                    assert scheme in ("http", "https", "mailto"), f"{where}: {name}={raw!r} -> {scheme}:"


def assert_plain_text(text: str | None, where: str) -> None:
    """A text column holds no markup and no script-capable URL."""
    if not text:
        return
    assert not re.search(r"<\s*/?\s*[a-z!]", text, re.IGNORECASE), f"{where}: markup stored in text: {text!r}"
    assert not re.search(r"\bon[a-z]+\s*=", text, re.IGNORECASE), f"{where}: event handler stored in text: {text!r}"
    assert not BAD_SCHEME.match(_IGNORED.sub("", text)), f"{where}: {text!r}"


# ---------------------------------------------------------------- stored rows


def test_post_body_is_sanitized(hostile: Hostile) -> None:
    ((body_html, body_text),) = query(hostile.db_path, "select body_html, body_text from posts where id = ?",
                                      (hostile.post_id,))
    assert_safe_html(body_html, hostile.post_url, "posts.body_html")
    assert "Pull day." in body_text and "steal(" not in body_text and "display:none" not in body_text
    links = lxml_html.fragment_fromstring(body_html, create_parent="div").xpath("//a/@href")
    assert "https://good.example/ok" in links  # good links survive


def test_every_stored_html_column_is_sanitized(hostile: Hostile) -> None:
    for table, column in (("posts", "body_html"), ("post_versions", "body_html"), ("comments", "body_html")):
        for (value,) in query(hostile.db_path, f"select {column} from {table}"):
            assert_safe_html(value or "", hostile.post_url, f"{table}.{column}")


def test_title_alt_and_caption_hold_no_markup(hostile: Hostile) -> None:
    ((title, excerpt),) = query(hostile.db_path, "select title, excerpt from posts where id = ?", (hostile.post_id,))
    assert "Deadlift" in title and "Day" in title
    assert_plain_text(title, "posts.title")
    # the excerpt comes from an entity-encoded attribute: "<script>" there is text, shown escaped
    assert excerpt is None or "alert(30)" in excerpt
    for alt, caption, heading in query(hostile.db_path, "select alt, caption, heading from post_images"):
        assert_plain_text(caption, "post_images.caption")
        assert_plain_text(heading, "post_images.heading")
        # alt holds the attribute's text; '"' and '=' are just characters there
        assert alt is None or "<" not in alt


def test_comment_authors_hold_no_markup_and_only_http_urls(hostile: Hostile) -> None:
    rows = query(hostile.db_path, "select remote_id, author_name, author_url from comments order by remote_id")
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    for remote_id, name, url in rows:
        assert_plain_text(name, f"comments[{remote_id}].author_name")
        assert url is None or url.startswith(("http://", "https://")), (remote_id, url)
    assert rows[3][1:] == ("Okay Author", "https://ok.example/me")  # a good author link survives


def test_only_http_image_urls_are_stored_and_fetched(hostile: Hostile) -> None:
    urls = [row[0] for row in query(hostile.db_path, "select url from images")]
    assert urls and all(url.startswith(("http://", "https://")) for url in urls), urls
    fetched = [row[0] for row in query(hostile.db_path, "select url from fetches where kind = 'image'")]
    assert fetched and all(urlsplit(url).hostname == "127.0.0.1" for url in fetched)


def test_script_and_style_text_do_not_leak_into_titles_or_names(hostile: Hostile) -> None:
    ((title,),) = query(hostile.db_path, "select title from posts where id = ?", (hostile.post_id,))
    names = [row[0] for row in query(hostile.db_path, "select author_name from comments")]
    assert "alert(" not in title and "color:red" not in title
    assert not [name for name in names if "alert(" in (name or "")]


async def test_published_post_page_is_safe(hostile: Hostile) -> None:
    datasette = Datasette(**datasette_kwargs(hostile.db_path))
    response = await datasette.client.get(f"/post/{hostile.post_id}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    parts = soup.select("article.archive-article, section.comment-thread")
    assert parts, "the reader view shows the post"
    for part in parts:
        assert not part.find_all(sorted(DANGEROUS_TAGS))
        for element in part.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], element
            for attribute in ("href", "src", "action", "formaction"):
                value = _IGNORED.sub("", str(element.get(attribute, "")))
                assert not BAD_SCHEME.match(value), element


# ---------------------------------------------------------------- where the fetcher goes


class Recorder:
    """A MockTransport handler serving ``pages`` by URL and recording every request."""

    def __init__(self, pages: dict[str, tuple[int, bytes, dict[str, str]]]) -> None:
        self.pages = pages
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.seen.append(url)
        status, body, headers = self.pages.get(url, (404, b"not found", {"content-type": "text/html"}))
        return httpx.Response(status, content=body, headers=headers)

    def hosts(self) -> set[str]:
        return {urlsplit(url).netloc for url in self.seen}


async def _fetch_all(recorder: Recorder, urls: list[str], **kwargs: object) -> list[str | None]:
    async with Fetcher(SETTINGS, transport=httpx.MockTransport(recorder), **kwargs) as fetcher:  # type: ignore[arg-type]
        return [(await fetcher.fetch(url)).error for url in urls]


PRIVATE_URLS = [
    "http://10.0.0.1/wp-content/uploads/x.png",
    "http://169.254.169.254/latest/meta-data/",
    "http://192.168.1.1/",
    "http://172.16.5.4:8080/admin",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fd00::1]/x.png",
    "http://[::ffff:10.0.0.1]/x.png",
    "http://0.0.0.0:2375/containers/json",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_private_addresses_are_refused_before_any_request(url: str) -> None:
    recorder = Recorder({})
    (error,) = asyncio.run(_fetch_all(recorder, [url], site_host="blog.test"))
    assert error is not None and "private network address; refused" in error
    assert recorder.seen == []  # not even robots.txt


def test_loopback_and_the_sites_own_private_address_are_allowed() -> None:
    recorder = Recorder({
        "http://127.0.0.1:8089/robots.txt": (404, b"", {}),
        "http://127.0.0.1:8089/a": (200, b"ok", {"content-type": "text/plain"}),
        "http://10.1.2.3/robots.txt": (404, b"", {}),
        "http://10.1.2.3/b": (200, b"ok", {"content-type": "text/plain"}),
    })
    errors = asyncio.run(_fetch_all(recorder, ["http://127.0.0.1:8089/a", "http://10.1.2.3/b"], site_host="10.1.2.3"))
    assert errors == [None, None]


def test_host_names_resolving_to_private_addresses_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fake_getaddrinfo(self, host, port, *args, **kwargs):
        assert host == "intranet.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 0))]

    monkeypatch.setattr(asyncio.base_events.BaseEventLoop, "getaddrinfo", fake_getaddrinfo)

    async def go() -> str | None:
        async with Fetcher(SETTINGS, site_host="blog.example") as fetcher:  # real transport, fake DNS
            return (await fetcher.fetch("http://intranet.example/secret")).error

    error = asyncio.run(go())
    assert error == "intranet.example is a private network address; refused"


def test_redirect_to_a_private_address_is_refused() -> None:
    recorder = Recorder({
        "http://blog.test/robots.txt": (404, b"", {}),
        "http://blog.test/go": (302, b"", {"location": "http://169.254.169.254/latest/meta-data/"}),
    })
    (error,) = asyncio.run(_fetch_all(recorder, ["http://blog.test/go"], site_host="blog.test",
                                      allowed_hosts={"blog.test", "169.254.169.254"}))
    assert error == "redirect to a private network address (169.254.169.254) refused"
    assert recorder.hosts() == {"blog.test"}


ROBOTS_OFF_SITE = b"User-agent: *\nSitemap: https://other.example/sitemap.xml\nSitemap: http://blog.test/wp-sitemap.xml\n"


def _mock_site() -> Recorder:
    base = "http://blog.test"
    post_url = f"{base}/2024/05/01/off-site-links/"
    body = (
        f'<p>Images:</p><img src="{base}/wp-content/uploads/own.png" alt="own">'
        '<img src="https://cdn.example/i/cdn.png" alt="cdn">'
        '<img src="https://other.example/hotlink.png" alt="other">'
        '<img src="http://10.0.0.1/internal.png" alt="internal">'
        '<img src="http://169.254.169.254/latest/meta-data/iam.png" alt="metadata">'
        '<p><a href="https://other.example/read-more/">read more</a></p>'
    )
    post = wp_post(post_id=42, url=post_url, title="Off-Site Links", body=body,
                   comments=[WpComment(1, "Ann", "<p>hi</p>")],
                   head_extra='<link rel="next" href="https://other.example/2024/05/01/off-site-links/comment-page-2/">')
    post = post.replace("</ol></div>", '</ol><div class="nav-links"><a class="next page-numbers" '
                        'href="https://other.example/2024/05/01/off-site-links/comment-page-2/">Newer</a></div></div>')
    home = wp_post(post_id=1, url=f"{base}/", title="Home", body=f'<a href="{post_url}">post</a>').replace(
        "single single-post postid-1", "home blog")
    xml = {"content-type": "application/xml"}
    html = {"content-type": "text/html; charset=UTF-8"}
    png = {"content-type": "image/png"}
    return Recorder({
        f"{base}/robots.txt": (200, ROBOTS_OFF_SITE, {"content-type": "text/plain"}),
        f"{base}/": (200, home.encode(), html),
        f"{base}/wp-sitemap.xml": (200, sitemap_index([f"{base}/wp-sitemap-posts-post-1.xml",
                                                       "http://10.0.0.1/wp-sitemap-posts-post-2.xml",
                                                       "https://other.example/wp-sitemap-posts-post-3.xml"]), xml),
        f"{base}/wp-sitemap-posts-post-1.xml": (200, sitemap([post_url, "https://other.example/2024/01/01/x/"]), xml),
        post_url: (200, post.encode(), html),
        f"{base}/wp-content/uploads/own.png": (200, PNG, png),
        "https://cdn.example/i/cdn.png": (200, PNG, png),
        "https://other.example/hotlink.png": (200, PNG, png),
        "http://10.0.0.1/internal.png": (200, PNG, png),
        "http://169.254.169.254/latest/meta-data/iam.png": (200, PNG, png),
    })


def test_crawl_never_leaves_the_site_except_for_allowed_image_hosts(tmp_path: Path) -> None:
    recorder = _mock_site()
    settings = replace(SETTINGS, image_hosts=("cdn.example", "169.254.169.254"))
    db = tmp_path / "a.db"
    report = crawl(db, "http://blog.test/", settings, transport=httpx.MockTransport(recorder))
    assert report.counts.posts_new == 1
    assert recorder.hosts() <= {"blog.test", "cdn.example"}, sorted(set(recorder.seen))
    images = {url: (path, error) for url, path, error in query(db, "select url, path, error from images")}
    assert images["http://blog.test/wp-content/uploads/own.png"][0]
    assert images["https://cdn.example/i/cdn.png"][0]
    assert "not allowed" in images["https://other.example/hotlink.png"][1]
    assert "not allowed" in images["http://10.0.0.1/internal.png"][1]
    assert "private network address" in images["http://169.254.169.254/latest/meta-data/iam.png"][1]
