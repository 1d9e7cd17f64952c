"""Routine-card OCR: RapidOCR beside Debian's Tesseract 5 on the same generated cards.

For each engine: character error rate (edit distance / truth length, on the text in
reading order with whitespace and case folded, as some handwriting fonts draw only
capitals), word accuracy (1 - word error rate, floored at 0), the share of routine rows
fully correct (exercise, sets, reps and rest all right, through fitarchive's routine
parser), extra rows that are not on the card, seconds per image (model loading apart),
seconds per photo without text (``ocr_cards.photos``: colour fields, gradients,
textures, gym-like scenes), and the peak RSS of the process that ran the OCR (for
Tesseract, of the largest ``tesseract`` process). Each engine runs in its own worker
process. Floor: 95% of rows fully correct for RapidOCR; goal 98%.

Usage::

    python bench/ocr.py --count 40 --seed 7
    python bench/ocr.py --engines rapidocr --keep /tmp/cards   # keep the cards to look at

Needs ``pip install 'fitarchive[ocr]'``, ``apt-get install tesseract-ocr`` and the fonts
listed in ``bench/ocr_cards.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ocr_cards  # noqa: E402

from scraper.ocr.layout import order_lines  # noqa: E402
from scraper.ocr.records import ImageReading, OcrLine  # noqa: E402
from scraper.ocr.routine import parse_routine  # noqa: E402

ENGINES = ("rapidocr", "tesseract")
#: Photo-like 1600x1200 JPEGs without text read after the cards (ocr_cards.photos, all four kinds).
PHOTOS = 8


# ------------------------------------------------------------------ scoring


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("×", "x"), ("–", "-"), ("—", "-"), ("•", ""), ("’", "'")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


def distance(a: list[str] | str, b: list[str] | str) -> int:
    """Levenshtein distance of two sequences (characters or words)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _row_key(row: dict[str, Any]) -> tuple[str, int | None, str | None, int | None]:
    name = re.sub(r"\s+", " ", str(row["exercise"])).strip().lower()
    return name, row["sets"], row["reps"], row["rest_seconds"]


def score_card(truth: dict[str, Any], reading: ImageReading) -> dict[str, Any]:
    gold = _fold(" ".join(truth["lines"]))
    got = _fold(" ".join(line.text for line in reading.lines))
    rows = [
        {"exercise": r.exercise, "sets": r.sets, "reps": r.reps, "rest_seconds": r.rest_seconds}
        for r in parse_routine(reading)
    ]
    wanted = [_row_key(r) for r in truth["rows"]]
    found = [_row_key(r) for r in rows]
    correct = 0
    left = list(found)
    for key in wanted:
        if key in left:
            left.remove(key)
            correct += 1
    return {
        "name": truth["name"], "layout": truth["layout"], "font": truth["font"],
        "background": truth["background"],
        "chars": len(gold), "char_errors": distance(gold, got),
        "words": len(gold.split()), "word_errors": distance(gold.split(), got.split()),
        "rows": len(wanted), "rows_correct": correct, "rows_extra": len(left),
        "wrong": [{"want": w, "got": [f for f in found if f[0] == w[0]] or found}
                  for w in wanted if w not in found],
    }


# ------------------------------------------------------------------ engines


def _tesseract_reading(path: Path) -> ImageReading:
    """Read one image with the tesseract CLI; its lines come from the TSV output."""
    out = subprocess.run(["tesseract", str(path), "stdout", "tsv"], capture_output=True,
                         timeout=120, check=False).stdout
    words: dict[tuple[str, str, str], list[tuple[str, float, int, int, int, int]]] = {}
    for row in out.decode("utf-8", "replace").splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        key = (parts[2], parts[3], parts[4])
        left, top, width, height = map(int, parts[6:10])
        words.setdefault(key, []).append((parts[11], float(parts[10]), left, top, width, height))
    lines = []
    for items in words.values():
        x0 = min(w[2] for w in items)
        y0 = min(w[3] for w in items)
        x1 = max(w[2] + w[4] for w in items)
        y1 = max(w[3] + w[5] for w in items)
        lines.append(OcrLine(text=" ".join(w[0] for w in items),
                             confidence=max(0.0, statistics.fmean(w[1] for w in items)) / 100,
                             box=((x0, y0), (x1, y0), (x1, y1), (x0, y1))))
    return ImageReading.from_lines(order_lines(lines), engine="tesseract",
                                   engine_version=_tesseract_version())


def _tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).splitlines()[0].split()[-1]


def worker(engine: str, folder: Path, result: Path) -> None:
    """Read every card in ``folder`` with ``engine``; write readings and timings as JSON."""
    started = time.perf_counter()
    if engine == "rapidocr":
        from scraper.ocr.engine import OcrEngine

        ocr = OcrEngine()  # as `fitarchive ocr` runs it
        warm = sorted(folder.glob("card-*.*"))[0]
        if warm.suffix != ".json":
            ocr.read(warm.read_bytes())  # the first read loads the models
    load_s = time.perf_counter() - started
    out: list[dict[str, Any]] = []
    for truth_path in sorted(folder.glob("*.json")):
        image = next(p for p in folder.glob(truth_path.stem + ".*") if p.suffix != ".json")
        t0 = time.perf_counter()
        if engine == "rapidocr":
            reading = ocr.read(image.read_bytes())
        else:
            reading = _tesseract_reading(image)
        seconds = time.perf_counter() - t0
        out.append({"truth": str(truth_path), "seconds": seconds, "version": reading.engine_version,
                    "lines": [[ln.text, ln.confidence, ln.box] for ln in reading.lines]})
    photos = []
    for i, (_kind, photo) in enumerate(ocr_cards.photos(PHOTOS)):
        path = folder.parent / f".photo-{os.getpid()}-{i}.jpg"
        path.write_bytes(photo)
        t0 = time.perf_counter()
        if engine == "rapidocr":
            found = len(ocr.read(photo).lines)
        else:
            found = len(_tesseract_reading(path).lines)
        photos.append({"seconds": time.perf_counter() - t0, "lines": found})
        path.unlink()
    # peak RSS of the process that ran the OCR: this one, or the largest tesseract child
    who = resource.RUSAGE_SELF if engine == "rapidocr" else resource.RUSAGE_CHILDREN
    rss_mib = resource.getrusage(who).ru_maxrss / 1024
    result.write_text(json.dumps({"load_s": load_s, "cards": out, "photos": photos,
                                  "rss_mib": rss_mib}))


