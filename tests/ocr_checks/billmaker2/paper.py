"""A drawn bill as it comes back from a flatbed or a phone camera.

Scans: every page rasterised at 150-300 dpi, turned by a small skew, its gamma bent, grain
added, saved as an image-only PDF. Photos: the first page on a dark desk, seen in perspective,
darker towards one side, saved as JPEG with its pixels turned and the EXIF Orientation tag set
so a viewer shows it upright.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image


def _pages(pdf: bytes, dpi: int) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [
            doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for i in range(len(doc))
        ]
    finally:
        doc.close()


def scan(pdf: bytes, rng: random.Random, dpi: int | None = None) -> bytes:
    """An image-only PDF of every page, as a flatbed at a random resolution gives it back."""
    dpi = dpi or rng.choice((150, 200, 240, 300))
    gamma = rng.uniform(0.65, 1.5)
    noise = np.random.default_rng(rng.randrange(1 << 30))
    pages = []
    for image in _pages(pdf, dpi):
        skew = rng.uniform(-2.5, 2.5)
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        pixels = np.asarray(image, dtype=np.float32) / 255.0
        pixels = np.power(pixels, gamma) * 255.0
        pixels += noise.normal(0, rng.uniform(5, 12), pixels.shape)
        pages.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()


def photo(pdf: bytes, rng: random.Random, orientation: int | None = None) -> bytes:
    """A JPEG of the first page photographed on a desk (perspective, shade, EXIF rotation)."""
    page = _pages(pdf, rng.choice((150, 170, 190)))[0].convert("RGB")
    w, h = page.size
    pad = int(0.08 * max(w, h))
    desk = Image.new("RGB", (w + 2 * pad, h + 2 * pad), (58, 48, 40))
    desk.paste(page, (pad, pad))
    # Where the page's corners land: each pulled inwards a little, as a tilted phone sees them.
    jitter = [(rng.uniform(-0.03, 0.04) * w, rng.uniform(-0.03, 0.04) * h) for _ in range(4)]
    src = [(pad, pad), (pad + w, pad), (pad + w, pad + h), (pad, pad + h)]
    signs = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
    dst = [
        (x + sx * abs(jx), y + sy * abs(jy))
        for (x, y), (sx, sy), (jx, jy) in zip(src, signs, jitter, strict=True)
    ]
    seen = desk.transform(
        desk.size, Image.Transform.PERSPECTIVE, _coefficients(dst, src), Image.Resampling.BICUBIC
    )
    pixels = np.asarray(seen, dtype=np.float32)
    ramp = np.linspace(1.0, rng.uniform(0.55, 0.75), seen.width, dtype=np.float32)
    if rng.random() < 0.5:
        ramp = ramp[::-1]
    pixels *= ramp[None, :, None]
    shaded = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    # EXIF 6 = "turn 90 clockwise to view": store the pixels turned 90 the other way.
    turns = {1: None, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
    orientation = orientation or rng.choice(tuple(turns))
    turn = turns[orientation]
    stored = shaded if turn is None else shaded.transpose(turn)
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    stored.save(out, format="JPEG", quality=rng.choice((80, 88, 93)), exif=exif.tobytes())
    return out.getvalue()


def _coefficients(
    out_points: list[tuple[float, float]], in_points: list[tuple[float, float]]
) -> list[float]:
    """PIL's perspective coefficients mapping each output point to its input point."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(out_points, in_points, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    solved = np.linalg.solve(np.asarray(rows, dtype=np.float64), np.asarray(rhs, dtype=np.float64))
    return [float(c) for c in solved]
