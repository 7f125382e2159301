"""Extraction speed: pages/s per engine (pypdf, pdfminer.six, PDFium, OCR), and its share of ingest.

    python bench/extract.py [PDF...] [--pages 20] [--ocr-pages 2] [--repeat 2000] [--model minilm]

Documents: a generated one-column English file, a generated "real-style" file (two CJK columns
drawn row by row under a running header and a page-number footer), a scanned file (page images
only) for OCR, and any PDFs given. Then one generated file goes through the whole Ingestor, to
show the share of ingest time spent extracting, and a file of N identical pages is ingested
with the embedding cache against the target of one minute.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from io import BytesIO  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from bench.machine import cpu_note  # noqa: E402
from core.retrieval.embedding_cache import EmbeddingCache  # noqa: E402
from core.retrieval.encoders import load_encoder  # noqa: E402
from core.retrieval.store import open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest import pdfium  # noqa: E402
from ingest.extract import _second_extractor, extract  # noqa: E402
from ingest.ocr import read_image  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from tests import pdfs  # noqa: E402

REPEAT_TARGET_S = 60.0
ENGLISH = (
    "Rivers carry sand and silt down to the sea, and where they slow down they drop it.\n"
    "Over thousands of years the deposits build deltas, wide and flat, that feed farmland.\n"
    "Floods spread fresh soil over the plain, while dams upstream hold much of it back.\n"
)
LEFT = [
    "数据是大模型训练的基础，因此",
    "过滤和处理网页数据非常重要。",
    "这些数据资源需要仔细清洗。",
]
RIGHT = ["模型评测需要覆盖多种任务，", "包括问答、摘要和翻译等方面，", "结果表明规模越大效果越好。"]


def english(pages: int) -> bytes:
    return pdfs.english_pdf([f"Page {n}.\n" + ENGLISH * 8 for n in range(1, pages + 1)])


def real_style(pages: int) -> bytes:
    """Two CJK columns drawn row by row, with a running header; many lines per page."""
    page = pdfs.two_column_pdf(LEFT * 12, RIGHT * 12, title="© 2024 示例出版社 版权所有")
    return pdfs.join_pdfs(*[page] * pages)


def scanned(pages: int) -> bytes:
    lines = ["扫描页面的中文文本识别测试", "Scanned pages are read by OCR"]
    return pdfs.scanned_pdf([lines] * pages)


def per_page(count: int, read: Callable[[int], object]) -> float:
    """Seconds per page for read(index) over count pages."""
    start = time.perf_counter()
    for index in range(count):
        read(index)
    return (time.perf_counter() - start) / count


def engines(data: bytes, ocr: bool) -> dict[str, float]:
    """pages/s of each engine on one file."""
    reader = PdfReader(BytesIO(data))
    count = len(reader.pages)
    rates = {"pypdf": 1 / per_page(count, lambda i: reader.pages[i].extract_text())}
    start = time.perf_counter()
    _second_extractor(data, list(range(1, count + 1)), "")
    rates["pdfminer.six"] = count / (time.perf_counter() - start)
    with pdfium.opened(data) as document:
        rates["PDFium (reading order)"] = 1 / per_page(
            count, lambda i: pdfium.page_text(document, i)
        )
        if ocr:
            read_image(pdfium.render(document, 0)[0])  # model load and first-call set-up
            rates["OCR (PDFium render + RapidOCR)"] = 1 / per_page(
                count, lambda i: read_image(pdfium.render(document, i)[0])
            )
    return rates


def ingest_share(data: bytes, model: str, folder: Path) -> tuple[float, float, float]:
    """(extract s, whole ingest s, share) for one file through the Ingestor, no cache."""
    encoder = load_encoder(model)
    encoder.encode_documents(["warm-up"])
    start = time.perf_counter()
    extract(data, "share.pdf")
    extract_s = time.perf_counter() - start
    store = open_store(Settings(data_dir=folder / "share"))
    try:
        start = time.perf_counter()
        result = Ingestor(store, encoder, "share").ingest(data, "share.pdf")
        ingest_s = time.perf_counter() - start
    finally:
        store.close()
    assert result.status == "indexed", result.line
    return extract_s, ingest_s, extract_s / ingest_s


def repeated(pages: int, model: str, folder: Path) -> tuple[float, str]:
    page = "Every page of this file is the same. " + ENGLISH
    data = pdfs.english_pdf([page] * pages)
    settings = Settings(data_dir=folder / "repeat")
    store = open_store(settings)
    encoder = load_encoder(model)
    ingestor = Ingestor(
        store, encoder, "repeat", cache=EmbeddingCache(settings.embedding_cache_path)
    )
    try:
        start = time.perf_counter()
        result = ingestor.ingest(data, "repeat.pdf")
        elapsed = time.perf_counter() - start
    finally:
        store.close()
    return elapsed, result.line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="real PDFs to measure as well")
    parser.add_argument("--pages", type=int, default=20, help="pages per generated file")
    parser.add_argument("--ocr-pages", type=int, default=2, help="pages of the scanned file")
    parser.add_argument("--repeat", type=int, default=2000, help="identical pages (0: skip)")
    parser.add_argument("--model", default="e5-small")
    args = parser.parse_args()

    print(f"bench/extract.py: {cpu_note()}")
    documents = [
        (f"generated English, {args.pages} pages", english(args.pages), False),
        (f"real-style: 2 CJK columns + header, {args.pages} pages", real_style(args.pages), False),
        (f"scanned (images only), {args.ocr_pages} pages", scanned(args.ocr_pages), True),
    ] + [(path.name, path.read_bytes(), False) for path in args.paths]
    for name, data, ocr in documents:
        print(f"\n{name}: pages/s")
        rates = engines(data, ocr)
        baseline = rates["pypdf"]
        for engine, rate in rates.items():
            print(f"  {engine:34s} {rate:9.1f} pages/s   {rate / baseline:6.2f} x pypdf")

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        extract_s, ingest_s, share = ingest_share(english(args.pages), args.model, folder)
        print(f"\nshare of ingest spent extracting ({args.model}, {args.pages} English pages):")
        print(f"  extract {extract_s:.2f} s of {ingest_s:.2f} s ingest = {100 * share:.1f} %")
        if args.repeat:
            elapsed, line = repeated(args.repeat, args.model, folder)
            print(f"\n{args.repeat} identical pages through the Ingestor with the embedding cache:")
            print(f"  {line}")
            print(
                f"  {elapsed:.1f} s; target {REPEAT_TARGET_S:.0f} s: "
                f"{elapsed / REPEAT_TARGET_S:.2f} x the target "
                f"({'within' if elapsed < REPEAT_TARGET_S else 'OVER'})"
            )


if __name__ == "__main__":
    main()
