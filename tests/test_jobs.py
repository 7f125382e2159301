"""Background ingest jobs: progress while running, results at the end, concurrent jobs safe."""

from __future__ import annotations

import itertools

from core.retrieval.store import open_store
from core.settings import Settings
from ingest.jobs import IngestJob, JobStatus, Upload
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


class _RecordingJob(IngestJob):
    """An ingest job that keeps every status a page could have read while it ran."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[JobStatus] = []

    def _update(self, **changes) -> None:
        super()._update(**changes)
        self.seen.append(self.status())


def test_a_job_reports_progress_and_a_failed_file(tmp_path, e5):
    store = open_store(Settings(data_dir=tmp_path))
    ingestor = Ingestor(store=store, encoder=e5, collection="c")
    job = _RecordingJob(ingestor, [Upload("ok.md", b"Fine text."), Upload("bad.pdf", b"nope")])
    status = job.start().wait(60)
    assert status.done
    assert [r.line for r in status.results] == [
        "ok.md: indexed: 1 chunk",
        "bad.pdf: failed: not a PDF file (it has no PDF header)",
    ]
    # What the progress bar shows, in order (repeats of one state collapsed): the pipeline's
    # own progress calls must reach status(), the only thing the page reads.
    shown = [(s.current, s.stage, s.stage_done, s.stage_total, len(s.results)) for s in job.seen]
    assert [state for state, _ in itertools.groupby(shown)] == [
        ("ok.md", "reading", 0, 1, 0),
        ("ok.md", "encoding", 0, 1, 0),
        ("ok.md", "encoding", 1, 1, 0),
        ("ok.md", "storing", 0, 1, 0),
        ("ok.md", "storing", 1, 1, 0),
        ("ok.md", "storing", 1, 1, 1),
        ("bad.pdf", "reading", 0, 1, 1),
        ("bad.pdf", "reading", 0, 1, 2),
        ("", "done", 0, 1, 2),
    ]
    assert all(not s.done for s in job.seen[:-1])
    store.close()


def test_the_work_that_follows_runs_once_something_was_indexed(tmp_path, minilm):
    store = open_store(Settings(data_dir=tmp_path))
    ingestor = Ingestor(store=store, encoder=minilm, collection="notes")
    calls: list[int] = []
    note = Upload("a.md", b"Sourdough rises because yeast makes gas.")
    first = IngestJob(ingestor, [note], then=lambda: calls.append(len(store.documents("notes"))))
    assert first.start().wait(120).results[0].status == "indexed"
    assert calls == [1]  # after the file was stored
    again = IngestJob(ingestor, [note], then=lambda: calls.append(-1))
    assert again.start().wait(120).results[0].status == "skipped"
    assert calls == [1]  # nothing new: nothing to measure
    store.close()
