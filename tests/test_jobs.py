"""Background ingest jobs: progress while running, results at the end, concurrent jobs safe."""

from __future__ import annotations

from core.retrieval.store import open_store
from core.settings import Settings
from ingest.jobs import IngestJob, Upload
from ingest.pipeline import Ingestor

TEXTS = {
    f"note-{i}.md": " ".join(f"Note {i} sentence {j} is about topic {i}." for j in range(30))
    for i in range(6)
}


def test_two_jobs_at_once_leave_the_store_consistent(tmp_path, e5):
    store = open_store(Settings(data_dir=tmp_path))
    ingestor = Ingestor(store=store, encoder=e5, collection="shared")
    uploads = [Upload(name, text.encode()) for name, text in TEXTS.items()]
    # Both sessions upload overlapping files: the shared ones must be stored once.
    first = IngestJob(ingestor, uploads[:4]).start()
    second = IngestJob(ingestor, uploads[2:]).start()
    a, b = first.wait(60), second.wait(60)
    assert a.done and b.done and not a.error and not b.error
    statuses = sorted(r.status for r in a.results + b.results)
    assert statuses == ["indexed"] * 6 + ["skipped"] * 2
    documents = store.documents("shared")
    assert sorted(d.source for d in documents) == sorted(TEXTS)
    assert len(store.chunks("shared")) == sum(d.chunks for d in documents)
    store.close()


def test_a_job_reports_progress_and_a_failed_file(tmp_path, e5):
    store = open_store(Settings(data_dir=tmp_path))
    ingestor = Ingestor(store=store, encoder=e5, collection="c")
    stages = []
    job = IngestJob(ingestor, [Upload("ok.md", b"Fine text."), Upload("bad.pdf", b"nope")])
    job._on_progress = lambda stage, done, total: stages.append(stage)  # observe the callback
    status = job.start().wait(60)
    assert [r.line for r in status.results] == [
        "ok.md: indexed: 1 chunk",
        "bad.pdf: failed: not a PDF file (it has no PDF header)",
    ]
    assert {"reading", "encoding", "storing"} <= set(stages)
    assert status.current == "" and status.stage == "done"
    store.close()
