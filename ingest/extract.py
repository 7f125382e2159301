"""Turn an uploaded file's bytes into cleaned page texts: PDF, plain text or Markdown."""

from __future__ import annotations

import codecs
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import charset_normalizer
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTContainer, LTItem, LTText, LTTextBox
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pypdf import PasswordType, PdfReader
from pypdf.errors import LimitReachedError

from core.errors import IngestError, PasswordRequired
from core.text import clean_text, is_cjk, safe_display_name, unwrap_lines


@dataclass(frozen=True)
class Page:
    """One page's text; number is 1-based for PDFs and None for text files."""

    number: int | None
    text: str  # cleaned and unwrapped; "" when the page has no usable text


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile or huge file from exhausting memory or time."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    max_chars_per_page: int = 500_000  # guards against hostile pages


@dataclass(frozen=True)
class Extracted:
    """A file's pages, every page included, and one-line notes for the user."""

    kind: str  # "pdf" or "text"
    pages: tuple[Page, ...]
    notes: tuple[str, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)


_PDF_HEADER = b"%PDF-"
_MAX_HEADER_OFFSET = 1024  # PDF readers accept this much junk before the header
_TEXT_SAMPLE = 200_000  # characters of a text file checked for binary junk


def extract(
    data: bytes, name: str, *, password: str | None = None, limits: Limits = Limits()
) -> Extracted:
    """Extract the pages of a PDF or text file; raise IngestError with a one-line message."""
    label = safe_display_name(name)  # name is only ever shown, never used as a path
    check_size(label, len(data), limits)
    if not data.strip():
        raise IngestError(f"{label}: the file is empty")
    start = _pdf_offset(data, label)
    if start is not None:
        return _extract_pdf(data[start:], label, password, limits)
    if label.lower().endswith(".pdf"):
        raise IngestError(f"{label}: not a PDF file (it has no PDF header)")
    return _extract_text_file(data, label)


# ---------------------------------------------------------------------------------------------
# Text files


def _extract_text_file(data: bytes, label: str) -> Extracted:
    text, guessed = _decode(data, label)
    if not text.strip():
        raise IngestError(f"{label}: the file is empty")
    if looks_unusable(text[:_TEXT_SAMPLE]):
        raise IngestError(f"{label}: unsupported file type: not a PDF or text file")
    if label.lower().endswith((".md", ".markdown")):
        text = _markdown_blocks(text)
    cleaned = unwrap_lines(clean_text(text))
    if not cleaned:
        raise IngestError(f"{label}: the file is empty")
    notes = (f"text encoding guessed as {guessed}",) if guessed else ()
    return Extracted("text", (Page(None, cleaned),), notes)


_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_MARKDOWN_BLOCK = re.compile(r"^ {0,3}([-*+] |\d{1,9}[.)] |> ?|```|~~~|\|)")


def _markdown_blocks(text: str) -> str:
    """Markdown headings and list, quote, table and code lines as paragraphs of their own.

    Otherwise unwrapping would glue a heading onto the paragraph below it; heading marks go.
    """
    lines = []
    for line in text.splitlines():
        heading = _MARKDOWN_HEADING.match(line)
        if heading:
            lines += ["", heading.group(1), ""]
        elif _MARKDOWN_BLOCK.match(line):
            lines += ["", line, ""]
        else:
            lines.append(line)
    return "\n".join(lines)


