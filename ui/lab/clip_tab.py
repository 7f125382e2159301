"""Lesson: CLIP puts pictures and text in one space (images x captions, zero-shot labels)."""

from __future__ import annotations

from io import BytesIO

import pandas as pd
import streamlit as st
from PIL import Image

from core.classic.clip_lesson import PROMPT, similarity, similarity_heatmap, zero_shot
from core.errors import UserError
from core.pictures import PICTURE_SUFFIXES, PictureLimits, load_picture
from ui import resources
from ui.lab.common import Lab, explain
from ui.pictures import NO_CLIP

MAX_PICTURES = 8


def render(lab: Lab) -> None:
    explain(lab, "CLIP")
    encoder = resources.encoder(lab.selection.model)
    if not encoder.encodes_images:
        st.warning(
            lab.text(
                f"The collection's model ({encoder.name}) reads text only.",
                f"当前集合的模型（{encoder.name}）只能读取文本。",
            )
        )
        st.markdown(NO_CLIP)
        return
    names, images = _pictures(lab)
    if not images:
        st.info(lab.text("Upload a few pictures to start.", "请先上传几张图片。"))
        return
    captions = st.text_area(
        lab.text("Captions, one per line", "说明文字，每行一条"),
        "a photo of a dog\na photo of a cat\na chart with bars\na river in the mountains",
        key="clip_captions",
    ).splitlines()
    try:
        matrix = similarity(encoder, images, captions)
        kept = [caption.strip() for caption in captions if caption.strip()]
        st.plotly_chart(similarity_heatmap(matrix, names, kept), key="clip_heatmap")
        st.caption(
            lab.text(
                "Each row's best caption is outlined. Cosines of CLIP sit in a narrow band "
                "(~0.2-0.35): compare within a row, not across models.",
                "每行得分最高的说明文字带红框。CLIP 的余弦值集中在很窄的区间（约 0.2-0.35）："
                "请在同一行内比较，不要跨模型比较。",
            )
        )
        st.subheader(lab.text("Zero-shot labels", "零样本分类"))
        labels = st.text_input(
            lab.text("Labels, separated by commas", "类别，用逗号分隔"),
            "dog, cat, chart, river",
            key="clip_labels",
        )
        prompt = st.text_input(lab.text("Prompt", "提示模板"), PROMPT, key="clip_prompt")
        result = zero_shot(encoder, images, labels.replace("，", ",").split(","), prompt)
    except UserError as error:
        st.error(str(error))
        return
    table = pd.DataFrame(result.probabilities, index=names, columns=list(result.labels))
    st.dataframe(table.style.format("{:.0%}"), key="clip_zero_shot")


def _pictures(lab: Lab) -> tuple[list[str], list[Image.Image]]:
    """Uploaded pictures, else the collection's own (their thumbnails), at most MAX_PICTURES."""
    uploads = st.file_uploader(
        lab.text("Pictures", "图片"),
        type=[suffix.lstrip(".") for suffix in PICTURE_SUFFIXES],
        accept_multiple_files=True,
        key="clip_pictures",
    )
    limits = PictureLimits.from_settings(resources.settings())
    names: list[str] = []
    images: list[Image.Image] = []
    for upload in (uploads or [])[:MAX_PICTURES]:
        try:
            images.append(load_picture(upload.getvalue(), upload.name, limits).image)
            names.append(upload.name)
        except UserError as error:
            st.warning(str(error))
    if images or not lab.selection.exists:
        return _numbered(names), images
    originals = resources.originals()
    for chunk in resources.store().chunks(lab.selection.collection):
        thumbnail = originals.thumbnail(chunk.doc_sha, chunk.figure) if chunk.is_image else None
        if thumbnail is not None:
            images.append(Image.open(BytesIO(thumbnail)).convert("RGB"))
            names.append(chunk.where)
        if len(images) >= MAX_PICTURES:
            break
    if images:
        st.caption(lab.text("The collection's own pictures:", "集合中的图片："))
        st.image(images, caption=names, width=96)
    return _numbered(names), images


def _numbered(names: list[str]) -> list[str]:
    """Row labels of the heatmap must differ: two figures of one PDF share a file and page."""
    return [f"{i}. {name}" for i, name in enumerate(names, start=1)]
