"""Queueing ingest jobs from a page and showing this browser's jobs without blocking the page.

Jobs run in a worker process and are kept on disk (ingest.service), so they outlive a reload, a
closed browser and a restarted app. Whose jobs a page shows is a token in the page's address
(?session=…): a reload keeps it, another browser gets its own.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import datetime

import streamlit as st

from core.errors import UserError
from core.retrieval.chunking import ChunkConfig
from ingest.pipeline import FileResult
from ingest.queue import JobSpec, JobView, Upload
from ui import resources
from ui.render import md_escape

_ICONS = {
    "indexed": ":green[:material/check_circle:]",
    "skipped": ":gray[:material/skip_next:]",
    "failed": ":red[:material/error:]",
}
_TOKEN = re.compile(r"[0-9a-f]{32}")
_SHOWN = 5  # newest jobs listed; older ones are in the queue but not on the page


def owner() -> str:
    """This browser's token, kept in the session and in the address (which a reload keeps)."""
    token = st.session_state.get("owner") or st.query_params.get("session", "")
    if not _TOKEN.fullmatch(token):
        token = uuid.uuid4().hex
    st.session_state.owner = token
    if st.query_params.get("session") != token:
        st.query_params["session"] = token
    return token


def start(
    collection: str,
    model: str,
    uploads: list[Upload],
    chunking: ChunkConfig,
    follow: bool = True,
) -> None:
    """Queue the uploads; the job then runs whatever this page or browser does.

    follow: make the collection the session's current one (as adding files to it does)."""
    spec = JobSpec(collection, model, chunking)
    try:
        job = resources.ingest().submit(owner(), spec, uploads, resources.encoder(model))
    except UserError as error:
        st.error(str(error))
        return
    st.session_state.setdefault("job_uploads", {})[job] = uploads  # for passwords asked later
    st.session_state.uploads_round = st.session_state.get("uploads_round", 0) + 1  # empty the box
    if follow:
        st.session_state.collection = collection


def _jobs() -> list[JobView]:
    return resources.ingest().queue.jobs(owner(), limit=_SHOWN)


def running() -> bool:
    return any(not job.done for job in _jobs())


def progress_panel() -> None:
    """Progress while jobs run (re-drawn on its own), then one line per file."""
    # An idle page must not tick: a tick racing a rerun that drew fewer elements blanked it.
    st.fragment(_progress_panel, run_every=0.7 if running() else None)()


def _progress_panel() -> None:
    jobs = _jobs()
    if not jobs:
        return
    finished = {job.id for job in jobs if job.done}
    seen = st.session_state.setdefault("jobs_seen", set(finished))
    if finished - seen:  # a job just finished: refresh the document list and counts once
        seen |= finished
        st.rerun(scope="app")
    newest, *earlier = jobs
    for job in reversed([job for job in earlier if not job.done]):  # queued before the newest
        _show(job)
    _show(newest)
    for job in (job for job in earlier if job.done):  # one line each: the newest has the detail
        counts = Counter(result.status for result in job.results)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        st.caption(f"{_started(job)} into {md_escape(job.spec.collection)}: {summary}")


def _started(job: JobView) -> str:
    return "Job of " + datetime.fromtimestamp(job.created).strftime("%H:%M")


def _show(job: JobView) -> None:
    st.caption(f"{_started(job)} into **{md_escape(job.spec.collection)}**")
    if not job.done:
        finished = len(job.results)
        fraction = finished / max(len(job.files), 1)
        current = job.current
        label = f"{finished}/{len(job.files)} files"
        if current is not None:
            if current.stage_total:
                fraction += current.stage_done / current.stage_total / max(len(job.files), 1)
            label += f" · {current.stage} {md_escape(current.name)}"
        st.progress(min(fraction, 1.0), text=label)
        if finished == 0:
            st.caption(
                "Indexing runs in a worker process: you may leave this page or close the "
                "browser; this address shows the job again."
            )
    show_results(job.results)


def show_results(results: tuple[FileResult, ...]) -> None:
    for result in results:
        line = f"{_ICONS[result.status]} **{md_escape(result.source)}** — {result.status}: "
        line += md_escape(result.detail)
        for note in result.notes:
            line += f"  \n  ↳ {md_escape(note)}"
        st.markdown(line)


def needing_password() -> list[Upload]:
    """Uploads of this session's newest job that failed for want of a (right) password."""
    jobs = _jobs()
    if not jobs or not jobs[0].done:
        return []
    uploads = st.session_state.get("job_uploads", {}).get(jobs[0].id, [])
    # Results come in upload order; names can't be the key (two uploads may share one).
    return [upload for upload, r in zip(uploads, jobs[0].results) if r.needs_password]
