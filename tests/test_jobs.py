"""Ingest jobs: a persistent queue, a worker process, and what survives kill -9 of either side."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core.records import Chunk, Document
from core.retrieval.chunking import ChunkConfig
from core.retrieval.store import Store, open_store
from core.settings import Settings
from ingest.pipeline import FileResult, Prepared
from ingest.queue import MAX_ATTEMPTS, JobQueue, JobSpec, Upload
from ingest.service import IngestService
from tests.pdfs import english_pdf

ROOT = Path(__file__).resolve().parents[1]
OWNER = "a" * 32

TEXTS = {
    f"note-{i}.md": " ".join(f"Note {i} sentence {j} is about topic {i}." for j in range(30))
    for i in range(6)
}


def _wait_done(queue: JobQueue, job: str, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = queue.job(job)
        if view is not None and view.done:
            return view
        time.sleep(0.2)
    raise AssertionError(f"job {job} not done within {timeout} s: {queue.job(job)}")


def _assert_consistent(store: Store, collection: str) -> None:
    """Every listed document has exactly its chunks; no chunk belongs to an unlisted one.

    Read between writes: the app's ingest thread may be storing a document (its chunks first,
    its listing last), and a snapshot taken in the middle of that is not a state it left."""
    with store.writing():
        documents = store.documents(collection)
        chunks = store.chunks(collection)
    listed = {d.sha256: d.chunks for d in documents}
    counts: dict[str, int] = {}
    for chunk in chunks:
        counts[chunk.doc_sha] = counts.get(chunk.doc_sha, 0) + 1
    assert counts == listed


@pytest.fixture
def service(tmp_path):
    settings = Settings(data_dir=tmp_path)
    store = open_store(settings)
    measured: list[str] = []
    service = IngestService(settings, store, measure=lambda c, e: measured.append(c)).start()
    service.measured = measured  # what the test reads back
    yield service
    service.stop()
    _kill_worker(service.queue)
    store.close()


def test_a_job_runs_in_a_worker_process_and_its_results_are_kept(service, minilm, tmp_path):
    uploads = [Upload("ok.md", b"Fine text about rivers."), Upload("bad.pdf", b"nope")]
    job = service.submit(OWNER, JobSpec("c", minilm.name), uploads, minilm)
    view = _wait_done(service.queue, job)
    assert [r.line for r in view.results] == [
        "ok.md: indexed: 1 chunk",
        "bad.pdf: failed: not a PDF file (it has no PDF header)",
    ]
    log = (tmp_path / "jobs" / "worker.log").read_text()
    assert "preparing ok.md" in log and "preparing bad.pdf" in log  # another process did it
    assert [d.source for d in service._store.documents("c")] == ["ok.md"]
    # A new queue on the same folder (a restarted app) sees the same job, for its owner only.
    again = JobQueue(tmp_path / "jobs")
    assert [v.id for v in again.jobs(OWNER)] == [job]
    assert again.jobs("b" * 32) == []
    assert not any((tmp_path / "jobs" / "uploads").iterdir())  # the bytes are not kept


def test_two_jobs_with_overlapping_files_store_each_file_once(service, minilm):
    uploads = [Upload(name, text.encode()) for name, text in TEXTS.items()]
    spec = JobSpec("shared", minilm.name)
    first = service.submit(OWNER, spec, uploads[:4], minilm)
    second = service.submit("b" * 32, spec, uploads[2:], minilm)
    results = _wait_done(service.queue, first).results + _wait_done(service.queue, second).results
    assert sorted(r.status for r in results) == ["indexed"] * 6 + ["skipped"] * 2
    assert sorted(d.source for d in service._store.documents("shared")) == sorted(TEXTS)
    _assert_consistent(service._store, "shared")
    # Submitted again once stored: skipped at once, without a worker.
    third = service.submit(OWNER, spec, uploads[:1], minilm)
    assert [r.status for r in service.queue.job(third).results] == ["skipped"]


def test_the_collection_is_measured_once_after_a_job_indexed_something(service, minilm):
    note = Upload("a.md", b"Sourdough rises because yeast makes gas.")
    spec = JobSpec("notes", minilm.name)
    _wait_done(service.queue, service.submit(OWNER, spec, [note], minilm))
    deadline = time.monotonic() + 10
    while not service.measured and time.monotonic() < deadline:
        time.sleep(0.1)
    assert service.measured == ["notes"]
    _wait_done(service.queue, service.submit(OWNER, spec, [note], minilm))  # skipped
    time.sleep(1)  # several service steps
    assert service.measured == ["notes"]


def _prepared(text: str) -> Prepared:
    sha = f"{abs(hash(text)):064d}"[:64]
    chunk = Chunk(sha, 0, text, "a.md", None, None, 0, len(text), 3)
    document = Document(sha, "a.md", "text", None, 1, "m", "2026-12-01T00:00:00+00:00")
    result = FileResult("a.md", "indexed", "1 chunk", chunks=1, sha256=sha, notes=("n",))
    return Prepared(document, (chunk,), np.ones((1, 4), np.float32), result, {}, {7: b"\x89P"})


def test_a_file_moves_through_the_queue_and_a_lost_worker_is_recovered(tmp_path):
    queue = JobQueue(tmp_path)
    spec = JobSpec("c", "m", ChunkConfig(64, 8), replace=True)
    job = queue.submit(OWNER, spec, [Upload("a.md", b"text", password="pw")])
    item = queue.claim()
    assert (item.name, item.password, item.spec) == ("a.md", "pw", spec)
    assert queue.upload(item) == b"text"
    assert queue.claim() is None  # one file, taken
    queue.progress(item, "encoding", 2, 5)
    (state,) = queue.job(job).files
    assert (state.state, state.stage, state.stage_done, state.stage_total) == (
        "preparing",
        "encoding",
        2,
        5,
    )
    # The worker died: a new one recovers the file, until it has failed too often.
    for _ in range(MAX_ATTEMPTS - 1):
        queue.recover()
        assert queue.claim() == item
    queue.recover()
    (result,) = queue.job(job).results
    assert result.status == "failed" and "interrupted 3 times" in result.detail
    assert queue.claim() is None


def test_a_prepared_file_is_staged_and_taken_again_if_its_committer_died(tmp_path):
    queue = JobQueue(tmp_path)
    queue.submit(OWNER, JobSpec("c", "m"), [Upload("a.md", b"text")])
    item = queue.claim()
    prepared = _prepared("some text")
    queue.prepared(item, prepared)
    taken, staged, again = queue.claim_prepared()
    assert taken == item and not again
    assert staged.document == prepared.document and staged.chunks == prepared.chunks
    assert staged.result == prepared.result and staged.thumbnails == {7: b"\x89P"}
    assert np.array_equal(staged.vectors, prepared.vectors)
    assert queue.claim_prepared() is None  # this (live) process is committing it
    with queue._transaction() as db:  # as if a process that no longer exists had taken it
        db.execute("UPDATE files SET holder = 2147483646")
    taken, _, again = queue.claim_prepared()
    assert taken == item and again
    queue.finish(item, prepared.result)
    assert queue.claim_prepared() is None
    assert not any((tmp_path / "staged").iterdir())


_KILLED_AS_IT_COMMITS = """
import os, signal, sys
from pathlib import Path
from ingest.queue import JobQueue, _Connection

