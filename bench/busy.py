"""Question latency while a big ingest runs, against the same questions on an idle app.

    python bench/busy.py [--model e5-small] [--pages 120] [--rounds 3]

A collection holds the sample corpus; the questions are the sample question set, asked through
the real search path (encode + hybrid search, k=5). They are timed three ways in one run: idle;
while a generated PDF of --pages pages is indexed by the ingest worker process (how the app
indexes); and while the same kind of PDF is indexed in a thread of the asking process (how the
app indexed before the worker). Prints p50/p95 of each and their ratio to idle.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import generate_pdf  # noqa: E402
from bench.machine import cpu_note  # noqa: E402
from core.retrieval.encoders import load_encoder  # noqa: E402
from core.retrieval.search import search  # noqa: E402
from core.retrieval.store import open_store  # noqa: E402
from core.settings import Settings  # noqa: E402
from ingest.pipeline import Ingestor, expand_paths  # noqa: E402
from ingest.queue import JobSpec, Upload  # noqa: E402
from ingest.service import IngestService  # noqa: E402

COLLECTION = "sample"


def questions() -> list[str]:
    lines = (ROOT / "samples" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def latencies(ask: Callable[[str], object], texts: list[str], until: Callable[[], bool]) -> list:
    """Ask the questions over and over until `until()` (at least one full round)."""
    times: list[float] = []
    while True:
        for text in texts:
            start = time.perf_counter()
            ask(text)
            times.append((time.perf_counter() - start) * 1000)
        if until():
            return times


def row(label: str, times: list[float], idle_p50: float) -> str:
    p50, p95 = np.percentile(times, [50, 95])
    return f"  {label:<44} {len(times):>5} {p50:>9.1f} {p95:>9.1f} {p50 / idle_p50:>8.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="e5-small")
    parser.add_argument("--pages", type=int, default=120, help="pages of the PDF being indexed")
    parser.add_argument("--rounds", type=int, default=3, help="idle rounds of the question set")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder))
        os.environ["EE_DATA_DIR"] = folder  # the worker process reads its settings from here
        store = open_store(settings)
        encoder = load_encoder(args.model)
        Ingestor(store, encoder, COLLECTION).ingest_paths(
            expand_paths([ROOT / "samples" / "en", ROOT / "samples" / "zh"])
        )
        texts = questions()

        def ask(text: str) -> object:
            return search(store, encoder, COLLECTION, text)

        print(f"bench/busy.py: model {encoder.name}, {len(texts)} questions, {cpu_note()}")
        rounds = iter(range(args.rounds - 1))
        idle = latencies(ask, texts, lambda: next(rounds, None) is None)
        idle_p50 = float(np.percentile(idle, 50))

        rng = random.Random(7)
        service = IngestService(settings, store).start()
        pdf = Upload("big-worker.pdf", generate_pdf(rng, args.pages, "Worker report"))
        job = service.submit("bench", JobSpec(COLLECTION, encoder.name), [pdf], encoder)
        start = time.perf_counter()
        busy = latencies(ask, texts, lambda: service.queue.job(job).done)
        worker_seconds = time.perf_counter() - start
        service.stop()

        other = Upload("big-thread.pdf", generate_pdf(rng, args.pages, "Thread report"))
        ingestor = Ingestor(store, encoder, COLLECTION)
        thread = threading.Thread(target=ingestor.ingest, args=(other.data, other.name))
        start = time.perf_counter()
        thread.start()
        threaded = latencies(ask, texts, lambda: not thread.is_alive())
        thread_seconds = time.perf_counter() - start
        store.close()

    print(f"  {'question latency, ms':<44} {'n':>5} {'p50':>9} {'p95':>9} {'vs idle':>9}")
    print(row("idle", idle, idle_p50))
    print(row(f"ingest in the worker process ({worker_seconds:.0f} s)", busy, idle_p50))
    print(row(f"ingest in a thread of the app ({thread_seconds:.0f} s)", threaded, idle_p50))


if __name__ == "__main__":
    main()