def _decode(data: bytes, label: str) -> tuple[str, str | None]:
    """The text and, when it had to be guessed, the name of its encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), None
    try:
        # utf-8-sig drops a BOM; surrogatepass keeps lone surrogates for clean_text to drop.
        return data.decode("utf-8-sig", errors="surrogatepass"), None
    except UnicodeDecodeError:
        pass
    # Legacy text encodings never produce NUL bytes; binary files nearly always hold some.
    if b"\x00" not in data:
        best = charset_normalizer.from_bytes(data).best()
        if best is not None:
            return str(best), best.encoding
    raise IngestError(f"{label}: unsupported file type: not a PDF or text file")


# ---------------------------------------------------------------------------------------------
# PDF files

# pypdf reports the repairs it makes in non-strict mode only as logged warnings.
_XREF_REPAIR = re.compile(
    r"xref|wrong pointing object|object \d+ \d+ (found|not defined)|ref repaired|EOF marker"
    r"|/Catalog|Root (object|found)",
    re.IGNORECASE,
)


def _pdf_offset(data: bytes, label: str) -> int | None:
    """Where the PDF header starts, or None when the data is not a PDF."""
    start = data.find(_PDF_HEADER, 0, _MAX_HEADER_OFFSET + len(_PDF_HEADER))
    if start <= 0:
        return None if start < 0 else 0
    # Junk before the header is tolerated, but a text file may merely mention "%PDF-":
    # believe the header only when the name or the end-of-file marker agrees.
    if label.lower().endswith(".pdf") or b"%%EOF" in data[-1024:]:
        return start
    return None


def _extract_pdf(data: bytes, label: str, password: str | None, limits: Limits) -> Extracted:
    with _pypdf_warnings() as warnings:
        reader, used_password = _open_pdf(data, label, password)
        count = _page_count(reader, label, limits)
        raw, errors = _first_extractor(reader, count, label)
    notes = []
    if any(_XREF_REPAIR.search(message) for message in warnings):
        notes.append("recovered a damaged cross-reference table")

    # Pages that pypdf could not read, or read as junk, get a second chance with pdfminer.six.
    cut: set[int] = set()
    texts = {n: _cap(text, n, limits, cut) for n, text in raw.items()}
    retry = [n for n, text in texts.items() if n in errors or looks_unusable(text)]
    second = _second_extractor(data, retry, used_password) if retry else {}
    recovered, unreadable, no_layer = [], [], []
    for number in retry:
        text = _cap(second.get(number, ""), number, limits, cut)
        if not looks_unusable(text):
            texts[number] = text
            recovered.append(number)
        else:
            texts[number] = ""
            (unreadable if number in errors else no_layer).append(number)

    if cut:
        limit = limits.max_chars_per_page
        notes.append(f"text of {_pages(sorted(cut))} cut at {limit:,} characters")
    if recovered:
        notes.append(f"{_pages(recovered)} read with a second extractor")
    if unreadable:
        first_error = errors[unreadable[0]]
        notes.append(f"{_pages(unreadable)} could not be read ({first_error}; not indexed)")
    if no_layer:
        notes.append(f"no text layer on {_pages(no_layer)} (image-only or unreadable; not indexed)")
    pages = tuple(Page(n, unwrap_lines(clean_text(texts[n]))) for n in range(1, count + 1))
    return Extracted("pdf", pages, tuple(notes))


def _open_pdf(data: bytes, label: str, password: str | None) -> tuple[PdfReader, str]:
    """An open (and decrypted) reader, with the password that opened it ("" when none)."""
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if not reader.is_encrypted:
            return reader, ""
        # Many PDFs are encrypted with an empty user password just to restrict copying.
        for candidate in ([password] if password else []) + [""]:
            if reader.decrypt(candidate) != PasswordType.NOT_DECRYPTED:
                return reader, candidate
    except LimitReachedError as error:
        raise _bomb(label, error) from error
    except Exception as error:  # pypdf raises many types on a damaged file
        raise IngestError(f"{label}: damaged, could not be read ({_reason(error)})") from error
    if password:
        raise PasswordRequired(f"{label}: wrong password for this encrypted PDF")
    raise PasswordRequired(f"{label}: encrypted; give its password")


def _page_count(reader: PdfReader, label: str, limits: Limits) -> int:
    try:
        count = len(reader.pages)
    except LimitReachedError as error:
        raise _bomb(label, error) from error
    except Exception as error:  # a broken page tree
        raise IngestError(f"{label}: damaged, could not be read ({_reason(error)})") from error
    if count == 0:
        raise IngestError(f"{label}: the PDF has no pages")
    if count > limits.max_pages:
        raise IngestError(f"{label}: {count} pages, more than the limit of {limits.max_pages}")
    return count


def _first_extractor(
    reader: PdfReader, count: int, label: str
) -> tuple[dict[int, str], dict[int, str]]:
    """pypdf's text of every page, and the reason for each page it failed on."""
    texts: dict[int, str] = {}
    errors: dict[int, str] = {}
    for number in range(1, count + 1):
        try:
            texts[number] = reader.pages[number - 1].extract_text()
        except LimitReachedError as error:
            raise _bomb(label, error) from error
        except Exception as error:  # pypdf raises many types on a malformed page
            errors[number] = _reason(error)
            texts[number] = ""
    return texts, errors


def _second_extractor(data: bytes, numbers: list[int], password: str) -> dict[int, str]:
    """pdfminer.six's text of the given 1-based pages; pages it cannot read are left out."""
    # Its lower-level API, unlike extract_text, parses the file once for all pages and lets one
    # bad page fail alone.
    texts: dict[int, str] = {}
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    wanted, last = set(numbers), max(numbers)
    try:
        document = PDFDocument(PDFParser(BytesIO(data)), password=password)
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if number > last:
                break
            if number in wanted:
                try:
                    interpreter.process_page(page)
                    texts[number] = _layout_text(device.get_result())
                except Exception:  # pdfminer raises many types on a damaged page
                    continue
    except Exception:  # ... and on a damaged file: keep the pages read so far
        pass
    return texts


