"""Real PDF files for tests, made with reportlab and pypdf; each factory returns the bytes."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

# Debian's fonts-wqy-zenhei and fonts-noto-cjk; reportlab reads TrueType outlines only, so the
# Noto collection (CFF outlines) is just a last resort.
CJK_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)

# Adobe-GB1 character ids of MOJIBAKE_TEXT, as listed by Adobe's UniGB-UCS2-H CMap.
MOJIBAKE_TEXT = "中文文本提取测试"
_MOJIBAKE_CIDS = (4559, 3795, 3795, 1063, 3636, 3196, 1193, 3435)


def english_pdf(pages: list[str]) -> bytes:
    """One page per string, in Helvetica; newlines in a string are hard line breaks."""
    return _text_pdf(pages, "Helvetica")


def chinese_pdf(pages: list[str]) -> bytes:
    """One page per string, in an embedded CJK TrueType font; newlines are hard line breaks."""
    return _text_pdf(pages, _cjk_font())


def _text_pdf(pages: list[str], font: str) -> bytes:
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)  # invariant: no dates, same bytes every run
    for page in pages:
        text = pdf.beginText(72, 770)
        text.setFont(font, 12)
        for line in page.split("\n"):
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _cjk_font() -> str:
    """Register the first CJK font reportlab can embed and return its name."""
    for path in CJK_FONT_FILES:
        if path.exists():
            try:
                pdfmetrics.registerFont(TTFont("TestCJK", str(path), subfontIndex=0))
            except TTFError:
                continue
            return "TestCJK"
    raise RuntimeError(
        "no CJK TrueType font for reportlab: install fonts-wqy-zenhei (or fonts-noto-cjk); "
        f"looked for {', '.join(map(str, CJK_FONT_FILES))}"
    )


def join_pdfs(*documents: bytes) -> bytes:
    """The pages of several PDFs, in order, as one PDF."""
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(BytesIO(document)))
    return _write(writer)


def encrypted_pdf(base: bytes, password: str) -> bytes:
    """base encrypted with AES-256 under a user password."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(base)))
    writer.encrypt(user_password=password, algorithm="AES-256")
    return _write(writer)


def image_only_pdf(pages: int = 1) -> bytes:
    """Pages with drawn shapes only, like a scan: no text layer at all."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    for _ in range(pages):
        pdf.setFillGray(0.6)
        pdf.rect(72, 500, 300, 200, fill=1)
        pdf.circle(300, 300, 80, fill=1)
        pdf.line(72, 100, 500, 150)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def broken_xref_pdf() -> bytes:
    """A valid two-page PDF whose cross-reference offsets all point 7 bytes too far."""
    data = english_pdf(["Recovered page one", "Recovered page two"])
    xref = data.rindex(b"\nxref\n")
    table = re.sub(
        rb"(\d{10}) (\d{5}) n",
        lambda m: b"%010d %s n" % (int(m.group(1)) + 7, m.group(2)),
        data[xref:],
    )
    return data[:xref] + table


def truncated_pdf() -> bytes:
    """A PDF cut off after 60% of its bytes, like an interrupted download."""
    data = english_pdf(["This download was interrupted", "Second page"])
    return data[: len(data) * 6 // 10]


def zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    return _write(PdfWriter())


def decompression_bomb_pdf(megabytes: int = 300) -> bytes:
    """One page whose content stream inflates to `megabytes` MB of zeros (about 0.3 MB stored)."""
    compressor = zlib.compressobj(9)
    zeros = bytes(1024 * 1024)
    # Compressed a megabyte at a time, so building the bomb never holds it inflated.
    compressed = b"".join(compressor.compress(zeros) for _ in range(megabytes))
    return _one_page_pdf(compressed + compressor.flush(), _helvetica())


def mojibake_pdf() -> bytes:
    """A page whose Chinese text is set in a non-embedded CID font with no ToUnicode map.

    Its codes are Adobe-GB1 character ids under /Identity-H: pypdf reads them as UTF-16 and
    gets junk from unrelated scripts, pdfminer.six maps them through Adobe-GB1 to
    MOJIBAKE_TEXT.
    """
    codes = "".join(f"{cid:04X}" for cid in _MOJIBAKE_CIDS)
    content = f"BT /F1 24 Tf 72 750 Td <{codes}> Tj ET".encode()
    return _one_page_pdf(zlib.compress(content), _cid_font())


def corrupt_page_pdf() -> bytes:
    """Three pages; the second one's content stream is corrupt LZW data neither library reads."""
    writer = PdfWriter(clone_from=PdfReader(BytesIO(english_pdf(["Page one", "x", "Page three"]))))
    writer.pages[1].replace_contents(_stream(b"\xff\xff\xff\xff", "/LZWDecode"))
    return _write(writer)


def _one_page_pdf(flate_content: bytes, font: DictionaryObject) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    fonts = DictionaryObject({NameObject("/F1"): font})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    page.replace_contents(_stream(flate_content, "/FlateDecode"))
    return _write(writer)


def _stream(encoded: bytes, filter_name: str) -> StreamObject:
    stream = StreamObject()  # stores the already encoded bytes as they are
    stream.set_data(encoded)
    stream[NameObject("/Filter")] = NameObject(filter_name)
    return stream


def _helvetica() -> DictionaryObject:
    return _names({"/Type": "/Font", "/Subtype": "/Type1", "/BaseFont": "/Helvetica"})


def _cid_font() -> DictionaryObject:
    descendant = _names(
        {"/Type": "/Font", "/Subtype": "/CIDFontType0", "/BaseFont": "/STSong-Light"}
    )
    descendant[NameObject("/CIDSystemInfo")] = DictionaryObject(
        {
            NameObject("/Registry"): TextStringObject("Adobe"),
            NameObject("/Ordering"): TextStringObject("GB1"),
            NameObject("/Supplement"): NumberObject(2),
        }
    )
    font = _names(
        {
            "/Type": "/Font",
            "/Subtype": "/Type0",
            "/BaseFont": "/STSong-Light",
            "/Encoding": "/Identity-H",
        }
    )
    font[NameObject("/DescendantFonts")] = ArrayObject([descendant])
    return font


def _names(entries: dict[str, str]) -> DictionaryObject:
    return DictionaryObject({NameObject(key): NameObject(value) for key, value in entries.items()})


def _write(writer: PdfWriter) -> bytes:
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
