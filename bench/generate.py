"""Generated answers: time to first token, tokens/s, prompt size and peak memory per backend.

    python bench/generate.py [--backends extractive,local,openai] [--passages 3] [--max-tokens 32]
        [--runs 2] [--base-url URL --llm MODEL]

Passages are real paragraphs of samples/en/word-embeddings.md. `local` is the bundled SmolLM2-135M
GGUF in this process; `openai` is any endpoint given with --base-url/--llm, else `transformers
serve` started here on loopback over the same weights. Output tokens are counted with SmolLM2's
tokenizer for every backend. The extractive backend (no model) is the baseline of the ratios.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_note  # noqa: E402
from core.records import Chunk, Hit  # noqa: E402
from core.retrieval.answerability import accept_all  # noqa: E402
from core.retrieval.encoders import E5_SMALL, load_encoder  # noqa: E402
from core.retrieval.generate import (  # noqa: E402
    Extractive,
    Generation,
    Generator,
    LocalTransformers,
    OpenAICompatible,
    bundled_smollm2,
)

QUESTION = "How does FastText build vectors for words it has never seen?"


def passages(count: int) -> list[Hit]:
    text = (ROOT / "samples/en/word-embeddings.md").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if len(p.split()) > 30][:count]
    return [
        Hit(Chunk("0" * 64, i, p, "word-embeddings.md", None, None, 0, len(p), 0), 0.9, i + 1)
        for i, p in enumerate(paragraphs)
    ]


def rss_mb(pid: int | None = None) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


class PeakSampler:
    """The largest resident size of a process, sampled every 50 ms while running."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid, self.peak, self._done = pid, rss_mb(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def measure(
    name: str,
    generator: Generator,
    hits: list[Hit],
    runs: int,
    max_tokens: int,
    count,
    pid: int | None,
) -> dict:
    firsts, rates, prompt_tokens = [], [], 0
    for _ in Generation(
        generator, QUESTION, hits, accept_all(), 4, time_limit=600
    ):  # warm-up, not timed
        pass
    with PeakSampler(pid) as sampler:
        for _ in range(runs):
            generation = Generation(
                generator, QUESTION, hits, accept_all(), max_tokens, time_limit=600
            )
            started = time.perf_counter()
            for _piece in generation:
                pass
            total = time.perf_counter() - started
            result = generation.result()
            tokens = count(result.text)
            first = result.first_token_s or total
            firsts.append(first)
            # Extractive "pieces" are whole sentences at once: no generation rate to speak of.
            writes = generator.kind != "extractive" and tokens > 1
            rates.append(tokens / max(total - first, 1e-6) if writes else float("nan"))
            prompt_tokens = result.prompt.tokens
    row = {
        "backend": name,
        "first": statistics.median(firsts),
        "rate": statistics.median(rates),
        "prompt": prompt_tokens,
        "exact": generator.exact_tokens,
        "peak": sampler.peak,
    }
    rate = "    n/a" if row["rate"] != row["rate"] else f"{row['rate']:7.1f}"  # NaN: no rate
    print(
        f"{name:<11} first token {row['first'] * 1000:8.0f} ms   {rate} tokens/s   "
        f"prompt {'' if row['exact'] else '~'}{prompt_tokens} tokens   "
        f"peak RSS {row['peak']:.0f} MB{' (server)' if pid else ''}",
        flush=True,
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="extractive,local,openai")
    parser.add_argument("--passages", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--base-url", help="an OpenAI-compatible endpoint to measure instead")
    parser.add_argument("--llm", help="the endpoint's model name")
    args = parser.parse_args()
    backends = args.backends.split(",")
    hits = passages(args.passages)
    print(f"{cpu_note()}; {len(hits)} passages, {args.max_tokens} tokens max, {args.runs} runs")
    started = time.perf_counter()
    local = LocalTransformers(bundled_smollm2())
    print(f"SmolLM2-135M GGUF loaded in {time.perf_counter() - started:.1f} s")

    def count(text: str) -> int:
        return local.count_tokens(text)

    rows = []
    if "extractive" in backends:
        extractive = Extractive(load_encoder(E5_SMALL))
        rows.append(
            measure("extractive", extractive, hits, args.runs, args.max_tokens, count, None)
        )
    if "local" in backends:
        rows.append(measure("local", local, hits, args.runs, args.max_tokens, count, None))
    if "openai" in backends:
        server = None
        if args.base_url:
            generator, pid = OpenAICompatible(args.base_url, args.llm or ""), None
        else:
            from tests.llm import ServeProcess, export_folder

            folder = Path(tempfile.mkdtemp(prefix="bench-smollm2-"))
            export_folder(local, folder)
            started = time.perf_counter()
            server = ServeProcess(folder, folder / "serve.log")
            print(f"transformers serve ready in {time.perf_counter() - started:.1f} s")
            generator, pid = OpenAICompatible(server.base_url, server.model), server.process.pid
        try:
            rows.append(measure("openai", generator, hits, args.runs, args.max_tokens, count, pid))
        finally:
            if server is not None:
                server.kill()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this process peak RSS {peak:.0f} MB")
    base = next((row for row in rows if row["backend"] == "extractive"), None)
    if base is not None:
        for row in rows:
            if row is not base:
                print(
                    f"ratio {row['backend']}/extractive: first token "
                    f"{row['first'] / max(base['first'], 1e-6):.1f}x"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
