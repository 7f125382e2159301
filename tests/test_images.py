"""Pictures into a CLIP collection: image files, PDF figures, bad input; the tiny random CLIP.

Plumbing only (shapes, storage, thumbnails, search): the random CLIP says nothing about quality.
"""

from __future__ import annotations

import dataclasses
import struct
import zlib
from io import BytesIO

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from core.errors import IngestError
from core.pictures import PictureLimits, load_picture
from core.retrieval.chunking import ChunkConfig
from core.retrieval.originals import Originals
from core.retrieval.search import search, search_by_image
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.figures import extract_figures
from ingest.pipeline import Ingestor
from tests import pdfs
from tests.tiny_clip import PROJECTION


def _pixels(seed: int, width: int = 64, height: int = 48) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels: a decompression bomb is refused on its header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def figure_pdf(icons: int = 0) -> bytes:
    """Page 1: a passage and a figure captioned 'Figure 3: ...'; page 2: a figure captioned
    '图 2. ...' under it; icons tiny images on page 1."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 770, "Rivers shape the land: water erodes the outer bank of each bend.")
    pdf.drawImage(ImageReader(BytesIO(_encoded(_pixels(1, 120, 90), "PNG"))), 72, 500, 240, 180)
    pdf.drawString(72, 480, "Figure 3: A meander migrating across its floodplain.")
    for i in range(icons):
        icon = ImageReader(BytesIO(_encoded(_pixels(100 + i, 8, 8), "PNG")))
        pdf.drawImage(icon, 72 + (i % 40) * 12, 100 + (i // 40) * 12, 8, 8)
    pdf.showPage()
    pdf.drawImage(ImageReader(BytesIO(_encoded(_pixels(2, 100, 100), "PNG"))), 72, 500, 200, 200)
    pdf.setFont(pdfs._cjk_font(), 12)
    pdf.drawString(72, 480, "图 2. 长江流域的三峡工程")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def ingestor(data_dir, clip):
    store = open_store(Settings(data_dir=data_dir))
    yield Ingestor(
        store=store,
        encoder=clip,
        collection="pictures",
        chunking=ChunkConfig(48, 8),
        originals=Originals(data_dir / "originals"),
        pictures=PictureLimits(max_pixels=4_000_000),
    )
    store.close()


def test_png_jpeg_and_webp_files_become_picture_chunks_with_thumbnails(ingestor, data_dir):
    files = {
        "a.png": _encoded(_pixels(1, 400, 300), "PNG"),
        "b.jpg": _encoded(_pixels(2), "JPEG"),
        "c.webp": _encoded(_pixels(3), "WEBP"),
    }
    for name, data in files.items():
        result = ingestor.ingest(data, name)
        assert result.status == "indexed", result.line
    assert ingestor.ingest(files["a.png"], "a.png").line == "a.png: skipped: already indexed"
    first = ingestor.ingest(files["a.png"], "a.png", replace=True)
    assert first.line == "a.png: indexed: picture, 400 x 300 pixels"
    chunks, vectors = ingestor.store.embeddings("pictures")
    assert vectors.shape == (3, PROJECTION)
    assert sorted(chunk.source for chunk in chunks) == ["a.png", "b.jpg", "c.webp"]
    assert all(chunk.kind == "image" and chunk.text == "" for chunk in chunks)
    assert {(chunk.index, chunk.figure) for chunk in chunks} == {(0, 0)}
    documents = {document.source: document for document in ingestor.store.documents("pictures")}
    assert {document.kind for document in documents.values()} == {"image"}
    originals = Originals(data_dir / "originals")
    sha = documents["a.png"].sha256
    assert originals.load(sha) == files["a.png"]
    thumbnail = Image.open(BytesIO(originals.thumbnail(sha, 0)))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (256, 192))


def test_an_image_searched_by_itself_ranks_first(ingestor):
    images = [_pixels(seed) for seed in range(6)]
    for seed, image in enumerate(images):
        assert ingestor.ingest(_encoded(image, "PNG"), f"{seed}.png").status == "indexed"
    for seed in (0, 3, 5):
        hits = search_by_image(ingestor.store, ingestor.encoder, "pictures", images[seed], k=6)
        assert [hit.rank for hit in hits] == [1, 2, 3, 4, 5, 6]
        assert hits[0].chunk.source == f"{seed}.png"
        assert hits[0].score == pytest.approx(1.0, abs=1e-4)
    text_hits = search(ingestor.store, ingestor.encoder, "pictures", "a photo of a dog", k=3)
    assert len(text_hits) == 3 and all(hit.chunk.kind == "image" for hit in text_hits)


def test_exif_orientation_is_applied():
    image = _pixels(4, 60, 30)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    picture = load_picture(_encoded(image, "JPEG", exif=exif), "turned.jpg")
    assert (picture.width, picture.height) == (30, 60)
    assert picture.image.size == (30, 60)


def test_cmyk_palette_transparent_and_animated_pictures_become_rgb():
    cmyk = _encoded(_pixels(5).convert("CMYK"), "JPEG")
    palette = _encoded(_pixels(6).convert("P"), "PNG")
    clear = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    frames = [_pixels(7), _pixels(8)]
    animated = _encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])
    for data in (cmyk, palette, _encoded(clear, "PNG"), animated):
        assert load_picture(data, "x").image.mode == "RGB"
    assert load_picture(_encoded(clear, "PNG"), "x").image.getpixel((0, 0)) == (255, 255, 255)
    first = np.asarray(load_picture(animated, "x").image)
    np.testing.assert_array_equal(first, np.asarray(frames[0]))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.png", b"just some text, not a picture", "not a PNG, JPEG or WebP image"),
        ("cut.jpg", _encoded(_pixels(9, 300, 300), "JPEG")[:600], "damaged image"),
        ("bomb.png", _png_header_only(30000, 30000), "the image is too large"),
        ("big.png", _png_header_only(3000, 3000), r"more than 4 megapixels"),
        ("dot.png", _encoded(_pixels(10, 1, 1), "PNG"), r"too small to index \(1 x 1 pixels"),
    ],
)
def test_bad_pictures_fail_with_a_sentence_and_keep_what_was_stored(ingestor, name, data, message):
    good = _encoded(_pixels(11), "PNG")
    assert ingestor.ingest(good, "good.png").status == "indexed"
    result = ingestor.ingest(data, name)
    assert result.status == "failed"
    assert result.line.startswith(f"{name}: failed: ")
    with pytest.raises(IngestError, match=message):
        load_picture(data, name, PictureLimits(max_pixels=4_000_000))
    assert [document.source for document in ingestor.store.documents("pictures")] == ["good.png"]
    hits = search_by_image(ingestor.store, ingestor.encoder, "pictures", _pixels(11), k=1)
    assert hits[0].chunk.source == "good.png"


def test_pdf_figures_come_with_page_and_caption_and_icons_are_left_out():
    found = extract_figures(figure_pdf(icons=50), "paper.pdf")
    assert [(figure.page, figure.caption) for figure in found.figures] == [
        (1, "Figure 3: A meander migrating across its floodplain."),
        (2, "图 2. 长江流域的三峡工程"),
    ]
    assert [figure.picture.width for figure in found.figures] == [120, 100]
    assert found.notes == ("50 images under 64 pixels left out (icons)",)
    few = extract_figures(figure_pdf(), "paper.pdf", limits=PictureLimits(max_figures=1))
    assert len(few.figures) == 1
    assert few.notes == ("1 more figure past the limit of 1 left out (EE_MAX_FIGURES)",)


def test_a_pdf_in_a_clip_collection_stores_passages_and_figures_in_one_space(ingestor, data_dir):
    result = ingestor.ingest(figure_pdf(icons=3), "paper.pdf")
    assert result.status == "indexed", result.line
    assert result.detail.startswith("2 pages, ")
    assert ", 2 figures" in result.detail
    assert "3 images under 64 pixels left out (icons)" in result.notes
    chunks = ingestor.store.chunks("pictures")
    texts = [chunk for chunk in chunks if chunk.kind == "text"]
    figures = [chunk for chunk in chunks if chunk.kind == "image"]
    assert texts and all(chunk.token_count <= 77 for chunk in texts)
    assert [(c.page_start, c.text) for c in figures] == [
        (1, "Figure 3: A meander migrating across its floodplain."),
        (2, "图 2. 长江流域的三峡工程"),
    ]
    assert [(c.index, c.figure) for c in figures] == [(len(texts), 0), (len(texts) + 1, 1)]
    originals = Originals(data_dir / "originals")
    for chunk in figures:
        thumbnail = originals.thumbnail(chunk.doc_sha, chunk.figure)
        assert Image.open(BytesIO(thumbnail)).format == "JPEG"
    figure = extract_figures(figure_pdf(), "paper.pdf").figures[1].picture.image
    hits = search_by_image(ingestor.store, ingestor.encoder, "pictures", figure, k=len(chunks))
    assert (hits[0].chunk.kind, hits[0].chunk.page_start) == ("image", 2)
    assert {hit.chunk.kind for hit in hits} == {"image", "text"}  # image -> text works too


def test_one_pdf_in_two_chunkings_keeps_each_figure_its_own_thumbnail(ingestor, data_dir):
    data = figure_pdf()
    expected = [figure.picture.thumbnail for figure in extract_figures(data, "p.pdf").figures]
    fine = dataclasses.replace(ingestor, collection="fine", chunking=ChunkConfig(16, 0))
    for each in (ingestor, fine):
        assert each.ingest(data, "p.pdf").status == "indexed"
    originals = Originals(data_dir / "originals")
    starts = []
    for collection in ("pictures", "fine"):
        figures = [c for c in ingestor.store.chunks(collection) if c.kind == "image"]
        starts.append(figures[0].index)
        thumbnails = [originals.thumbnail(c.doc_sha, c.figure) for c in figures]
        assert thumbnails == expected
    assert starts[0] != starts[1]  # the figures sit at different chunk indexes


def test_a_text_collection_still_reads_images_by_ocr(tmp_path, minilm):
    store = open_store(Settings(data_dir=tmp_path / "data"))
    try:
        ingestor = Ingestor(store=store, encoder=minilm, collection="texts", ocr=False)
        result = ingestor.ingest(_encoded(_pixels(12), "PNG"), "scan.png")
        assert result.line == "scan.png: failed: an image is read by OCR, which is turned off"
    finally:
        store.close()
