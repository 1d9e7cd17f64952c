"""Routine cards with known truth, drawn with Pillow, for measuring OCR and the routine parser.

Each card is one of the layouts blogs use (a plain, bulleted or numbered list; a table
with a header row; two columns "Day A" / "Day B"; name and scheme on separate lines),
drawn in one of a dozen Debian fonts (including handwriting-like Humor Sans, dkg
handwriting and Comic Neue) at 18-36 px on a pastel, dark or photo-like noisy
background, then rotated by up to 3 degrees, blurred and saved as JPEG (quality
35-90) or PNG. The truth is the text lines in reading order and the routine rows
(exercise, sets, reps, rest_seconds). Everything follows from the seed.

Usage::

    python bench/ocr_cards.py --out /tmp/cards --count 40 --seed 7
    python bench/ocr_cards.py --fixtures tests/fixtures/routine_cards

Fonts: ``apt-get install fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf
fonts-roboto-unhinted fonts-open-sans fonts-lato fonts-crosextra-carlito fonts-cantarell
fonts-ebgaramond fonts-humor-sans fonts-dkg-handwriting fonts-comic-neue``; missing ones
are left out (``--list-fonts`` shows which are there).
"""

from __future__ import annotations

import argparse
import io
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = {
    "DejaVu Sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "Liberation Serif": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "Liberation Sans": "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "FreeSans": "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "Roboto": "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
    "Roboto Condensed": "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Regular.ttf",
    "Open Sans": "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
    "Lato": "/usr/share/fonts/truetype/lato/Lato-Regular.ttf",
    "Carlito": "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
    "Cantarell": "/usr/share/fonts/opentype/cantarell/Cantarell-Regular.otf",
    "EB Garamond": "/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf",
    "Humor Sans": "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    "dkg handwriting": "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "Comic Neue": "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
}
HANDWRITING = ("Humor Sans", "dkg handwriting", "Comic Neue")

EXERCISES = [
    "Barbell row", "Chest-supported row", "Face pull", "Lat pulldown", "Seated cable row",
    "Pull-up", "Chin-up", "Deadlift", "Romanian deadlift", "Back squat", "Front squat",
    "Goblet squat", "Bulgarian split squat", "Walking lunge", "Leg press", "Leg curl",
    "Leg extension", "Hip thrust", "Glute bridge", "Calf raise", "Bench press",
    "Incline dumbbell press", "Overhead press", "Push press", "Dumbbell fly", "Cable crossover",
    "Dips", "Push-ups", "Lateral raise", "Rear delt fly", "Arnold press", "Barbell curl",
    "Hammer curl", "Triceps pushdown", "Skull crushers", "Close-grip bench press",
    "Kettlebell swing", "Farmer's carry", "Good morning", "Step-ups", "T-bar row",
    "Single-arm dumbbell row", "Hanging leg raise", "Cable crunch", "Russian twist",
    "Ab wheel rollout", "Box jump", "Sumo deadlift", "Hack squat", "Preacher curl",
]
HOLDS = ["Plank", "Side plank", "Dead hang", "Wall sit", "Hollow hold", "L-sit"]
TITLES = ["Back Routine 1", "Push Day", "Pull Day", "Leg Day", "Upper Body A", "Full Body Workout",
          "Glute Builder", "Beginner Strength", "Arm Day", "Week 2 - Hypertrophy", "Core Blast",
          "Lower Body Power", "Shoulder Session", "5x5 Strength"]
NOTES = ["Warm up 10 min before you start", "Add weight when all sets feel easy",
         "Keep 1-2 reps in reserve", "Follow me for more workouts", "Log every session",
         "Stretch after training", "Focus on slow eccentrics", "Drink water!"]
REST_TEXTS = [(60, "60 s"), (90, "90 s"), (90, "90sec"), (90, "1:30"), (120, "2 min"),
              (120, "2:00"), (45, "45 s"), (180, "3 min"), (75, "75 s")]


@dataclass
class CardRow:
    exercise: str
    sets: int | None
    reps: str | None
    rest_seconds: int | None


