"""Render the routine cards the WordPress harness posts (committed PNG/JPEG files).

    .venv/bin/python tests/wordpress/cards/render.py

Three layouts real blogs use: a plain list with a card-wide rest, a table
(Exercise | Sets | Reps | Rest) on a dark background saved as a JPEG, and a
numbered list in a handwriting-like font. The files are committed; run this only
to change a card (then re-capture the sample blog).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = Path("/usr/share/fonts")


def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / path), size)


def back_routine() -> Image.Image:
    """A pastel list card: title, four exercises, a card-wide rest, a footer."""
    card = Image.new("RGB", (900, 640), (232, 244, 236))
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((20, 20, 880, 620), radius=28, outline=(64, 120, 96), width=4)
    draw.text((60, 50), "BACK ROUTINE 1", font=font("truetype/lato/Lato-Black.ttf", 52), fill=(34, 70, 56))
    body = font("truetype/lato/Lato-Regular.ttf", 36)
    for index, line in enumerate(["Barbell row  4 x 8", "Chest-supported row  3 x 12",
                                  "Straight-arm pulldown  3 x 15", "Face pull  3 x 15"]):
        y = 150 + 72 * index
        draw.ellipse((64, y + 14, 78, y + 28), fill=(64, 120, 96))
        draw.text((100, y), line, font=body, fill=(30, 30, 30))
    draw.text((60, 450), "Rest 90 s between sets", font=font("truetype/lato/Lato-Italic.ttf", 34), fill=(34, 70, 56))
    draw.text((60, 560), "ironbark training journal", font=font("truetype/lato/Lato-Light.ttf", 24),
              fill=(96, 128, 112))
    return card


def leg_table() -> Image.Image:
    """A dark table card: header row and four exercises with sets, reps and rest."""
    card = Image.new("RGB", (1000, 620), (34, 38, 46))
    draw = ImageDraw.Draw(card)
    light, muted = (240, 240, 240), (170, 180, 190)
    draw.text((50, 40), "Leg Routine 2", font=font("truetype/open-sans/OpenSans-Bold.ttf", 48), fill=(255, 196, 0))
    columns = (50, 520, 660, 800)
    head = font("truetype/open-sans/OpenSans-Bold.ttf", 30)
    for x, title in zip(columns, ("Exercise", "Sets", "Reps", "Rest"), strict=True):
        draw.text((x, 150), title, font=head, fill=muted)
    draw.line((50, 200, 950, 200), fill=muted, width=2)
    cell = font("truetype/open-sans/OpenSans-Regular.ttf", 32)
    rows = [("Romanian deadlift", "3", "8-10", "2 min"), ("Bulgarian split squat", "3", "10", "90 s"),
            ("Walking lunge", "2", "20", "60 s"), ("Standing calf raise", "4", "12", "45 s")]
    for index, row in enumerate(rows):
        y = 225 + 85 * index
        for x, value in zip(columns, row, strict=True):
            draw.text((x, y), value, font=cell, fill=light)
    return card.filter(ImageFilter.GaussianBlur(0.6))


def core_card() -> Image.Image:
    """A numbered list in a handwriting-like font, slightly rotated like a photographed note."""
    card = Image.new("RGB", (860, 640), (255, 250, 222))
    draw = ImageDraw.Draw(card)
    draw.text((50, 40), "Core Finisher", font=font("truetype/humor-sans/Humor-Sans.ttf", 54), fill=(60, 40, 20))
    hand = font("opentype/comic-neue/ComicNeue-Regular.otf", 38)
    for index, line in enumerate(["1. Pallof press - 3 sets of 10", "2. Copenhagen plank - 3 x 30 s",
                                  "3. Dead bug - 3 x 12", "4. Hollow hold - 2 x AMRAP"]):
        draw.text((60, 160 + 80 * index), line, font=hand, fill=(40, 40, 60))
    draw.text((60, 500), "Rest: 1:00", font=hand, fill=(140, 40, 40))
    return card.rotate(1.5, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 250, 222))


def main() -> None:
    back_routine().save(HERE / "back-routine-1-card.png", optimize=True)
    leg_table().save(HERE / "leg-routine-2-card.jpg", quality=82)
    core_card().save(HERE / "core-finisher-card.png", optimize=True)


if __name__ == "__main__":
    main()
