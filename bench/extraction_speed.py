"""Extraction speed: ms/page of the generic body detector on both public sets.

Times ``scraper.extract.article_text`` (parse, find the main content, render
it as prose) over every page of the article-extraction-benchmark corpus (181
pages) and of trafilatura's evaluation set (990 pages), pages held in memory,
one process. Each set is run ``--passes`` times and the best pass is kept,
wall-clock and CPU time both (the CPU time is steadier on a shared machine).

``--against DIR`` also loads ``DIR/scraper/extract`` (another checkout, such
as main) and times the two page by page, alternating which goes first, so
both see the same load; the ratio of the two is the figure to compare on a
busy machine. ``--check`` first asserts that both give the same text for
every page (a speed change must not change the output).

Usage::

    python bench/extraction_speed.py [--passes 3] [--against ../main] [--check]
                                     [--corpus DIR] [--eval-set DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import extraction_quality as quality

Extractor = Callable[[bytes, str], str]
Pages = list[tuple[bytes, str]]


def load_sets(corpus: Path, eval_set: Path, limit: int | None) -> dict[str, Pages]:
    """The pages of each set that is present, as (html, url)."""
    sets: dict[str, Pages] = {}
    if (corpus / "ground-truth.json").exists():
        sets["181 pages"] = [(h, u) for _k, h, u, _t in quality.load_corpus(corpus, limit)]
    if (eval_set / "evaldata.json").exists():
        sets["990 pages"] = [(h, u) for u, h, _i, _o in quality.load_eval_set(eval_set, limit)]
    return sets


def load_other(checkout: Path) -> Extractor:
    """``article_text`` of another checkout's ``scraper/extract`` package."""
    folder = checkout / "scraper" / "extract"
    spec = importlib.util.spec_from_file_location(
        "other_extract", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: no scraper/extract package in {checkout}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["other_extract"] = module
    spec.loader.exec_module(module)
    extractor: Extractor = module.article_text
    return extractor


def time_alone(extract: Extractor, pages: Pages, passes: int) -> tuple[float, float]:
    """Best (wall, cpu) ms/page over ``passes`` runs of every page."""
    wall = cpu = float("inf")
    for _ in range(passes):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        for html, url in pages:
            extract(html, url)
        wall = min(wall, (time.perf_counter() - start) * 1000 / len(pages))
        cpu = min(cpu, (time.process_time() - start_cpu) * 1000 / len(pages))
    return wall, cpu


def time_paired(
    ours: Extractor, other: Extractor, pages: Pages, passes: int
) -> tuple[float, float, list[float]]:
    """Best ms/page of ours and the other, timed page by page in turn, and ours/other per pass."""
    clock = time.perf_counter
    best_ours = best_other = float("inf")
    ratios: list[float] = []
    for run in range(passes):
        gc.collect()
        spent_ours = spent_other = 0.0
        for index, (html, url) in enumerate(pages):
            first, second = (ours, other) if (index + run) % 2 else (other, ours)
            t0 = clock()
            first(html, url)
            t1 = clock()
            second(html, url)
            t2 = clock()
            if first is ours:
                spent_ours, spent_other = spent_ours + t1 - t0, spent_other + t2 - t1
            else:
                spent_ours, spent_other = spent_ours + t2 - t1, spent_other + t1 - t0
        best_ours = min(best_ours, spent_ours * 1000 / len(pages))
        best_other = min(best_other, spent_other * 1000 / len(pages))
        ratios.append(spent_ours / spent_other)
    return best_ours, best_other, ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=quality.DEFAULT_CORPUS)
    parser.add_argument("--eval-set", type=Path, default=quality.DEFAULT_EVAL_SET)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--against", type=Path, default=None, help="another checkout to compare")
    parser.add_argument("--check", action="store_true", help="assert the same text on every page")
    args = parser.parse_args(argv)
    from scraper.extract import article_text

    sets = load_sets(args.corpus, args.eval_set, args.limit)
    if not sets:
        print(f"error: neither {args.corpus} nor {args.eval_set} holds a set", file=sys.stderr)
        return 2
    other = load_other(args.against) if args.against else None
    for name, pages in sets.items():
        if other is not None and args.check:
            differ = sum(1 for html, url in pages if article_text(html, url) != other(html, url))
            print(f"{name}: {differ} of {len(pages)} pages give another text")
        if other is None:
            wall, cpu = time_alone(article_text, pages, args.passes)
            print(f"{name}: {wall:.2f} ms/page wall, {cpu:.2f} ms/page CPU (best of {args.passes})")
        else:
            ours, theirs, ratios = time_paired(article_text, other, pages, args.passes)
            print(
                f"{name}: {ours:.2f} ms/page against {theirs:.2f} in {args.against} "
                f"(best of {args.passes}; ratio per pass "
                + ", ".join(f"{r:.3f}" for r in ratios)
                + ")"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
