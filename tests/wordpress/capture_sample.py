"""Capture a static snapshot of the harness site into scraper/sample_blog/.

    .venv/bin/python tests/wordpress/capture_sample.py

Starts the harness on the fixed origin http://127.0.0.1:8089 (classic theme, pretty
permalinks) and mirrors robots.txt, the sitemaps, the home page (and its page 2),
every published post with each of its /N/ (split post) and /comment-page-N/ pages, the pages, /feed/
and every upload referenced from those (src, srcset and links). Nothing is
rewritten: absolute URLs keep pointing at http://127.0.0.1:8089.

Layout written:
    scraper/sample_blog/origin.txt      the origin captured
    scraper/sample_blog/manifest.json   the harness manifest (ground truth)
    scraper/sample_blog/urls.json       every captured URL -> file, status, content type
    scraper/sample_blog/site/...        URL paths (percent-decoded, as a static file server
                                        maps them); "directory" URLs as <path>/index.html
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import urllib.parse
from pathlib import Path
from xml.etree import ElementTree

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from wordpress.harness import WordPressHarness  # noqa: E402

PORT = 8089
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def file_for(url: str, origin: str) -> str:
    """Relative file path for a URL of the origin."""
    parts = urllib.parse.urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or parts.query:
        raise ValueError(f"not capturable: {url}")
    path = urllib.parse.unquote(parts.path)
    if path.endswith("/"):
        path += "index.html"
    rel = path.lstrip("/")
    if not rel or ".." in Path(rel).parts:
        raise ValueError(f"bad path: {url}")
    return rel


class Capture:
    def __init__(self, origin: str, site_dir: Path) -> None:
        self.origin = origin
        self.site_dir = site_dir
        self.client = httpx.Client(timeout=60, follow_redirects=False)
        self.index: dict[str, dict[str, object]] = {}

    def get(self, url: str) -> httpx.Response:
        url = urllib.parse.urldefrag(url)[0]
        r = self.client.get(url)
        if r.status_code != 200:
            raise RuntimeError(f"{url} answered {r.status_code}")
        if url not in self.index:
            rel = file_for(url, self.origin)
            target = self.site_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(r.content)
            self.index[url] = {
                "file": rel,
                "status": r.status_code,
                "content_type": r.headers.get("content-type", ""),
                "bytes": len(r.content),
            }
        return r

    def uploads_in(self, body: str) -> set[str]:
        """Upload URLs referenced by a page or feed: img src, srcset candidates, links."""
        prefix = re.escape(self.origin + "/wp-content/uploads/")
        return set(re.findall(prefix + r"""[^"'\s<>,)#?]+""", body))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "scraper" / "sample_blog")
    args = parser.parse_args()
    out: Path = args.out

    harness = WordPressHarness(port=PORT)
    harness.start()
    try:
        harness.reset_switches()
        origin = harness.base_url
        manifest = harness.manifest
        site_dir = out / "site"
        if site_dir.exists():
            shutil.rmtree(site_dir)
        site_dir.mkdir(parents=True)
        cap = Capture(origin, site_dir)

        html_pages: list[str] = []
        cap.get(origin + "/robots.txt")
        index = cap.get(origin + "/wp-sitemap.xml")
        for loc in ElementTree.fromstring(index.content).iterfind("sm:sitemap/sm:loc", SITEMAP_NS):
            cap.get(loc.text)

        for url in (origin + "/", origin + "/page/2/"):
            html_pages.append(cap.get(url).text)
        for post in manifest["posts"]:
            html_pages.append(cap.get(post["url"]).text)
            for n in range(2, len(post.get("page_sentences") or [[]]) + 1):  # <!--nextpage--> pages
                html_pages.append(cap.get(f"{post['url']}{n}/").text)
            if post["comments"]:
                for n in range(1, post["comment_pages"] + 1):
                    html_pages.append(cap.get(f"{post['url']}comment-page-{n}/").text)
        for page in manifest["pages"]:
            html_pages.append(cap.get(page["url"]).text)
        html_pages.append(cap.get(origin + "/feed/").text)

        uploads: set[str] = set()
        for body in html_pages:
            uploads |= cap.uploads_in(body)
        for url in sorted(uploads):
            cap.get(url)

        markers = manifest["hidden"]["markers"]
        for path in site_dir.rglob("*"):
            if path.is_file() and path.suffix in ("", ".html", ".xml", ".txt"):
                text = path.read_text(errors="replace")
                leaked = [m for m in markers if m in text]
                if leaked:
                    raise RuntimeError(f"hidden content in {path}: {leaked}")

        (out / "origin.txt").write_text(origin + "\n")
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        (out / "urls.json").write_text(json.dumps(dict(sorted(cap.index.items())), indent=1, ensure_ascii=False) + "\n")
        total = sum(int(v["bytes"]) for v in cap.index.values())  # type: ignore[call-overload]
        print(f"captured {len(cap.index)} URLs, {total / 1e6:.2f} MB, from {origin} into {out}")
    finally:
        harness.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
