"""The cited page of a passage, highlighted, and a download of the original file."""

from __future__ import annotations

from io import BytesIO

import streamlit as st

from core.errors import UserError
from core.records import Chunk
from ingest import images
from ingest.page_image import page_view
from ui import resources
from ui.render import md_escape

MAX_PAGES_SHOWN = 3  # a passage spans one or two pages; a long span shows its first pages


def page_toggle(chunk: Chunk) -> None:
    """A "Show page" switch for a passage card: its page(s) with the passage highlighted."""
    if not st.toggle("Show page", key=f"show-page-{chunk.id}"):
        return
    data = resources.originals().load(chunk.doc_sha)
    if data is None:
        st.caption("The original file is not kept (indexed before originals were kept).")
        return
    if chunk.page_start is not None:
        last = min(chunk.page_end or chunk.page_start, chunk.page_start + MAX_PAGES_SHOWN - 1)
        pages: list[int | None] = list(range(chunk.page_start, last + 1))
    else:
        pages = [None] if images.is_image(data, chunk.source) else []
    for page in pages:
        try:
            png, boxes = _highlighted_png(chunk.doc_sha, page, chunk.text, chunk.source)
        except UserError as error:
            st.warning(str(error))
            continue
        where = chunk.source if page is None else f"{chunk.source}, p. {page}"
        note = "passage highlighted" if boxes else "passage not located on this page"
        st.image(png, caption=f"{where} · {note}", width="stretch")
    if chunk.origin == "ocr" and chunk.ocr_confidence is not None:
        st.caption(f"Text read by OCR, mean confidence {chunk.ocr_confidence:.2f}.")
    st.download_button(
        f"Download {md_escape(chunk.source)}",
        data,
        file_name=chunk.source,
        key=f"download-{chunk.id}",
        icon=":material/download:",
    )


@st.cache_data(max_entries=32, show_spinner="Drawing the page…")
def _highlighted_png(sha256: str, page: int | None, text: str, source: str) -> tuple[bytes, int]:
    kept = resources.originals()
    data = kept.load(sha256) or b""
    ocr_lines = kept.ocr(sha256).get("" if page is None else str(page), [])
    view = page_view(data, page, text, ocr_lines=ocr_lines, label=source)
    buffer = BytesIO()
    view.image.save(buffer, "PNG")
    return buffer.getvalue(), view.boxes
