"""Library: add files to a collection, watch them being indexed, inspect and delete documents."""

import pandas as pd
import streamlit as st

from core.errors import UserError
from core.retrieval.chunking import ChunkConfig
from core.retrieval.originals import delete_document
from ingest.queue import Upload
from ui import jobs, resources
from ui.layout import page
from ui.limits import upload_limit_mb
from ui.render import md_escape
from ui.sidebar import collection_picker

page("Library")
st.title("Library")
jobs.progress_panel()  # before anything that may stop the page, so its place never moves
selection = collection_picker()
settings = resources.settings()

with st.expander("Chunking: how documents are cut before encoding"):
    st.caption(
        "Chunks are whole sentences (English . ! ? and Chinese 。！？；) packed up to the size "
        "below, measured in the model's own tokens. Overlap repeats trailing sentences of one "
        "chunk at the start of the next, so an answer cut by a boundary is still found."
    )
    chunk_tokens = st.slider("Chunk size (tokens)", 32, 480, settings.chunk_tokens, step=8)
    overlap = st.slider(
        "Overlap (tokens)", 0, chunk_tokens // 2, min(settings.chunk_overlap, chunk_tokens // 2)
    )

chunking = ChunkConfig(chunk_tokens, overlap)

st.markdown(f"Add files to **{md_escape(selection.collection)}** (model `{selection.model}`)")
files = st.file_uploader(
    "PDF, text, Markdown or image files",
    type=["pdf", "txt", "md", "markdown", "png", "jpg", "jpeg", "webp"],
    accept_multiple_files=True,
    key=f"uploads-{st.session_state.get('uploads_round', 0)}",
    max_upload_size=upload_limit_mb(settings),
    help=f"PDF, plain text or Markdown, up to {upload_limit_mb(settings)} MB and "
    f"{settings.max_pages} pages each; PNG or JPEG images of text pages are read by OCR, as are "
    "PDF pages without a text layer (seconds per page). In a collection with a CLIP model, "
    "PNG, JPEG and WebP files are indexed as pictures, and PDFs bring their figures too. "
    "Files already indexed are skipped.",
)
if st.button("Index files", type="primary", disabled=not files):  # queued behind any running
    uploads = [Upload(file.name, file.getvalue()) for file in files]
    jobs.start(selection.collection, selection.model, uploads, chunking)
    st.rerun()  # shows the progress, with the upload box emptied

locked = jobs.needing_password()
if locked:
    with st.form("passwords"):
        st.warning("Some PDFs are encrypted. Give their passwords to index them.")
        passwords = [
            st.text_input(f"Password for {md_escape(upload.name)}", type="password", key=f"pw{i}")
            for i, upload in enumerate(locked)
        ]
        if st.form_submit_button("Unlock and index"):
            retry = [Upload(u.name, u.data, p) for u, p in zip(locked, passwords) if p]
            jobs.start(selection.collection, selection.model, retry, chunking)
            st.rerun()

st.subheader("Documents")
documents = resources.store().documents(selection.collection) if selection.exists else []
if not documents:
    st.info("No documents yet: add files above, or load the sample corpus from the Home page.")
    st.stop()

table = pd.DataFrame(
    [
        {
            "Name": d.source,
            "Pages": d.pages,
            "Chunks": d.chunks,
            "Model": d.model,
            "Added (UTC)": d.added_at[:19].replace("T", " "),
            "Notes": d.notes,
        }
        for d in documents
    ]
)
st.dataframe(table, hide_index=True, width="stretch")

by_label = {f"{d.source} · {d.sha256[:8]}": d for d in documents}
left, right = st.columns([3, 1], vertical_alignment="bottom")
label = left.selectbox("Document", list(by_label), key="doc_choice")
document = by_label[label]
if right.button("Delete", icon=":material/delete:", help="Removes the document and all its chunks"):
    try:
        delete_document(
            resources.store(), resources.originals(), selection.collection, document.sha256
        )
    except UserError as error:  # another process holds the data folder
        st.error(str(error))
    else:
        st.toast(f"Deleted {md_escape(document.source)}")
        st.rerun()

st.subheader("What was indexed")
st.caption("Each chunk exactly as stored and encoded, with its pages and size in tokens.")
for chunk in resources.store().chunks(selection.collection, document.sha256):
    where = chunk.page_label or "text"
    if chunk.origin == "ocr":  # say how the text was obtained: OCR can misread
        where += " · OCR" + (f" {chunk.ocr_confidence:.2f}" if chunk.ocr_confidence else "")
    with st.expander(f"Chunk {chunk.index + 1} · {where} · {chunk.token_count} tokens"):
        st.markdown(md_escape(chunk.text))
