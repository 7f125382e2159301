"""Starting ingest jobs from a page and showing their progress without blocking the page."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.pictures import PictureLimits
from core.retrieval.chunking import ChunkConfig
from ingest.extract import Limits
from ingest.jobs import IngestJob, JobStatus, Upload
from ingest.pipeline import FileResult, Ingestor
from ui import resources
from ui.render import md_escape

_ICONS = {
    "indexed": ":green[:material/check_circle:]",
    "skipped": ":gray[:material/skip_next:]",
    "failed": ":red[:material/error:]",
}


def start(collection: str, model: str, uploads: list[Upload], chunking: ChunkConfig) -> None:
    """Start indexing in the background; the job lives in this session's state across reruns."""
    settings = resources.settings()
    ingestor = Ingestor(
        store=resources.store(),
        encoder=resources.encoder(model),
        collection=collection,
        chunking=chunking,
        limits=Limits(max_bytes=settings.max_file_bytes, max_pages=settings.max_pages),
        ocr=settings.ocr,
        cache=resources.embedding_cache(),
        pictures=PictureLimits.from_settings(settings),
        originals=resources.originals(),
    )
    baselines, store, encoder = resources.baseline_cache(), ingestor.store, ingestor.encoder
    # The first question then finds the collection measured (what unrelated questions score).
    measure = partial(baselines.get, store, encoder, collection)
    st.session_state.job = IngestJob(ingestor, uploads, then=measure).start()
    st.session_state.uploads_round = st.session_state.get("uploads_round", 0) + 1  # empty the box
    st.session_state.job_uploads = uploads
    st.session_state.collection = collection


def running() -> bool:
    job = st.session_state.get("job")
    return bool(job) and not job.status().done


def progress_panel() -> None:
    """Progress while a job runs (re-drawn on its own), then one line per file."""
    # An idle page must not tick: a tick racing a rerun that drew fewer elements blanked it.
    st.fragment(_progress_panel, run_every=0.7 if running() else None)()


def _progress_panel() -> None:
    job: IngestJob | None = st.session_state.get("job")
    if job is None:
        return
    status = job.status()
    if not status.done:
        _show_progress(status)
        return
    if st.session_state.get("job_seen") != job.id:
        st.session_state.job_seen = job.id
        st.rerun(scope="app")  # refresh the document list and the sidebar counts once
    show_results(status.results)
    if status.error:
        st.error(status.error)


def _show_progress(status: JobStatus) -> None:
    finished = len(status.results)
    fraction = finished / max(status.total_files, 1)
    if status.stage_total:
        fraction += status.stage_done / status.stage_total / max(status.total_files, 1)
    label = f"{finished}/{status.total_files} files · {status.stage} {md_escape(status.current)}"
    st.progress(min(fraction, 1.0), text=label)
    show_results(status.results)


def show_results(results: tuple[FileResult, ...]) -> None:
    for result in results:
        line = f"{_ICONS[result.status]} **{md_escape(result.source)}** — {result.status}: "
        line += md_escape(result.detail)
        for note in result.notes:
            line += f"  \n  ↳ {md_escape(note)}"
        st.markdown(line)


def needing_password() -> list[Upload]:
    """Uploads of the last job that failed for want of a (right) password."""
    job: IngestJob | None = st.session_state.get("job")
    if job is None or not job.status().done:
        return []
    uploads = st.session_state.get("job_uploads", [])
    # Results come in upload order; names can't be the key (two uploads may share one).
    return [upload for upload, r in zip(uploads, job.status().results) if r.needs_password]
