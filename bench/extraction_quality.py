"""Article-body quality: fitarchive's generic extractor against trafilatura and readability.

Scores every extractor on the article-extraction-benchmark corpus
(``html/<id>.html.gz`` pages and ``ground-truth.json`` with the true
``articleBody`` of each), read in place and never copied, in one run:

* fitarchive ``extract_article_text`` (the body detector of the generic
  extractor, as prose: captions and the headline left out, which is also
  how the corpus's ground truth is written);
* trafilatura default (comments included), ``favor_precision=True`` and
  ``fast=True``;
* readability-lxml (``Document.summary()``, text of the HTML).

Metric, as the corpus's own evaluation defines it: token 4-gram shingles
(``\\w+`` tokens, counted as multisets); per page true/false positives and
false negatives normalised to sum to one; precision is the mean over pages
where the extractor returned something, recall the mean over pages with a
true body, F1 the harmonic mean of those two means. Time is wall-clock
milliseconds per page, one process, pages in memory.

``--split`` also reports the even-indexed and odd-indexed halves (sorted by
page id) separately: rules were tuned looking at the whole corpus, so the
two halves agreeing is the check that no rule fits a handful of pages.

Usage::

    python bench/extraction_quality.py [--corpus DIR] [--limit N] [--split] [--json OUT]

Prints a Markdown table; ``--json`` also writes the numbers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)

Extractor = Callable[[bytes, str], str]


# ---------------------------------------------------------------- metric


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(gram for gram in grams if gram)


def page_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of shingles for one page, normalised to sum to 1."""
    gold, pred = _shingles(truth), _shingles(predicted)
    tp = float(sum((gold & pred).values()))
    fp = float(sum((pred - gold).values()))
    fn = float(sum((gold - pred).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def summarize(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Precision, recall and F1 over pages, as the corpus's evaluate.py computes them."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# ---------------------------------------------------------------- extractors


def extractors() -> list[tuple[str, Extractor]]:
    """The contenders, ours first."""
    import lxml.html
    import trafilatura
    from readability import Document

    from scraper.extract.generic import extract_article_text

    def readability_text(html: bytes, url: str) -> str:
        summary = Document(html, url=url).summary(html_partial=True)
        if not summary.strip():
            return ""
        return str(lxml.html.fromstring(summary).text_content())

    return [
        ("fitarchive generic", lambda h, u: extract_article_text(h, u)),
        ("trafilatura (default)", lambda h, u: trafilatura.extract(h, url=u) or ""),
        (
            "trafilatura favor_precision",
            lambda h, u: trafilatura.extract(h, url=u, favor_precision=True) or "",
        ),
        ("trafilatura fast", lambda h, u: trafilatura.extract(h, url=u, fast=True) or ""),
        ("readability-lxml", readability_text),
    ]


def load_corpus(corpus: Path, limit: int | None = None) -> list[tuple[str, bytes, str, str]]:
    """(id, html bytes, url, true body) for each page, sorted by id."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    pages = []
    for key in keys:
        path = corpus / "html" / f"{key}.html.gz"
        if path.exists():
            pages.append(
                (
                    key,
                    gzip.decompress(path.read_bytes()),
                    truth[key].get("url") or "",
                    truth[key].get("articleBody") or "",
                )
            )
    return pages


def measure(
    corpus: Path,
    limit: int | None = None,
    *,
    split: bool = False,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run every extractor over the corpus; return per-extractor metrics."""
    pages = load_corpus(corpus, limit)
    results: dict[str, Any] = {"pages": len(pages), "extractors": {}}
    for name, func in extractors():
        func(pages[0][1], pages[0][2])  # warm imports and caches
        counts: list[tuple[float, float, float]] = []
        failures = 0
        started = time.perf_counter()
        for _key, html, url, truth in pages:
            try:
                text = func(html, url)
            except Exception:  # noqa: BLE001 - a crash on a page scores nothing there
                text, failures = "", failures + 1
            counts.append(page_counts(truth, text))
        elapsed = time.perf_counter() - started
        row: dict[str, Any] = summarize(counts)
        row["ms_per_page"] = 1000 * elapsed / max(1, len(pages))
        row["failures"] = failures
        if split:
            row["even"] = summarize(counts[0::2])
            row["odd"] = summarize(counts[1::2])
        results["extractors"][name] = row
        if log is not None:
            log(
                f"{name}: P {row['precision']:.4f} R {row['recall']:.4f} F1 {row['f1']:.4f} "
                f"({row['ms_per_page']:.1f} ms/page)"
            )
    peers = [
        row["f1"]
        for name, row in results["extractors"].items()
        if not name.startswith("fitarchive")
    ]
    ours = results["extractors"]["fitarchive generic"]["f1"]
    results["best_peer_f1"] = max(peers) if peers else 0.0
    results["margin_over_best_peer"] = ours - results["best_peer_f1"]
    return results


def table(results: dict[str, Any], *, split: bool = False) -> str:
    """Format results as a Markdown table."""
    head = "| extractor | precision | recall | F1 | ms/page |"
    rule = "| --- | --- | --- | --- | --- |"
    if split:
        head += " F1 even half | F1 odd half |"
        rule += " --- | --- |"
    lines = [head, rule]
    for name, row in results["extractors"].items():
        line = (
            f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
            f"{row['ms_per_page']:.1f} |"
        )
        if split:
            line += f" {row['even']['f1']:.3f} | {row['odd']['f1']:.3f} |"
        lines.append(line)
    lines.append("")
    lines.append(
        f"{results['pages']} pages; F1 margin of fitarchive over the best peer: "
        f"{results['margin_over_best_peer']:+.3f}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="first N pages by id (default all)")
    parser.add_argument("--split", action="store_true", help="also score even/odd halves")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args()
    if not (args.corpus / "ground-truth.json").exists():
        parser.error(f"{args.corpus}: no ground-truth.json (give --corpus)")
    results = measure(
        args.corpus,
        args.limit,
        split=args.split,
        log=lambda m: print(m, file=sys.stderr, flush=True),
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(results, split=args.split))


if __name__ == "__main__":
    main()
