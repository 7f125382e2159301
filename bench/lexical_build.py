"""The one-time BM25 build from kept term files: seconds and peak memory, against a git revision.

    python bench/lexical_build.py FOLDER [--against REV]

FOLDER is a collection's lexical folder (it holds docs/ and generation), e.g.
<data dir>/lexical/<collection>. Its term files are copied to a temporary folder for each run, so
FOLDER is never written, and LexicalIndex(copy).rebuild() runs in a fresh process: the code of
this checkout and, with --against REV (e.g. main), core/ as it was at that git revision, one after
the other on the same files. Each prints the build's seconds, the process's resident set before,
its peak during the build (VmHWM) and after it; with --against the two saved matrices are then
compared (same vocabulary, ids and CSC arrays, bit for bit) and the ratios printed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def status_gb(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in GiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def child(code: Path, folder: Path) -> None:
    """Build the index of folder with the core/ under code; print the figures as JSON."""
    sys.path.insert(0, str(code))
    import bm25s  # noqa: F401  (imported before timing, as the app has it by then)

    from core.retrieval.lexical import LexicalIndex

    before = status_gb("VmRSS")
    index = LexicalIndex(folder)
    start = time.perf_counter()
    index.rebuild()
    seconds = time.perf_counter() - start
    figures = {
        "seconds": seconds,
        "before_gb": before,
        "peak_gb": status_gb("VmHWM"),
        "after_gb": status_gb("VmRSS"),
        "chunks": index.chunk_count(),
    }
    print(json.dumps(figures))


def run(code: Path, source: Path, work: Path) -> tuple[dict, Path]:
    """Copy source's term files under work, build them in a fresh process with code's core/."""
    folder = work / "lexical"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copytree(source / "docs", folder / "docs")
    shutil.copy2(source / "generation", folder / "generation")
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(code), str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), folder / "built"


def export(rev: str, into: Path) -> str:
    """core/ of git revision rev under into; its short commit."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "core"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    short = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev], check=True, capture_output=True
    )
    return short.stdout.decode().strip()


def same_matrix(one: Path, other: Path) -> bool:
    import numpy as np

    for name in ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"):
        a, b = np.load(one / name), np.load(other / name)
        if a.dtype != b.dtype or not np.array_equal(a, b):
            return False
    return all(
        json.loads((one / name).read_text(encoding="utf-8"))
        == json.loads((other / name).read_text(encoding="utf-8"))
        for name in ("vocab.index.json", "ee_ids.json")
    )


def line(label: str, figures: dict) -> str:
    return (
        f"  {label:<28} {figures['seconds']:7.1f} s   RSS before {figures['before_gb']:.2f} GB, "
        f"peak {figures['peak_gb']:.2f} GB, after {figures['after_gb']:.2f} GB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a collection's lexical folder (docs/ inside)")
    parser.add_argument("--against", metavar="REV", help="also build with core/ of REV (git)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.folder)
        return
    if not (args.folder / "docs").is_dir() or not (args.folder / "generation").is_file():
        raise SystemExit(
            f"error: {args.folder} holds no docs/ and generation: not a lexical folder"
        )
    with tempfile.TemporaryDirectory(prefix="ee-bench-bm25-") as temp:
        work = Path(temp)
        new, new_built = run(ROOT, args.folder, work / "new")
        print(f"BM25 build of {args.folder} ({new['chunks']:,} chunks)")
        print(line("this checkout", new))
        if args.against is None:
            return
        (work / "old").mkdir()
        commit = export(args.against, work / "old")
        old, old_built = run(work / "old", args.folder, work / "old")
        print(line(f"{args.against} ({commit})", old))
        same = same_matrix(new_built, old_built)
        grown = (new["peak_gb"] - new["before_gb"]) / (old["peak_gb"] - old["before_gb"])
        print(
            f"  same saved matrix, vocabulary and ids: {'yes' if same else 'NO'}; "
            f"peak {new['peak_gb'] / old['peak_gb']:.2f}x, "
            f"peak above the start {grown:.2f}x, "
            f"time {new['seconds'] / old['seconds']:.2f}x of {args.against}'s"
        )


if __name__ == "__main__":
    main()
