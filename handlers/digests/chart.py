"""A small bar chart of Down accounts per day, as PNG bytes (Pillow; no plotting library)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 260
_MARGIN = 36
_BAR = (214, 69, 65)
_INK = (40, 40, 40)
_GRID = (225, 225, 225)


def down_chart(days: list[tuple[str, int]], title: str = "SIP accounts Down per day") -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    draw.text((_MARGIN, 8), title, fill=_INK, font=font)
    top, bottom = _MARGIN, HEIGHT - _MARGIN
    peak = max([count for _, count in days] + [1])
    draw.line((_MARGIN, bottom, WIDTH - _MARGIN // 2, bottom), fill=_INK)
    for fraction in (0.5, 1.0):
        y = bottom - (bottom - top) * fraction
        draw.line((_MARGIN, y, WIDTH - _MARGIN // 2, y), fill=_GRID)
        draw.text((4, y - 7), str(round(peak * fraction)), fill=_INK, font=font)
    slot = (WIDTH - _MARGIN * 1.5) / max(len(days), 1)
    for i, (label, count) in enumerate(days):
        left = _MARGIN + i * slot + slot * 0.2
        right = left + slot * 0.6
        height = (bottom - top) * count / peak
        if count:
            draw.rectangle((left, bottom - height, right, bottom), fill=_BAR)
        draw.text((left, bottom - height - 16), str(count), fill=_INK, font=font)
        draw.text((left, bottom + 6), label, fill=_INK, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
