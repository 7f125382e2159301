"""Real PDF files for tests, made with reportlab, pypdf and Chromium; each factory returns the
bytes."""

from __future__ import annotations

import re
import subprocess
import tempfile
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


# --- Layouts real PDFs have: columns, many scripts, running headers, scans --------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
THAI_FONT = Path("/usr/share/fonts/truetype/tlwg/Garuda.ttf")  # Debian fonts-tlwg-garuda-ttf


@lru_cache(maxsize=1)
def _script_fonts() -> tuple[str, str]:
    """DejaVu Sans (Latin, Cyrillic, Arabic) and Garuda (Thai), registered with reportlab."""
    pdfmetrics.registerFont(TTFont("TestDejaVu", str(DEJAVU)))
    pdfmetrics.registerFont(TTFont("TestThai", str(THAI_FONT)))
    return "TestDejaVu", "TestThai"


def two_column_pdf(left: list[str], right: list[str], *, title: str = "") -> bytes:
    """One page of two columns of CJK lines, drawn row by row across both columns.

    That is the order many real PDFs draw them in; extractors that follow the drawing order
    interleave the columns line by line.
    """
    font = _cjk_font()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    y = 780
    if title:
        pdf.setFont(font, 16)
        pdf.drawString(72, y, title)
        y -= 30
    pdf.setFont(font, 11)
    for row in range(max(len(left), len(right))):
        for x, column in ((72, left), (320, right)):
            if row < len(column):
                pdf.drawString(x, y, column[row])
        y -= 15
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pieced_lines_pdf(lines: list[list[str]]) -> bytes:
    """Lines of CJK text, each drawn piece by piece, every piece its own text object, as writers
    do at each font change (reportlab at each 256-glyph subset, word processors at each style)."""
    font = _cjk_font()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    for row, pieces in enumerate(lines):
        x = 72.0
        for piece in pieces:
            pdf.setFont(font, 11)
            pdf.drawString(x, 700 - 16 * row, piece)
            x += pdf.stringWidth(piece, font, 11)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# "Hello World" in six scripts. Arabic is drawn in visual order (right to left), as PDF writers do.
HELLO_WORLD = (
    ("en", "Hello World"),
    ("ar", "مرحبا بالعالم"),
    ("ru", "Привет, мир"),
    ("zh", "你好，世界"),
    ("th", "สวัสดีชาวโลก"),
    ("ja", "こんにちは世界"),
)


def six_script_pdf() -> bytes:
    """One page with HELLO_WORLD, one language per line, each in a font that has its glyphs."""
    latin, thai = _script_fonts()
    fonts = {"zh": _cjk_font(), "ja": _cjk_font(), "th": thai}
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    y = 770
    for language, text in HELLO_WORLD:
        pdf.setFont(fonts.get(language, latin), 14)
        pdf.drawString(72, y, text[::-1] if language == "ar" else text)
        y -= 24
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def headed_pdf(
    bodies: list[str],
    header: str,
    footer: str = "Page {n} of {total}",
    numbers: list[str] | None = None,
) -> bytes:
    """Pages with a running header and a numbered footer around each body (hard-wrapped lines);
    numbers: each page's number as printed (1, 2, 3... unless given)."""
    font = _cjk_font()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    for n, body in enumerate(bodies, start=1):
        pdf.setFont(font, 9)
        pdf.drawString(72, 800, header)
        printed = numbers[n - 1] if numbers else n
        pdf.drawString(72, 40, footer.format(n=printed, total=len(bodies)))
        text = pdf.beginText(72, 760)
        text.setFont(font, 12)
        for line in body.split("\n"):
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def text_image(lines: list[str], *, size: int = 40, width: int = 1400) -> bytes:
    """A PNG of black text lines on white, like a scanned page or a slide."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_FONT_FILES[0]), size)
    height = 80 + len(lines) * size * 2
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((60, 40 + i * size * 2), line, font=font, fill="black")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def photographed_columns(left: list[str], right: list[str], degrees: float) -> bytes:
    """A JPEG of a page in two columns of text lines, photographed turned by degrees."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_FONT_FILES[0]), 26)
    image = Image.new("RGB", (1600, 160 + 34 * max(len(left), len(right))), "white")
    draw = ImageDraw.Draw(image)
    for x, lines in ((60, left), (860, right)):
        for i, line in enumerate(lines):
            draw.text((x, 80 + i * 34), line, font=font, fill="black")
    turned = image.rotate(
        degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white"
    )
    buffer = BytesIO()
    turned.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def small_print_scan(text: str) -> bytes:
    """A JPEG of a justified paragraph in 10 pt Times as a 200 dpi scanner sees it: grey paper,
    noise, a little blur. PP-OCR runs many of its words together."""
    import numpy as np
    import pypdfium2
    from PIL import Image, ImageFilter
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buffer = BytesIO()
    style = ParagraphStyle(
        "body", fontName="Times-Roman", fontSize=10, leading=12, alignment=TA_JUSTIFY
    )
    SimpleDocTemplate(buffer).build([Paragraph(text, style)])
    page = pypdfium2.PdfDocument(buffer.getvalue())[0]
    ink = np.asarray(page.render(scale=200 / 72).to_pil().convert("L"), dtype=np.float32)
    grey = ink * (236 - 38) / 255 + 38 + np.random.default_rng(0).normal(0, 14, ink.shape)
    image = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    scanned = BytesIO()
    image.filter(ImageFilter.GaussianBlur(0.6)).save(scanned, "JPEG", quality=70)
    return scanned.getvalue()