queue = JobQueue(Path(sys.argv[1]))
item, prepared, _ = queue.claim_prepared()
execute = _Connection.execute
def killed_at_commit(db, sql, *args):
    if sql == "COMMIT":
        os.kill(os.getpid(), signal.SIGKILL)
    return execute(db, sql, *args)
_Connection.execute = killed_at_commit
queue.finish(item, prepared.result)
"""


def test_a_committer_killed_as_it_records_a_result_leaves_the_file_to_be_taken_again(tmp_path):
    queue = JobQueue(tmp_path)
    job = queue.submit(OWNER, JobSpec("c", "m"), [Upload("a.md", b"text")])
    prepared = _prepared("some text")
    queue.prepared(queue.claim(), prepared)
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_AS_IT_COMMITS, str(tmp_path)], cwd=ROOT, timeout=60
    )
    assert killed.returncode == -signal.SIGKILL
    taken, staged, again = queue.claim_prepared()
    assert again and staged.chunks == prepared.chunks
    assert queue.upload(taken) == b"text"
    assert queue.job(job).results == ()


def test_files_left_by_a_process_killed_after_finishing_are_swept_by_the_next_worker(tmp_path):
    queue = JobQueue(tmp_path)
    job = queue.submit(OWNER, JobSpec("c", "m"), [Upload("a.md", b"a"), Upload("b.md", b"b")])
    queue.finish(queue.claim(), FileResult("a.md", "failed", "unreadable"))
    leftovers = [
        tmp_path / "uploads" / f"{job}-0",
        tmp_path / "staged" / f"{job}-0.npz",
        tmp_path / "staged" / f"{job}-1.0123.tmp.npz",
    ]
    for path in leftovers:
        path.write_bytes(b"left behind")
    queue.recover()
    assert not any(path.exists() for path in leftovers)
    assert queue.upload(queue.claim()) == b"b"  # the file still waiting keeps its bytes


# -- kill -9 ---------------------------------------------------------------------------------


def _kill_uploads() -> list[Upload]:
    rng = random.Random(3)
    words = [
        "river",
        "delta",
        "current",
        "sediment",
        "bank",
        "flood",
        "estuary",
        "meander",
        "channel",
        "basin",
    ]
    uploads = [
        Upload(
            f"long-{i}.md",
            " ".join(
                f"{rng.choice(words).title()} {i}-{j} " + " ".join(rng.choices(words, k=12)) + "."
                for j in range(150)
            ).encode(),
        )
        for i in range(4)
    ]
    pages = [
        " ".join(f"Page {p} line {j} about {words[p % 10]}." for j in range(40)) for p in range(8)
    ]
    return [*uploads, Upload("report.pdf", english_pdf(pages))]


def _indexed_or_interrupted(results) -> None:
    for result in results:
        assert result.status == "indexed" or "interrupted" in result.detail, result.line


def test_killing_the_worker_ten_times_loses_nothing_and_shows_nothing_half_done(service, minilm):
    rng = random.Random(11)
    uploads = _kill_uploads()
    job = service.submit(OWNER, JobSpec("k", minilm.name, ChunkConfig(48, 8)), uploads, minilm)
    kills = 0
    deadline = time.monotonic() + 600
    while kills < 10 and time.monotonic() < deadline and not service.queue.job(job).done:
        pid = service.worker_pid
        if pid is None:
            time.sleep(0.1)
            continue
        time.sleep(rng.uniform(0.5, 4.0))  # loading, reading, encoding, staging: anywhere
        try:
            os.kill(pid, signal.SIGKILL)
            kills += 1
        except ProcessLookupError:
            pass
        _assert_consistent(service._store, "k")  # at every moment, not only at the end
    view = _wait_done(service.queue, job)
    assert kills >= 5  # the job outlived several kills
    assert len(view.results) == len(uploads)
    _indexed_or_interrupted(view.results)
    indexed = sorted(r.source for r in view.results if r.status == "indexed")
    assert sorted(d.source for d in service._store.documents("k")) == indexed
    _assert_consistent(service._store, "k")


def _kill_worker(queue: JobQueue) -> None:
    """The worker outlives the app by design; a test does not leave it behind."""
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(queue.worker_pid_file.read_text()), signal.SIGKILL)


def _start_app(data: Path) -> subprocess.Popen:
    env = {**os.environ, "EE_DATA_DIR": str(data)}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "ingest_app.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killing_the_app_ten_times_leaves_a_store_that_opens_and_finishes_the_job(tmp_path, minilm):
    rng = random.Random(5)
    queue = JobQueue(tmp_path / "jobs")
    uploads = _kill_uploads()
    job = queue.submit(OWNER, JobSpec("k", minilm.name, ChunkConfig(48, 8)), uploads)
    for _ in range(10):
        app = _start_app(tmp_path)
        time.sleep(rng.uniform(1.0, 6.0))
        app.send_signal(signal.SIGKILL)
        app.wait()
    app = _start_app(tmp_path)
    try:
        view = _wait_done(queue, job, timeout=600)
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait()
        _kill_worker(queue)
    assert len(view.results) == len(uploads)
    _indexed_or_interrupted(view.results)
    store = open_store(Settings(data_dir=tmp_path))  # opens cleanly after all that
    try:
        indexed = sorted(r.source for r in view.results if r.status == "indexed")
        assert sorted(d.source for d in store.documents("k")) == indexed
        _assert_consistent(store, "k")
        assert store.lexical_search("k", "sediment estuary", 3)  # the BM25 index is whole too
    finally:
        store.close()


def test_a_staged_file_lost_from_disk_is_reported_and_the_queue_goes_on(tmp_path):
    queue = JobQueue(tmp_path)
    job = queue.submit(OWNER, JobSpec("c", "m"), [Upload("a.md", b"a"), Upload("b.md", b"b")])
    for _ in range(2):
        queue.prepared(queue.claim(), _prepared("some text"))
    next((tmp_path / "staged").glob(f"{job}-0.npz")).write_bytes(b"not an npz")
    taken, _, _ = queue.claim_prepared()
    assert taken.name == "b.md"
    (lost,) = queue.job(job).results
    assert lost.line == (
        "a.md: failed: its prepared chunks were lost before they were stored; add it again"
    )