def run_engine(engine: str, folder: Path) -> dict[str, Any]:
    """Run one engine's worker process; return its scores, timings and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        proc = subprocess.Popen([sys.executable, __file__, "--worker", engine, str(folder),
                                 str(result)])
        if proc.wait() != 0:
            raise SystemExit(f"{engine} worker failed (exit {proc.returncode})")
        data = json.loads(result.read_text())
    scores = []
    for card in data["cards"]:
        truth = json.loads(Path(card["truth"]).read_text())
        lines = tuple(OcrLine(t, c, tuple(tuple(p) for p in b)) for t, c, b in card["lines"])
        reading = ImageReading.from_lines(lines, engine=engine, engine_version=card["version"])
        scores.append({**score_card(truth, reading), "seconds": card["seconds"]})
    return {"engine": engine, "version": data["cards"][0]["version"] if data["cards"] else "",
            "load_s": data["load_s"], "peak_rss_mib": data["rss_mib"], "cards": scores,
            "photos": data["photos"]}


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    cards = run["cards"]
    chars = sum(c["chars"] for c in cards)
    words = sum(c["words"] for c in cards)
    rows = sum(c["rows"] for c in cards)
    return {
        "engine": run["engine"], "version": run["version"],
        "cer": sum(c["char_errors"] for c in cards) / chars,
        "word_accuracy": max(0.0, 1 - sum(c["word_errors"] for c in cards) / words),
        "rows": rows, "rows_correct": sum(c["rows_correct"] for c in cards),
        "rows_extra": sum(c["rows_extra"] for c in cards),
        "seconds_per_image": statistics.fmean(c["seconds"] for c in cards),
        "seconds_p95": sorted(c["seconds"] for c in cards)[int(0.95 * (len(cards) - 1))],
        "load_s": run["load_s"], "peak_rss_mib": run["peak_rss_mib"],
        "photo_seconds": statistics.fmean(p["seconds"] for p in run["photos"]),
        "photo_lines": sum(p["lines"] for p in run["photos"]),
    }


def _by(cards: list[dict[str, Any]], key: str) -> dict[str, tuple[int, int]]:
    groups: dict[str, tuple[int, int]] = {}
    for c in cards:
        done, total = groups.get(c[key], (0, 0))
        groups[c[key]] = (done + c["rows_correct"], total + c["rows"])
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--keep", type=Path, help="write the cards here and keep them")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    engines = [e for e in args.engines.split(",") if e]
    if "tesseract" in engines and not shutil.which("tesseract"):
        print("tesseract is not installed (apt-get install tesseract-ocr): left out")
        engines.remove("tesseract")
    fonts = ocr_cards.available_fonts()
    print(f"{len(fonts)} fonts: {', '.join(sorted(fonts))}")
    cards = ocr_cards.generate(args.count, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        ocr_cards.write(cards, folder)
        layouts = {c.layout for c in cards}
        print(f"{len(cards)} cards (seed {args.seed}), {sum(len(c.rows) for c in cards)} rows, "
              f"layouts {sorted(layouts)}; {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}")
        runs = [run_engine(engine, folder) for engine in engines]
    summaries = [summarise(run) for run in runs]
    print()
    print("| engine | CER | word accuracy | rows fully correct | extra rows | s/image (p95) "
          "| s/photo without text (lines found) | model load s | peak RSS MiB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for s in summaries:
        print(f"| {s['engine']} {s['version']} | {s['cer']:.1%} | {s['word_accuracy']:.1%} | "
              f"{s['rows_correct'] / s['rows']:.1%} ({s['rows_correct']}/{s['rows']}) | "
              f"{s['rows_extra']} | {s['seconds_per_image']:.2f} ({s['seconds_p95']:.2f}) | "
              f"{s['photo_seconds']:.2f} ({s['photo_lines']}) | "
              f"{s['load_s']:.1f} | {s['peak_rss_mib']:.0f} |")
    for run in runs:
        print(f"\n{run['engine']}: rows fully correct by layout / font / background")
        for key in ("layout", "font", "background"):
            parts = [f"{k} {d}/{t}" for k, (d, t) in sorted(_by(run["cards"], key).items())]
            print(f"  {key}: " + ", ".join(parts))
        wrong = [(c["name"], w) for c in run["cards"] for w in c["wrong"]]
        for name, w in wrong[:12]:
            print(f"  {name}: wanted {w['want']} got {w['got'][:2]}")
    if "rapidocr" in engines:
        rapid = next(s for s in summaries if s["engine"] == "rapidocr")
        share = rapid["rows_correct"] / rapid["rows"]
        verdict = "goal met" if share >= 0.98 else "floor met" if share >= 0.95 else "BELOW FLOOR"
        print(f"\nRapidOCR rows fully correct: {share:.1%} (floor 95%, goal 98%): {verdict}")
    if args.json:
        args.json.write_text(json.dumps({"summaries": summaries, "runs": runs}, indent=1))
    print("versions: " + ", ".join(f"{p} {_version(p)}" for p in ("rapidocr", "onnxruntime")))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    main()
