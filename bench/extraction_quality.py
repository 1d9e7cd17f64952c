"""Article-body quality: fitarchive's generic extractor against trafilatura and readability.

Scores every extractor on two public sets in one run, each read in place
and never copied:

1. the article-extraction-benchmark corpus (181 pages: ``html/<id>.html.gz``
   and ``ground-truth.json`` with the true ``articleBody`` of each), beside
   the repository in ``../shared/corpora/``;
2. trafilatura's own evaluation set (990 pages in many languages:
   ``evaldata.json`` and ``eval/``/``cache/`` pages), unpacked outside the
   repository: ``tar -xJf ../shared/corpora/trafilatura-eval.tar.xz -C /tmp``
   gives ``/tmp/trafilatura-eval`` (``--eval-set DIR`` or the
   ``FITARCHIVE_EXTRACTION_EVAL`` environment variable point elsewhere).
   Without it the run says how to get it and scores the first set only.

Contenders, ours first: fitarchive ``scraper.extract.article_text`` (the body
detector of the generic extractor, as prose: captions and the headline left
out, which is also how the first set's ground truth is written); trafilatura
default (``include_tables=True``, comments kept on the first set as it was
measured, left out on the second, as trafilatura measures itself),
``favor_precision=True`` and ``fast=True``; readability-lxml
(``Document.summary()``, text of the HTML).

Metrics. First set, as its own evaluation defines it: token 4-gram shingles
(``\\w+`` tokens, counted as multisets); per page true/false positives and
false negatives normalised to sum to one; precision is the mean over pages
where the extractor returned something, recall the mean over pages with a
true body, F1 the harmonic mean of those two means. Second set, as
trafilatura defines it: whitespace is normalised in the text and in each
snippet; each ``with`` snippet found is a true positive (missing: false
negative), each ``without`` snippet found a false positive; precision,
recall and F1 over all snippets of all pages pooled. Time is wall-clock
milliseconds per page, one process, pages in memory.

``--split`` also reports the even-indexed and odd-indexed halves of the
first set (sorted by page id) separately.

Usage::

    python bench/extraction_quality.py [--corpus DIR] [--eval-set DIR] [--only SET]
                                       [--limit N] [--split] [--json OUT]

Prints a Markdown table per set; ``--json`` also writes the numbers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
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
EVAL_SET_ENV = "FITARCHIVE_EXTRACTION_EVAL"
DEFAULT_EVAL_SET = Path("/tmp/trafilatura-eval")
EVAL_SET_HOWTO = (
    "trafilatura's evaluation set is not unpacked: run "
    f"`tar -xJf {ROOT.parent / 'shared' / 'corpora' / 'trafilatura-eval.tar.xz'} -C /tmp` "
    f"(or give --eval-set DIR / {EVAL_SET_ENV}=DIR)"
)
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


def extractors(*, comments: bool = True) -> list[tuple[str, Extractor]]:
    """The contenders, ours first; ``comments`` is trafilatura's ``include_comments``."""
    import lxml.html
    import trafilatura
    from readability import Document

    from scraper.extract import article_text

    def readability_text(html: bytes, url: str) -> str:
        summary = Document(html, url=url).summary(html_partial=True)
        if not summary.strip():
            return ""
        return str(lxml.html.fromstring(summary).text_content())

    def trafilatura_text(**options: Any) -> Extractor:
        return lambda h, u: (
            trafilatura.extract(h, url=u, include_comments=comments, include_tables=True, **options)
            or ""
        )

    return [
        ("fitarchive generic", lambda h, u: article_text(h, u)),
        ("trafilatura (default)", trafilatura_text()),
        ("trafilatura favor_precision", trafilatura_text(favor_precision=True)),
        ("trafilatura fast", trafilatura_text(fast=True)),
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


def _squash(text: str) -> str:
    return " ".join(text.split())


def load_eval_set(
    folder: Path, limit: int | None = None
) -> list[tuple[str, bytes, list[str], list[str]]]:
    """(url, html bytes, snippets of the content, snippets not of it) per page, sorted by URL."""
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data)[:limit] if limit else sorted(data):
        entry = data[url]
        for sub in ("eval", "cache"):
            path = folder / sub / entry["file"]
            if path.exists():
                pages.append(
                    (url, path.read_bytes(), list(entry.get("with", [])),
                     list(entry.get("without", [])))
                )  # fmt: skip
                break
    return pages