@dataclass
class Card:
    """One evaluation card: its truth and how it was drawn."""

    name: str
    layout: str
    font: str
    size: int
    background: str
    rotation: float
    blur: float
    fmt: str  # "jpeg" or "png"
    quality: int | None
    lines: list[str] = field(default_factory=list)  # the text in reading order
    rows: list[CardRow] = field(default_factory=list)
    image: bytes = b""

    def truth(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("image")
        return data


def available_fonts() -> dict[str, str]:
    return {name: path for name, path in FONTS.items() if Path(path).is_file()}


# ------------------------------------------------------------------ content


def _reps(rng: random.Random, exercise: str) -> tuple[str, str]:
    """Return (truth reps, drawn reps) for an exercise."""
    if exercise in HOLDS:
        secs = rng.choice([20, 30, 45, 60])
        return f"{secs} s", rng.choice([f"{secs} s", f"{secs}s", f"{secs} sec"])
    roll = rng.random()
    if roll < 0.12 and exercise in ("Pull-up", "Chin-up", "Dips", "Push-ups"):
        return "AMRAP", "AMRAP"
    if roll < 0.4:
        low = rng.choice([5, 6, 8, 10, 12])
        high = low + rng.choice([2, 4])
        return f"{low}-{high}", f"{low}{rng.choice(['-', '–'])}{high}"
    reps = str(rng.choice([3, 5, 6, 8, 10, 12, 15, 20]))
    return reps, reps


def _scheme(rng: random.Random, sets: int, reps: str) -> str:
    """Draw sets and reps in one of the notations cards use."""
    forms = ["{s} x {r}", "{s}x{r}", "{s} × {r}", "{s} X {r}"]
    if reps[0].isdigit() and not reps.endswith("s"):
        forms += ["{s} sets of {r}", "{s} sets x {r} reps"]
    return rng.choice(forms).format(s=sets, r=reps)


def _routine(rng: random.Random, count: int) -> list[tuple[str, int, str, str]]:
    """Return (exercise, sets, truth reps, drawn reps) rows, exercises distinct."""
    pool = rng.sample(EXERCISES, count)
    if rng.random() < 0.35:
        pool[-1] = rng.choice(HOLDS)
    rows = []
    for exercise in pool:
        reps, drawn = _reps(rng, exercise)
        rows.append((exercise, rng.choice([2, 3, 3, 4, 4, 5]), reps, drawn))
    return rows


# ------------------------------------------------------------------ drawing

Cell = tuple[str, float, float]  # text, x, y (top-left, pixels)


def _list_layout(rng: random.Random, size: int) -> tuple[list[list[Cell]], list[CardRow], list[str]]:
    rows = _routine(rng, rng.randint(4, 7))
    style = rng.choice(["plain", "bullet", "dash", "numbered"])
    card_rest = rng.random() < 0.5
    placed: list[list[Cell]] = []
    truth: list[CardRow] = []
    y = 0.0
    placed.append([(rng.choice(TITLES), 0, y)])
    y += size * 2.0
    rest_seconds, rest_text = rng.choice(REST_TEXTS)
    for i, (exercise, sets, reps, drawn) in enumerate(rows, start=1):
        prefix = {"plain": "", "bullet": "• ", "dash": "- ", "numbered": f"{i}. "}[style]
        own_rest: int | None = None
        text = f"{prefix}{exercise} {_scheme(rng, sets, drawn)}"
        if not card_rest and rng.random() < 0.6:
            own_rest, shown = rng.choice(REST_TEXTS)
            text += rng.choice([f", rest {shown}", f" - rest {shown}", f" | rest {shown}",
                                f" ({shown} rest)"])
        placed.append([(text, 0, y)])
        truth.append(CardRow(exercise, sets, reps, own_rest if not card_rest else rest_seconds))
        y += size * 1.6
    if card_rest:
        y += size * 0.6
        placed.append([(rng.choice([f"Rest {rest_text} between sets", f"Rest: {rest_text}",
                                     f"Rest {rest_text}"]), 0, y)])
        y += size * 1.6
    if rng.random() < 0.5:
        y += size * 0.4
        placed.append([(rng.choice(NOTES), 0, y)])
    return placed, truth, []


def _table_layout(rng: random.Random, size: int, font: ImageFont.FreeTypeFont
                  ) -> tuple[list[list[Cell]], list[CardRow], list[str]]:
    rows = _routine(rng, rng.randint(4, 6))
    header = ["Exercise", "Sets", "Reps", "Rest"]
    body = []
    truth = []
    for exercise, sets, reps, drawn in rows:
        rest_seconds, rest_text = rng.choice(REST_TEXTS)
        body.append([exercise, str(sets), drawn, rest_text])
        truth.append(CardRow(exercise, sets, reps, rest_seconds))
    widths = [max(font.getlength(r[c]) for r in [header, *body]) for c in range(4)]
    gap = size * 1.6
    xs = [0.0]
    for w in widths[:-1]:
        xs.append(xs[-1] + w + gap)
    placed: list[list[Cell]] = [[(rng.choice(TITLES), 0, 0)]]
    y = size * 2.0
    for r, cells in enumerate([header, *body]):
        placed.append([(cell, xs[c], y) for c, cell in enumerate(cells)])
        y += size * (1.9 if r == 0 else 1.6)
    return placed, truth, ["grid"]


def _columns_layout(rng: random.Random, size: int, font: ImageFont.FreeTypeFont
                    ) -> tuple[list[list[Cell]], list[CardRow], list[str]]:
    count = rng.randint(3, 5)
    both = _routine(rng, count * 2)
    days = [both[:count], both[count:count * 2 - rng.randint(0, 1)]]
    rest_seconds, rest_text = rng.choice(REST_TEXTS)
    texts = [[f"{exercise} {_scheme(rng, sets, drawn)}" for exercise, sets, _, drawn in day]
             for day in days]
    left_width = max(font.getlength(t) for t in [*texts[0], "Day A"])
    right_x = left_width + size * rng.uniform(2.5, 4.0)
    label = rng.choice([("Day A", "Day B"), ("Upper", "Lower"), ("Monday", "Thursday")])
    placed: list[list[Cell]] = [[(rng.choice(["Two-day split", "Upper / Lower", "A/B Routine"]),
                                  0, 0)]]
    y0 = size * 2.0
    for c, (day, day_texts) in enumerate(zip(days, texts, strict=True)):
        x = 0.0 if c == 0 else right_x
        placed.append([(label[c], x, y0)])
        for i, text in enumerate(day_texts):
            placed.append([(text, x, y0 + size * 1.8 + i * size * 1.6)])
        del day
    bottom = y0 + size * 1.8 + max(len(d) for d in days) * size * 1.6 + size * 0.8
    placed.append([(f"Rest {rest_text} between sets", 0, bottom)])
    truth = [CardRow(exercise, sets, reps, rest_seconds)
             for day in days for exercise, sets, reps, _ in day]
    return placed, truth, []


def _two_line_layout(rng: random.Random, size: int
                     ) -> tuple[list[list[Cell]], list[CardRow], list[str]]:
    rows = _routine(rng, rng.randint(3, 5))
    placed: list[list[Cell]] = [[(rng.choice(TITLES), 0, 0)]]
    y = size * 2.0
    truth = []
    for exercise, sets, reps, drawn in rows:
        rest_seconds, rest_text = rng.choice(REST_TEXTS)
        placed.append([(exercise, 0, y)])
        placed.append([(f"{_scheme(rng, sets, drawn)}, rest {rest_text}", size * 1.0, y + size * 1.3)])
        truth.append(CardRow(exercise, sets, reps, rest_seconds))
        y += size * 3.0
    return placed, truth, []


def _background(rng: random.Random, kind: str, width: int, height: int
                ) -> tuple[Image.Image, tuple[int, int, int]]:
    """Return the background and a text colour that reads on it."""
    if kind == "pastel":
        colour = tuple(rng.randint(215, 250) for _ in range(3))
        image = Image.new("RGB", (width, height), colour)
        ink = tuple(rng.randint(10, 70) for _ in range(3))
    elif kind == "dark":
        colour = tuple(rng.randint(15, 55) for _ in range(3))
        image = Image.new("RGB", (width, height), colour)
        ink = tuple(rng.randint(215, 255) for _ in range(3))
    else:  # photo-like: a blurred blotchy gradient with grain
        small = Image.new("RGB", (8, 6))
        base = rng.randint(130, 200)
        small.putdata([tuple(min(255, max(0, base + rng.randint(-60, 50))) for _ in range(3))
                       for _ in range(48)])
        image = small.resize((width, height), Image.Resampling.BICUBIC)
        image = image.filter(ImageFilter.GaussianBlur(radius=max(width, height) / 40))
        noise = Image.effect_noise((width, height), rng.uniform(20, 45)).convert("RGB")
        image = Image.blend(image, noise, 0.18)
        ink = (rng.randint(0, 30),) * 3 if base > 150 else (rng.randint(235, 255),) * 3
        if base <= 150:
            ink = (250, 250, 245)
    return image, ink  # type: ignore[return-value]


def draw_card(rng: random.Random, name: str, *, layout: str | None = None,
              background: str | None = None, font_name: str | None = None,
              size: int | None = None, rotation: float | None = None,
              blur: float | None = None, fmt: str | None = None,
              quality: int | None = None) -> Card:
    """Draw one card; every choice not given is drawn from ``rng``."""
    fonts = available_fonts()
    if not fonts:
        raise SystemExit("no fonts found: install them as the module docstring says")
    font_name = font_name or rng.choice(sorted(fonts))
    size = size or rng.randint(18, 36)
    font = ImageFont.truetype(fonts[font_name], size)
    layout = layout or rng.choice(["list", "list", "table", "columns", "two-line"])
    extras: list[str]
    if layout == "list":
        placed, truth, extras = _list_layout(rng, size)
    elif layout == "table":
        placed, truth, extras = _table_layout(rng, size, font)
    elif layout == "columns":
        placed, truth, extras = _columns_layout(rng, size, font)
    else:
        placed, truth, extras = _two_line_layout(rng, size)
    margin = int(size * rng.uniform(1.2, 2.0))
    right = max(x + font.getlength(text) * (1.6 if r == 0 else 1.0)
                for r, row in enumerate(placed) for text, x, _ in row)
    bottom = max(y for row in placed for _, _, y in row) + size * 1.4
    width, height = int(right + 2 * margin), int(bottom + 2 * margin)
    background = background or rng.choice(["pastel", "pastel", "dark", "photo"])
    image, ink = _background(rng, background, width, height)
    pen = ImageDraw.Draw(image)
    title = ImageFont.truetype(fonts[font_name], int(size * rng.uniform(1.3, 1.6)))
    for r, row in enumerate(placed):
        for text, x, y in row:
            pen.text((margin + x, margin + y - (size * 0.5 if r == 0 else 0)), text,
                     font=title if r == 0 else font, fill=ink)
    if "grid" in extras:
        rows_y = sorted({y for row in placed[1:] for _, _, y in row})
        for y in rows_y[1:]:
            pen.line([(margin * 0.6, margin + y - size * 0.3),
                      (width - margin * 0.6, margin + y - size * 0.3)], fill=ink, width=1)
    rotation = rotation if rotation is not None else rng.uniform(-3.0, 3.0)
    fill = image.getpixel((1, 1))
    image = image.rotate(rotation, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=fill)
    blur = blur if blur is not None else rng.choice([0.0, 0.0, 0.5, 0.8, 1.1])
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(radius=blur))
    fmt = fmt or rng.choice(["jpeg", "jpeg", "jpeg", "png"])
    buffer = io.BytesIO()
    if fmt == "jpeg":
        quality = quality or rng.randint(35, 90)
        image.save(buffer, "JPEG", quality=quality)
    else:
        quality = None
        image.save(buffer, "PNG", optimize=True)
    lines = [text for row in _reading_order(placed, layout) for text in row]
    return Card(name=name, layout=layout, font=font_name, size=size, background=background,
                rotation=round(rotation, 2), blur=blur, fmt=fmt, quality=quality, lines=lines,
                rows=truth, image=buffer.getvalue())