def _layout_text(item: LTItem) -> str:
    """The text of a pdfminer layout, as pdfminer's own extract_text writes it."""
    if isinstance(item, LTContainer):
        text = "".join(_layout_text(child) for child in item)
    else:
        text = item.get_text() if isinstance(item, LTText) else ""
    return text + "\n" if isinstance(item, LTTextBox) else text


class _WarningCollector(logging.Handler):
    """Keeps the messages of warnings logged by the thread that created it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Other threads (other users' uploads) log to the same global logger.
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    collector = _WarningCollector()
    logger = logging.getLogger("pypdf")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def _cap(text: str, number: int, limits: Limits, cut: set[int]) -> str:
    if len(text) <= limits.max_chars_per_page:
        return text
    cut.add(number)
    return text[: limits.max_chars_per_page]


def _bomb(label: str, error: Exception) -> IngestError:
    return IngestError(f"{label}: looks like a decompression bomb; not read ({_reason(error)})")


def _reason(error: Exception) -> str:
    """A short, one-line reason from a parser's exception; never a traceback."""
    lines = clean_text(str(error)).splitlines()
    reason = lines[0].rstrip(".") if lines else type(error).__name__
    return reason if len(reason) <= 120 else reason[:119] + "…"


def _pages(numbers: list[int]) -> str:
    """'page 3', 'pages 3, 5' or 'pages 1-4, 7' for sorted page numbers."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(parts)


def check_size(label: str, size: int, limits: Limits) -> None:
    """Refuse a file over the size limit; callers with a path check before reading it."""
    if size > limits.max_bytes:
        raise IngestError(f"{label}: the file is too large ({_sizes(size, limits.max_bytes)})")


def _sizes(size: int, limit: int) -> str:
    shown, shown_limit = _size(size), _size(limit)
    if shown == shown_limit:  # rounding hid the difference
        shown, shown_limit = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{shown}; the limit is {shown_limit}"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------------------------------------
# Telling text from junk
#
# Fonts without a usable ToUnicode map make extractors emit character codes instead of text:
# control, private-use and unassigned code points, replacement characters, or letters scattered
# over many unrelated scripts; text decoded with the wrong codec shows as 'Ã¤'-style pairs.
# So a visible character counts as ordinary when it is a letter, mark, digit, punctuation or
# symbol of an assigned, non-private code point, not U+FFFD, not part of such a pair, and, for
# letters and marks, of one of the text's two most common scripts (all CJK counts as one script;
# Greek as symbols). Text that is under 90% ordinary, or has nothing visible, is unusable.

_MIN_ORDINARY_SHARE = 0.9
_JUNK, _NEUTRAL = "junk", "neutral"
# UTF-8 read as Latin-1 or cp1252: a lead byte followed by as many continuation bytes
# (0x80-0xBF) as it announces, e.g. 'Ã¤' for 'ä', 'â€™' for '’', 'ä¸\xad' for '中'.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_CONTINUATIONS = {
    *_CONTINUATION_BYTES.decode("latin-1"),
    *_CONTINUATION_BYTES.decode("cp1252", "ignore"),
}
_CONT = re.escape("".join(sorted(_CONTINUATIONS)))
_LATIN1_MOJIBAKE = re.compile(f"[Â-ß][{_CONT}]|[à-ï][{_CONT}]{{2}}|[ð-ô][{_CONT}]{{3}}|ÿþ|þÿ")


def looks_unusable(text: str) -> bool:
    """True when extracted text is empty or mostly junk rather than readable text (see above)."""
    counts = Counter(text)
    total = junk = 0
    scripts: Counter[str] = Counter()
    for char, n in counts.items():
        kind = _kind(char)
        if kind is None:
            continue
        total += n
        if kind == _JUNK:
            junk += n
        elif kind != _NEUTRAL:
            scripts[kind] += n
    if total == 0:
        return True
    minority = sum(scripts.values()) - sum(n for _, n in scripts.most_common(2))
    mojibake = sum(len(match) for match in _LATIN1_MOJIBAKE.findall(text))
    return total - junk - minority - mojibake < _MIN_ORDINARY_SHARE * total


@lru_cache(maxsize=65536)
def _kind(char: str) -> str | None:
    """None for whitespace, _JUNK, _NEUTRAL (digits, punctuation, symbols) or a script name."""
    category = unicodedata.category(char)
    if category[0] == "Z" or char in "\t\n\r\f\v":
        return None
    if char == "\ufffd" or category in ("Cc", "Co", "Cs", "Cn"):
        return _JUNK
    if category[0] not in "LM":
        return _NEUTRAL
    if is_cjk(char):
        return "CJK"
    script = unicodedata.name(char, "").split(" ")[0]
    # Greek and mathematical letters are everyday symbols in any language's formulas.
    return _NEUTRAL if script in ("", "COMBINING", "GREEK", "MATHEMATICAL") else script