def scanned_pdf(pages: list[list[str]]) -> bytes:
    """Pages that are only an image of text (no text layer), as a scanner makes them."""
    from reportlab.lib.utils import ImageReader

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    for lines in pages:
        image = ImageReader(BytesIO(text_image(lines)))
        width, height = image.getSize()
        scale = 500 / width
        pdf.drawImage(image, 50, 780 - height * scale, width * scale, height * scale)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# Codes A-H of a font whose ToUnicode map sends them to letters of unrelated scripts: what a
# broken font map makes of a line of text.
_JUNK_UNICODE = ("0702", "08C7", "0B3D", "0486", "0FD0", "0F1D", "0D50", "10A8")


def junk_line_pdf(good: str) -> bytes:
    """One page: a line of good text (Helvetica), then a line that extracts as mojibake."""
    mapping = "\n".join(f"<{0x41 + i:02X}> <{u}>" for i, u in enumerate(_JUNK_UNICODE))
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /Junk def 1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(_JUNK_UNICODE)} beginbfchar\n{mapping}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    good_text = good.replace("(", r"\(").replace(")", r"\)")
    content = (
        f"BT /F1 14 Tf 72 750 Td ({good_text}) Tj ET BT /F2 14 Tf 72 720 Td (ABCDEFGH) Tj ET"
    ).encode()
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    junk_font = _helvetica()
    junk_font[NameObject("/ToUnicode")] = writer._add_object(
        _stream(zlib.compress(cmap), "/FlateDecode")
    )
    fonts = DictionaryObject({NameObject("/F1"): _helvetica(), NameObject("/F2"): junk_font})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    page.replace_contents(_stream(zlib.compress(content), "/FlateDecode"))
    return _write(writer)


def ligature_pdf(lines: list[str]) -> bytes:
    """One page in DejaVu Sans (which has the ﬁ and ﬂ ligature glyphs), hard line breaks."""
    latin, _thai = _script_fonts()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    text = pdf.beginText(72, 770)
    text.setFont(latin, 12)
    for line in lines:
        text.textLine(line)
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, as the end-to-end tests drive


def browser_printed_pdf(html: str) -> bytes:
    """The page as Chromium's "Save as PDF" writes it: every glyph drawn on its own, and the
    browser's header (date, page title) and footer (address, "1/3") on every page."""
    with tempfile.TemporaryDirectory() as folder:
        page, printed = Path(folder, "page.html"), Path(folder, "page.pdf")
        page.write_text(html, encoding="utf-8")
        command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
        command += ["--disable-background-networking", "--disable-component-update"]
        command += [f"--user-data-dir={folder}/profile", f"--print-to-pdf={printed}"]
        subprocess.run([*command, page.as_uri()], check=True, capture_output=True, timeout=120)
        return printed.read_bytes()
