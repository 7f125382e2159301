"""Image files of text pages (PNG, JPEG): recognised, checked and scaled before OCR."""

from __future__ import annotations

import warnings
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from core.errors import IngestError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
MAX_PIXELS = 60_000_000  # larger images are refused before they are decoded
MAX_SIDE = 2500  # pixels; larger images are scaled down for OCR


def is_image(data: bytes, label: str) -> bool:
    """PNG or JPEG bytes, or a file whose name says it is one (then load says if it is not)."""
    return data.startswith(_MAGIC) or label.lower().endswith(IMAGE_SUFFIXES)


def load(data: bytes, label: str) -> Image.Image:
    """The image as RGB, at most MAX_SIDE pixels on its longer side; IngestError if unusable."""
    if not data.startswith(_MAGIC):
        raise IngestError(f"{label}: not a PNG or JPEG image (its content is something else)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_large(label)
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG decodes at a reduced size directly
            image = image.convert("RGB")
    except IngestError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large(label) from error
    except UnidentifiedImageError as error:
        raise IngestError(f"{label}: damaged image, could not be read") from error
    except (OSError, SyntaxError, ValueError, Warning) as error:
        reason = _first_line(error)
        raise IngestError(f"{label}: damaged image, could not be read ({reason})") from error
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    return line if len(line) <= 120 else line[:119] + "…"


def _too_large(label: str) -> IngestError:
    return IngestError(
        f"{label}: the image is too large (more than {MAX_PIXELS // 1_000_000} megapixels)"
    )