def _reading_order(placed: list[list[Cell]], layout: str) -> list[list[str]]:
    """The truth text: rows top to bottom, cells left to right; columns one after the other."""
    if layout != "columns":
        return [[text for text, _, _ in sorted(row, key=lambda c: c[1])] for row in placed]
    title, *middle, footer = placed
    left = [row for row in middle if row[0][1] == 0]
    right = [row for row in middle if row[0][1] != 0]
    return [[title[0][0]], *[[r[0][0]] for r in left], *[[r[0][0]] for r in right],
            [footer[0][0]]]


def generate(count: int, seed: int) -> list[Card]:
    """Return ``count`` cards drawn from ``seed`` (the same seed gives the same cards)."""
    rng = random.Random(seed)
    return [draw_card(random.Random(rng.random()), f"card-{i:03d}") for i in range(count)]


PHOTO_KINDS = ("blobs", "gradient", "texture", "scene")


def draw_photo(rng: random.Random, kind: str, width: int = 1600, height: int = 1200) -> bytes:
    """Draw one photo-like JPEG without text.

    ``blobs``: blurred colour fields and shapes with grain; ``gradient``: a noisy
    two-colour gradient (sky, wall); ``texture``: several octaves of value noise
    (foliage, gravel, carpet); ``scene``: a gym-like view with a floor, racks, bars
    and plates (straight edges and high contrast, but no letters).
    """
    def colour(low: int = 0, high: int = 255) -> tuple[int, int, int]:
        return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))

    if kind == "blobs":
        image = Image.new("RGB", (width, height), colour(40, 200))
        pen = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randint(0, width - 100), rng.randint(0, height - 100)
            pen.ellipse((x, y, x + rng.randint(80, 600), y + rng.randint(80, 600)), fill=colour())
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(4, 12)))
    elif kind == "gradient":
        top, bottom = Image.new("RGB", (width, height), colour()), Image.new("RGB", (width, height), colour())
        mask = Image.linear_gradient("L").rotate(rng.uniform(0, 360)).resize((width, height))
        image = Image.composite(top, bottom, mask)
    elif kind == "texture":
        image = Image.new("RGB", (width, height), colour(60, 180))
        for octave, weight in enumerate((1.0, 0.5, 0.35, 0.25, 0.15, 0.1), start=2):
            cells = 2 ** octave  # coarse shapes first, finer detail weaker
            small = Image.new("RGB", (cells, max(2, cells * height // width)))
            small.putdata([colour() for _ in range(small.width * small.height)])
            layer = small.resize((width, height), Image.Resampling.BICUBIC)
            image = Image.blend(image, layer, weight)
    else:  # scene
        image = Image.new("RGB", (width, height), colour(120, 220))
        pen = ImageDraw.Draw(image)
        floor = int(height * rng.uniform(0.55, 0.75))
        pen.rectangle((0, floor, width, height), fill=colour(20, 90))
        for _ in range(rng.randint(2, 4)):  # racks
            x = rng.randint(0, width - 300)
            w = rng.randint(150, 400)
            pen.rectangle((x, floor - rng.randint(300, 600), x + 20, floor), fill=colour(0, 60))
            pen.rectangle((x + w, floor - rng.randint(300, 600), x + w + 20, floor), fill=colour(0, 60))
        for _ in range(rng.randint(1, 3)):  # bars with plates
            y = rng.randint(floor // 3, floor - 40)
            x0, x1 = rng.randint(0, width // 3), rng.randint(2 * width // 3, width)
            pen.line((x0, y, x1, y), fill=colour(150, 230), width=8)
            for x in (x0 + 60, x1 - 60):
                r = rng.randint(60, 160)
                pen.ellipse((x - 25, y - r, x + 25, y + r), fill=colour(0, 80))
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(1, 3)))
    grain = Image.effect_noise((width, height), rng.uniform(20, 40)).convert("RGB")
    image = Image.blend(image, grain, rng.uniform(0.05, 0.15))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.randint(70, 90))
    return buffer.getvalue()


def photos(count: int, seed: int = 99) -> list[tuple[str, bytes]]:
    """Return ``count`` photo-like JPEGs without text, ``(kind, bytes)``, kinds in turn."""
    rng = random.Random(seed)
    return [(kind, draw_photo(random.Random(rng.random()), kind))
            for kind in (PHOTO_KINDS[i % len(PHOTO_KINDS)] for i in range(count))]


def write(cards: list[Card], folder: Path) -> None:
    """Write each card's image and its truth (``NAME.json``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for card in cards:
        suffix = "jpg" if card.fmt == "jpeg" else "png"
        (folder / f"{card.name}.{suffix}").write_bytes(card.image)
        (folder / f"{card.name}.json").write_text(json.dumps(card.truth(), indent=2) + "\n")


def fixtures(seed: int = 17) -> list[Card]:
    """Four clean-ish, realistic cards, one per layout, for the test suite."""
    rng = random.Random(seed)
    plan = [
        ("list-card", "list", "pastel", "DejaVu Sans", 26, "png"),
        ("table-card", "table", "pastel", "Lato", 24, "jpeg"),
        ("two-column-card", "columns", "dark", "Open Sans", 24, "png"),
        ("handwritten-card", "list", "photo", "Comic Neue", 30, "jpeg"),
    ]
    fonts = available_fonts()
    return [draw_card(rng, name, layout=layout, background=bg,
                      font_name=font if font in fonts else None, size=size,
                      rotation=rng.uniform(-1.5, 1.5), blur=0.0, fmt=fmt, quality=85)
            for name, layout, bg, font, size, fmt in plan]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder for generated cards")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fixtures", type=Path, help="write the test fixture cards here")
    parser.add_argument("--list-fonts", action="store_true")
    args = parser.parse_args()
    if args.list_fonts:
        for name, path in FONTS.items():
            print(f"{'ok     ' if Path(path).is_file() else 'missing'} {name}: {path}")
        return
    if args.fixtures:
        write(fixtures(), args.fixtures)
    if args.out:
        write(generate(args.count, args.seed), args.out)


if __name__ == "__main__":
    main()