def snippet_counts(text: str, inside: list[str], outside: list[str]) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) of one page: which snippets the whitespace-normalised text holds."""
    text = _squash(text)
    found_in = sum(1 for snippet in inside if _squash(snippet) in text)
    found_out = sum(1 for snippet in outside if _squash(snippet) in text)
    return found_in, len(inside) - found_in, found_out, len(outside) - found_out


def snippet_summary(counts: list[tuple[int, int, int, int]]) -> dict[str, float]:
    """Pooled precision, recall and F1 over all snippets (trafilatura's evaluation)."""
    tp, fn, fp = (sum(c[i] for c in counts) for i in range(3))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def measure_eval_set(
    folder: Path, limit: int | None = None, *, log: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run every extractor over trafilatura's evaluation set; return per-extractor metrics."""
    pages = load_eval_set(folder, limit)
    results: dict[str, Any] = {"pages": len(pages), "extractors": {}}
    for name, func in extractors(comments=False):
        func(pages[0][1], pages[0][0])
        counts: list[tuple[int, int, int, int]] = []
        failures = 0
        started = time.perf_counter()
        for url, html, inside, outside in pages:
            try:
                text = func(html, url)
            except Exception:  # noqa: BLE001 - a crash on a page scores nothing there
                text, failures = "", failures + 1
            counts.append(snippet_counts(text, inside, outside))
        elapsed = time.perf_counter() - started
        row: dict[str, Any] = snippet_summary(counts)
        row["ms_per_page"] = 1000 * elapsed / max(1, len(pages))
        row["failures"] = failures
        results["extractors"][name] = row
        if log is not None:
            log(
                f"[990] {name}: P {row['precision']:.4f} R {row['recall']:.4f} "
                f"F1 {row['f1']:.4f} ({row['ms_per_page']:.1f} ms/page)"
            )
    peers = [r["f1"] for n, r in results["extractors"].items() if not n.startswith("fitarchive")]
    results["best_peer_f1"] = max(peers) if peers else 0.0
    results["margin_over_best_peer"] = (
        results["extractors"]["fitarchive generic"]["f1"] - results["best_peer_f1"]
    )
    return results


def eval_set_folder(given: Path | None) -> Path:
    """The unpacked evaluation set: --eval-set, else the environment variable, else /tmp."""
    if given is not None:
        return given
    env = os.environ.get(EVAL_SET_ENV)
    return Path(env) if env else DEFAULT_EVAL_SET


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
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the 181-page set")
    parser.add_argument(
        "--eval-set",
        type=Path,
        default=None,
        help=f"trafilatura's 990-page set, unpacked (default ${EVAL_SET_ENV} or {DEFAULT_EVAL_SET})",
    )
    parser.add_argument("--only", choices=("aeb", "trafilatura"), help="score one set only")
    parser.add_argument("--limit", type=int, default=None, help="first N pages by id (default all)")
    parser.add_argument("--split", action="store_true", help="also score even/odd halves")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results: dict[str, Any] = {}
    if args.only != "trafilatura":
        if not (args.corpus / "ground-truth.json").exists():
            parser.error(f"{args.corpus}: no ground-truth.json (give --corpus)")
        results["aeb"] = measure(args.corpus, args.limit, split=args.split, log=log)
        print("### article-extraction-benchmark (token 4-gram shingles, mean over pages)\n")
        print(table(results["aeb"], split=args.split))
    if args.only != "aeb":
        folder = eval_set_folder(args.eval_set)
        if not (folder / "evaldata.json").exists():
            message = f"{folder}: no evaldata.json. {EVAL_SET_HOWTO}"
            if args.only == "trafilatura":
                parser.error(message)
            print(f"\n{message}", file=sys.stderr)
        else:
            results["trafilatura"] = measure_eval_set(folder, args.limit, log=log)
            print("\n### trafilatura evaluation set (snippets found, pooled over pages)\n")
            print(table(results["trafilatura"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
