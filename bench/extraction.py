"""Extraction: speed on the generated WordPress pages, body quality on a public corpus.

Speed: ms/page of fitarchive's WordPress extractor (``extract_post_page``: title,
body, images, comments with parents) and of its generic extractor when one
exists, against trafilatura, on the same generated post pages.

Quality: on the article-extraction-benchmark corpus (html/<id>.html.gz and
ground-truth.json with ``articleBody``), token-shingle precision, recall and
F1 (4-grams of lower-cased word tokens, as multisets), per page and averaged
over pages, for fitarchive's generic extractor (or ``extract_post_page`` while
there is none), trafilatura (default, favor_precision, fast) and
readability-lxml, in the same run. The corpus is read in place, never copied.

Usage::

    python bench/extraction.py --corpus ../shared/corpora/article-extraction-benchmark --limit 181
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common  # noqa: E402

DEFAULT_CORPUS = common.ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark"
GENERIC_NAMES = ("extract_article_text", "extract_generic", "extract_article", "extract_generic_page", "extract_article_page")
_TOKEN = re.compile(r"\w+", re.UNICODE)


# ---------------------------------------------------------------- scoring


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def score(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predicted text's shingles against the truth's."""
    pred, gold = shingles(predicted), shingles(truth)
    if not gold and not pred:
        return 1.0, 1.0, 1.0
    overlap = sum((pred & gold).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# ---------------------------------------------------------------- extractors


def _body_text(post: Any) -> str:
    if post is None:
        return ""
    return str(getattr(post, "body_text", "") or "")


def fitarchive_generic() -> tuple[str, Callable[[bytes, str], str], bool]:
    """The generic extractor if scraper.extract has one, else extract_post_page (pending)."""
    import scraper.extract as extract

    exported = [n for n in getattr(extract, "__all__", []) if re.fullmatch(r"extract_(generic|article)\w*", n)]
    for name in [*GENERIC_NAMES, *exported]:
        func = getattr(extract, name, None)
        if callable(func):
            def run(html: bytes, url: str, _f: Any = func) -> str:
                result = _f(html, url)
                return result if isinstance(result, str) else _body_text(result)
            return f"fitarchive {name}", run, True
    return ("fitarchive extract_post_page (generic extractor pending)",
            lambda html, url: _body_text(extract.extract_post_page(html, url)), False)


def quality_extractors() -> list[tuple[str, Callable[[bytes, str], str]]]:
    import lxml.html
    import trafilatura
    from readability import Document

    def readability_text(html: bytes, url: str) -> str:
        summary = Document(html, url=url).summary(html_partial=True)
        return lxml.html.fromstring(summary).text_content() if summary.strip() else ""

    name, generic, _exists = fitarchive_generic()
    return [
        (name, generic),
        ("trafilatura favor_precision", lambda h, u: trafilatura.extract(h, url=u, favor_precision=True) or ""),
        ("trafilatura fast", lambda h, u: trafilatura.extract(h, url=u, fast=True) or ""),
        ("trafilatura default (with comments)", lambda h, u: trafilatura.extract(h, url=u) or ""),
        ("readability-lxml", readability_text),
    ]


def load_corpus(corpus: Path, limit: int | None) -> list[tuple[str, bytes, str, str]]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit] if limit else sorted(truth):
        path = corpus / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        pages.append((key, gzip.decompress(path.read_bytes()), truth[key].get("url") or "", truth[key]["articleBody"]))
    return pages


def measure_quality(corpus: Path, limit: int | None, log: Any = print) -> dict[str, Any]:
    pages = load_corpus(corpus, limit)
    results: dict[str, Any] = {"pages": len(pages), "extractors": {}}
    for name, func in quality_extractors():
        scores, elapsed, failures = [], 0.0, 0
        for _key, html, url, truth in pages:
            start = time.perf_counter()
            try:
                text = func(html, url)
            except Exception:  # an extractor that crashes on a page scores 0 there
                text = ""
                failures += 1
            elapsed += time.perf_counter() - start
            scores.append(score(text, truth))
        precision = statistics.fmean(s[0] for s in scores) if scores else 0.0
        recall = statistics.fmean(s[1] for s in scores) if scores else 0.0
        f1 = statistics.fmean(s[2] for s in scores) if scores else 0.0
        results["extractors"][name] = {
            "precision": precision, "recall": recall, "f1": f1,
            "ms_per_page": 1000 * elapsed / len(pages) if pages else 0.0, "failures": failures,
        }
        log(f"quality {name}: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}, {1000 * elapsed / max(1, len(pages)):.1f} ms/page")
    return results


# ---------------------------------------------------------------- speed on generated pages


def measure_speed(posts: int, workdir: Path, log: Any = print) -> dict[str, Any]:
    import trafilatura

    from generate_blog import generate
    from scraper.extract import extract_post_page

    base = "http://127.0.0.1:8090"
    site = workdir / "speed-site"
    generate(site, posts=posts, base_url=base)
    pages = []
    for path in sorted(site.glob("[0-9]*/*/*/*/index.html")):
        url = base + "/" + str(path.parent.relative_to(site)) + "/"
        pages.append((path.read_bytes(), url))
    generic_name, generic, generic_exists = fitarchive_generic()
    candidates: list[tuple[str, Callable[[bytes, str], Any]]] = [
        ("fitarchive extract_post_page (title, body, images, comments)", lambda h, u: extract_post_page(h, u)),
    ]
    if generic_exists:
        candidates.append((generic_name, generic))
    candidates += [
        ("trafilatura default", lambda h, u: trafilatura.extract(h, url=u)),
        ("trafilatura favor_precision", lambda h, u: trafilatura.extract(h, url=u, favor_precision=True)),
        ("trafilatura fast", lambda h, u: trafilatura.extract(h, url=u, fast=True)),
    ]
    results: dict[str, Any] = {"pages": len(pages), "avg_kib": sum(len(h) for h, _ in pages) / max(1, len(pages)) / 1024,
                               "extractors": {}}
    for name, func in candidates:
        func(*pages[0])  # warm up imports and caches
        start = time.perf_counter()
        for html, url in pages:
            func(html, url)
        ms = 1000 * (time.perf_counter() - start) / len(pages)
        results["extractors"][name] = {"ms_per_page": ms}
        log(f"speed {name}: {ms:.2f} ms/page")
    if not generic_exists:
        results["generic_pending"] = True
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="first N corpus pages (default all)")
    parser.add_argument("--posts", type=int, default=200, help="generated posts for the speed test")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        results = {"speed": measure_speed(args.posts, Path(tmp), log=log),
                   "quality": measure_quality(args.corpus, args.limit, log=log)}
    text = json.dumps(results, indent=1)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
