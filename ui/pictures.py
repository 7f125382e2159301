"""Pictures on the pages: a picture as the query, results as a thumbnail grid, CLIP advice."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.errors import UserError
from core.pictures import PICTURE_SUFFIXES, PictureLimits, load_picture
from core.records import Chunk, Hit
from core.retrieval.encoders import Encoder
from core.retrieval.search import search_by_image_with_vector
from ui import resources
from ui.render import md_escape

NO_CLIP = (
    "No CLIP model is installed on this machine, so pictures cannot be searched. To add one, "
    "start a new collection with the model **Other** and type `clip-ViT-B-32` (downloaded once, "
    "with internet; `clip-ViT-B-32-multilingual-v1` for Chinese and other languages) or the path "
    "of a local CLIP folder. Every other page keeps working without it."
)
COLUMNS = 4


def clip_advice(encoder: Encoder) -> None:
    """In the sidebar of a text-only collection: how pictures would become searchable."""
    if not encoder.encodes_images:
        with st.sidebar.expander("Search pictures?", icon=":material/image:"):
            st.markdown(NO_CLIP)


def picture_query(encoder: Encoder, collection: str, k: int, clear: bool = False) -> bool:
    """A picture uploader for CLIP collections; True when a picture search was shown.

    clear: empty the uploader first (a question was just asked: it replaces the picture)."""
    if not encoder.encodes_images:
        clip_advice(encoder)
        return False
    if clear:  # a new key is a new, empty uploader
        st.session_state.picture_round = st.session_state.get("picture_round", 0) + 1
    upload = st.file_uploader(
        "…or search with a picture",
        type=[suffix.lstrip(".") for suffix in PICTURE_SUFFIXES],
        key=f"picture_query-{st.session_state.get('picture_round', 0)}",
        help="Finds the pictures (and, in a mixed collection, the passages) nearest to it.",
    )
    if upload is None:
        return False
    try:
        picture = load_picture(
            upload.getvalue(), upload.name, PictureLimits.from_settings(resources.settings())
        )
        vector, hits = search_by_image_with_vector(
            resources.store(), encoder, collection, picture.image, k
        )
    except UserError as error:
        st.error(str(error))
        return True
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.image(picture.thumbnail, caption=f"Query: {upload.name}", width=160)
        st.subheader("Nearest pictures")
        grid(hits)
        passages = [hit for hit in hits if not hit.chunk.is_image]
        for hit in passages:
            with st.container(border=True):
                st.markdown(f"**{hit.rank}. {md_escape(hit.chunk.where)}** · score {hit.score:.3f}")
                st.markdown(md_escape(hit.chunk.text))
    with right:
        st.subheader("Where the picture lands")
        atlas = resources.collection_map_or_none(collection)
        if atlas is not None:
            figure = atlas.figure("document", vector, hits, upload.name, compact=True)
            st.plotly_chart(figure, key="picture_map", width="stretch")
            st.caption(
                "The star is the picture, placed by the fitted map; numbered points are hits."
            )
    return True


def selected(chunks: Sequence[Chunk]) -> None:
    """Thumbnails of the pictures among chunks selected on a map, with file, page and caption."""
    pictures = [chunk for chunk in chunks if chunk.is_image]
    if not pictures:
        return
    originals = resources.originals()
    images, captions = [], []
    for chunk in pictures[:24]:
        thumbnail = originals.thumbnail(chunk.doc_sha, chunk.figure)
        if thumbnail is not None:
            images.append(thumbnail)
            captions.append(f"{chunk.where} {chunk.text[:60]}".strip())
    if images:
        st.image(images, caption=captions, width=160)


def grid(hits: Sequence[Hit]) -> None:
    """The picture hits as thumbnails with rank, score, file, page and caption."""
    pictures = [hit for hit in hits if hit.chunk.is_image]
    originals = resources.originals()
    for start in range(0, len(pictures), COLUMNS):
        for column, hit in zip(
            st.columns(COLUMNS), pictures[start : start + COLUMNS], strict=False
        ):
            chunk = hit.chunk
            with column:
                thumbnail = originals.thumbnail(chunk.doc_sha, chunk.figure)
                if thumbnail is not None:
                    st.image(thumbnail, width="stretch")
                else:
                    st.caption(":material/hide_image: no thumbnail kept")
                caption = f" · {md_escape(chunk.text)}" if chunk.text else ""
                st.markdown(
                    f"**{hit.rank}.** {md_escape(chunk.where)} · score {hit.score:.3f}{caption}"
                )
