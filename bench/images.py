"""Pictures benchmark: thumbnailing and encoding images/s, PDF figure extraction pages/s.

Run from the repository root:  python -m bench.images [--images 40] [--side 1024] [--pages 20]
                                                      [--model CLIP_NAME_OR_FOLDER]

Without --model the tiny random CLIP of the tests is built in a temporary folder: its encoding
figure is the plumbing cost (processor, batching, normalising), not what a real CLIP costs
(clip-ViT-B-32 is ~90 M parameters; pass its name or folder where one is available). Each
figure comes with a baseline measured in the same run on the same data: thumbnailing against a
bare PIL decode, figure extraction against PDFium's text extraction of the same pages.
Wall-clock on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from core.pictures import load_picture  # noqa: E402
from core.retrieval.encoders import load_encoder  # noqa: E402
from ingest import pdfium  # noqa: E402
from ingest.figures import extract_figures  # noqa: E402

BATCH = 32


def photos(n: int, side: int, seed: int = 0) -> list[bytes]:
    """n JPEGs of side x 3/4 side: smooth gradients plus noise, closer to photos than pure noise."""
    rng = np.random.default_rng(seed)
    height = side * 3 // 4
    y, x = np.mgrid[0:height, 0:side]
    out = []
    for _ in range(n):
        base = np.stack([(x * rng.uniform(0.1, 0.3) + y * rng.uniform(0.1, 0.3)) % 256] * 3, -1)
        pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
        buffer = BytesIO()
        Image.fromarray(pixels, "RGB").save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def figure_pdf(pages: int, jpegs: list[bytes]) -> bytes:
    """pages pages, each a paragraph, two figures with 'Figure n:' captions, and 10 icons."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    icon = BytesIO()
    Image.new("RGB", (12, 12), "navy").save(icon, "PNG")
    for page in range(pages):
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 780, f"Page {page + 1}: rivers shape the land; water erodes the bank.")
        for slot in range(2):
            y = 470 - slot * 300
            jpeg = jpegs[(2 * page + slot) % len(jpegs)]  # a repeated image is one figure
            pdf.drawImage(ImageReader(BytesIO(jpeg)), 72, y, 300, 225)
            pdf.drawString(72, y - 16, f"Figure {2 * page + slot + 1}: a meander, seen from above.")
        for i in range(10):
            pdf.drawImage(ImageReader(BytesIO(icon.getvalue())), 400 + 14 * i, 780, 12, 12)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.1f}/s ({seconds:6.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--side", type=int, default=1024, help="pixels, longer side")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--model", help="a CLIP name or folder (default: the tiny random CLIP)")
    args = parser.parse_args()

    files = photos(args.images, args.side)
    print(f"{args.images} JPEGs of {args.side} x {args.side * 3 // 4}")
    start = time.perf_counter()
    for data in files:
        Image.open(BytesIO(data)).convert("RGB")
    bare = time.perf_counter() - start
    start = time.perf_counter()
    pictures = [load_picture(data, "bench.jpg").image for data in files]
    prepared = time.perf_counter() - start
    print(f"  PIL decode (baseline)        {rate(len(files), bare)}")
    print(
        f"  load + RGB + thumbnail        {rate(len(files), prepared)}"
        f"  ratio {bare / prepared:.2f} of the baseline's rate"
    )

    with tempfile.TemporaryDirectory() as folder:
        if args.model:
            name, label = args.model, args.model
        else:
            from tests.tiny_clip import build_tiny_clip

            name = str(build_tiny_clip(Path(folder) / "tiny-clip"))
            label = "tiny random CLIP (plumbing cost only)"
        encoder = load_encoder(name)
        encoder.encode_images(pictures[:2])  # warm-up: first-call allocations
        start = time.perf_counter()
        for first in range(0, len(pictures), BATCH):
            encoder.encode_images(pictures[first : first + BATCH])
        encoding = time.perf_counter() - start
        print(f"encode with {label}, {encoder.dimension}-d")
        print(f"  images                        {rate(len(pictures), encoding)}")

    pdf = figure_pdf(args.pages, photos(2 * args.pages, 400, seed=1))
    start = time.perf_counter()
    with pdfium.opened(pdf) as document:
        for index in range(len(document)):
            pdfium.page_text(document, index)
    text = time.perf_counter() - start
    start = time.perf_counter()
    found = extract_figures(pdf, "bench.pdf")
    figures = time.perf_counter() - start
    print(f"PDF of {args.pages} pages, 2 figures and 10 icons each")
    print(f"  PDFium text (baseline)        {rate(args.pages, text)}")
    print(
        f"  figures + captions            {rate(args.pages, figures)}"
        f"  ratio {text / figures:.2f} of the baseline's rate"
    )
    print(f"  found {len(found.figures)} figures; {'; '.join(found.notes)}")


if __name__ == "__main__":
    main()
