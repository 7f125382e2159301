"""The cited page rendered with the passage highlighted: PDF text layers, OCR'd pages, images."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import IngestError
from ingest.extract import extract
from ingest.page_image import PageViewError, line_boxes, match_chars, page_view
from tests import pdfs

LEFT = ["数据是大模型训练的基础，因此", "过滤和处理网页数据非常重要。", "这些数据资源需要清洗。"]
RIGHT = ["模型评测需要覆盖多种任务，", "包括问答、摘要和翻译等方面，", "结果表明规模越大越好。"]


def amber(image) -> np.ndarray:
    """A mask of the pixels tinted by the highlight over a white background."""
    pixels = np.asarray(image.convert("RGB")).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (r > 245) & (g > 225) & (g < 245) & (b > 150) & (b < 180)


def test_chinese_passage_across_two_columns_is_highlighted_line_by_line():
    data = pdfs.two_column_pdf(LEFT, RIGHT, title="大模型综述")
    passage = "".join(LEFT[1:]) + RIGHT[0]  # as chunked: the left column's end, then the right's
    view = page_view(data, 1, passage)
    assert (view.boxes, view.matched) == (3, 1.0)
    mask = amber(view.image)
    rows, columns = np.nonzero(mask)
    width, height = view.image.size
    assert columns.min() < width / 2 < columns.max()  # both columns are marked
    assert rows.min() > 0.09 * height  # the title (and the first left line's row) are not
    assert mask[: int(0.09 * height)].sum() == 0


def test_whitespace_hyphens_and_ligatures_do_not_stop_the_match():
    lines = ["The ﬁrst ofﬁce was an extraordi-", "narily well-known ﬂoor.", "Other."]
    data = pdfs.ligature_pdf(lines)
    chunk = extract(data, "lig.pdf", ocr=False).pages[0].text
    assert chunk == "The first office was an extraordinarily well-known floor. Other."
    view = page_view(data, 1, "The first office was an extraordinarily well-known floor.")
    assert (view.boxes, view.matched) == (2, 1.0)


def test_passage_from_another_document_is_not_found():
    data = pdfs.english_pdf(["Rivers carry sand to the sea."])
    view = page_view(data, 1, "Bread rises because yeast makes gas.")
    assert (view.boxes, view.matched) == (0, 0.0)
    assert amber(view.image).sum() == 0


def test_match_chars_maps_back_to_page_indices():
    indices, share = match_chars("ab cd\r\nef-\r\ngh", "cdefgh")
    assert indices == [3, 4, 7, 8, 12, 13] and share == 1.0


def test_line_boxes_merge_a_line_and_keep_lines_apart():
    boxes = [(0, 0, 5, 10), (5, 0, 10, 10), (10, 0, 12, 3), (0, -20, 5, -10)]
    assert line_boxes(boxes) == [(0, 0, 12, 10), (0, -20, 5, -10)]


def test_ocr_page_highlighted_from_its_ocr_lines():
    scan = ["扫描页面的中文文本识别测试", "Scanned pages are read by OCR"]
    data = pdfs.scanned_pdf([scan])
    page = extract(data, "scan.pdf").pages[0]
    lines = [{"text": line.text, "box": list(line.box)} for line in page.ocr_lines]
    view = page_view(data, 1, scan[0], ocr_lines=lines)
    assert view.boxes == 1
    assert amber(view.image).sum() > 0


def test_page_out_of_range_and_encrypted_files_say_why():
    data = pdfs.english_pdf(["One page."])
    with pytest.raises(PageViewError, match=r"^a\.pdf: has no page 2$"):
        page_view(data, 2, "One page.", label="a.pdf")
    locked = pdfs.encrypted_pdf(data, "s3cret")
    with pytest.raises(PageViewError, match=r"^a\.pdf: encrypted; its password is not kept"):
        page_view(locked, 1, "One page.", label="a.pdf")


def test_image_file_page_view_and_a_non_image():
    with pytest.raises(IngestError, match=r"^a\.png: not a PNG or JPEG image"):
        page_view(b"plain text", None, "x", label="a.png")
    view = page_view(pdfs.text_image(["Hello"]), None, "Hello", ocr_lines=[])
    assert view.boxes == 0 and view.image.size == (1400, 160)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_highlight_follows_a_rotated_page(rotation):
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdfs.english_pdf(["Turned page text."]))))
    writer.pages[0].rotate(rotation)
    buffer = BytesIO()
    writer.write(buffer)
    view = page_view(buffer.getvalue(), 1, "Turned page text.")
    assert view.boxes == 1
    pixels = np.asarray(view.image).astype(int)
    dark = pixels.max(axis=2) < 120  # the glyphs, highlighted or not
    rows, columns = np.nonzero(amber(view.image))
    inside = dark[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1].sum()
    assert dark.sum() > 50 and inside == dark.sum()  # every glyph lies under the highlight
