"""The command lines: chunking flags, replace, passwords, size limit, server and model errors."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.retrieval.chunking import ChunkConfig, chunk_pages
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.extract import Limits, extract
from ingest.pipeline import Ingestor
from tests import pdfs

ROOT = Path(__file__).resolve().parents[1]
RIVERS = " ".join(
    f"River {i} carries sand from the hills {i} and drops it on the inner bank of each bend."
    for i in range(30)
)


def _cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    # A scrubbed environment, as on a fresh machine: nothing a developer exported leaks in.
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(cwd), **env},
    )


def _expected_chunks(path: Path, encoder, config: ChunkConfig) -> list[str]:
    """The chunk texts the pipeline's own parts make of a file with this chunking."""
    data = path.read_bytes()
    pages = [(page.number, page.text) for page in extract(data, path.name).pages]
    sha = hashlib.sha256(data).hexdigest()
    chunks = chunk_pages(pages, encoder=encoder, doc_sha=sha, source=path.name, config=config)
    return [chunk.text for chunk in chunks]


def _stored_chunks(db: Path, collection: str) -> list[str]:
    store = open_store(Settings(data_dir=db))
    try:
        return [chunk.text for chunk in store.chunks(collection)]
    finally:
        store.close()


def test_chunk_tokens_overlap_and_replace(tmp_path, e5):
    note = tmp_path / "rivers.md"
    note.write_text(RIVERS, encoding="utf-8")
    db = tmp_path / "db"
    flags = [str(note), "--db", str(db), "--collection", "c"]
    small = _expected_chunks(note, e5, ChunkConfig(48, 0))
    larger = _expected_chunks(note, e5, ChunkConfig(96, 16))
    default = _expected_chunks(note, e5, ChunkConfig(Settings().chunk_tokens, 40))
    assert len({len(small), len(larger), len(default)}) == 3  # the flags make a difference

    run = _cli("-m", "ingest", *flags, "--chunk-tokens", "48", "--overlap", "0", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"rivers.md: indexed: {len(small)} chunks\n"
    assert _stored_chunks(db, "c") == small  # overlap 0 is honoured, not taken for "unset"

    # Without --replace an indexed file is skipped, whatever the chunking asked for.
    run = _cli("-m", "ingest", *flags, "--chunk-tokens", "96", "--overlap", "16", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, "rivers.md: skipped: already indexed\n")
    assert _stored_chunks(db, "c") == small

    run = _cli(
        "-m", "ingest", *flags, "--chunk-tokens", "96", "--overlap", "16", "--replace", cwd=tmp_path
    )
    assert (run.returncode, run.stdout) == (0, f"rivers.md: indexed: {len(larger)} chunks\n")
    assert _stored_chunks(db, "c") == larger  # the old chunks are gone, not mixed in


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--chunk-tokens", "8"], "error: chunk size must be at least 16 tokens\n"),
        (
            ["--chunk-tokens", "32", "--overlap", "32"],
            "error: overlap must be at least 0 and smaller than the chunk size\n",
        ),
        (
            ["--overlap", "-1"],
            "error: overlap must be at least 0 and smaller than the chunk size\n",
        ),
    ],
)
def test_bad_chunking_flags_are_refused(tmp_path, flags, message):
    note = tmp_path / "note.md"
    note.write_text("A short note.", encoding="utf-8")
    run = _cli("-m", "ingest", str(note), "--db", str(tmp_path / "db"), *flags, cwd=tmp_path)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", message)
    assert not (tmp_path / "db").exists()


def test_password_flag_opens_an_encrypted_pdf(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(
        pdfs.encrypted_pdf(pdfs.english_pdf(["The vault code is in the atlas."]), "pw")
    )
    flags = [str(locked), "--db", str(tmp_path / "db")]
    run = _cli("-m", "ingest", *flags, cwd=tmp_path)
    assert (run.returncode, run.stdout) == (1, "locked.pdf: failed: encrypted; give its password\n")
    run = _cli("-m", "ingest", *flags, "--password", "guess", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (
        1,
        "locked.pdf: failed: wrong password for this encrypted PDF\n",
    )
    run = _cli("-m", "ingest", *flags, "--password", "pw", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, "locked.pdf: indexed: 1 page, 1 chunk\n")
    assert _stored_chunks(tmp_path / "db", "library") == ["The vault code is in the atlas."]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, e5):
    big = tmp_path / "huge.pdf"
    with big.open("wb") as file:
        file.truncate(3 * 2**20 + 1)  # sparse: the size is on record, no data on disk
    small = tmp_path / "small.md"
    small.write_text("Small enough to read.", encoding="utf-8")
    watched = {str(big), str(small)}
    opened: list[str] = []

    def on_audit(event: str, args: tuple) -> None:
        if event == "open" and str(args[0]) in watched:
            opened.append(str(args[0]))

    sys.addaudithook(on_audit)  # hooks cannot be removed: this one only watches two paths
    try:
        store = open_store(Settings(data_dir=tmp_path / "db"))
        ingestor = Ingestor(
            store=store, encoder=e5, collection="c", limits=Limits(max_bytes=3 * 2**20)
        )
        results = ingestor.ingest_paths([big, small])
        store.close()
    finally:
        watched.clear()
    assert [r.line for r in results] == [
        "huge.pdf: failed: the file is too large (3,145,729 bytes; the limit is 3,145,728 bytes)",
        "small.md: indexed: 1 chunk",
    ]
    assert opened == [str(small)]  # the hook sees reads; the big file was never opened

    # The same refusal from the command line, with the limit from the environment.
    run = _cli(
        "-m", "ingest", str(big), "--db", str(tmp_path / "db2"), cwd=tmp_path, EE_MAX_FILE_MB="2"
    )
    assert (run.returncode, run.stdout) == (
        1,
        "huge.pdf: failed: the file is too large (3.0 MB; the limit is 2.0 MB)\n",
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_chroma_server_is_one_clear_line(tmp_path):
    port = _closed_port()
    note = tmp_path / "note.md"
    note.write_text("A short note.", encoding="utf-8")
    server = {"EE_CHROMA_HOST": "127.0.0.1", "EE_CHROMA_PORT": str(port)}
    for args in (["-m", "ingest", str(note)], ["-m", "core.search", "rivers"]):
        run = _cli(*args, cwd=tmp_path, **server)
        assert run.returncode == 2, run.stderr
        assert run.stdout == ""
        assert run.stderr.startswith(
            f"error: Could not reach the Chroma server at 127.0.0.1:{port} ("
        )
        assert run.stderr.endswith("); is it running?\n") and run.stderr.count("\n") == 1
    assert not (tmp_path / "data").exists()  # no local store made instead


def test_an_unknown_model_is_one_clear_line(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("A short note.", encoding="utf-8")
    run = _cli(
        "-m",
        "ingest",
        str(note),
        "--db",
        str(tmp_path / "db"),
        "--model",
        "no-such-model",
        cwd=tmp_path,
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("error: Could not load the model 'no-such-model' (")
    assert run.stderr.count("\n") == 1, run.stderr  # no retry chatter from the hub client
