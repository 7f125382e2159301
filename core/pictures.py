"""Pictures for a CLIP collection: image files and PDF figures, checked, upright, RGB, thumbnailed.

Used by ingest (files, figures) and by search (a query image). ingest/images.py prepares images of
text pages for OCR; this module prepares pictures to be encoded as pictures.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import IngestError
from core.settings import Settings

PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
THUMBNAIL_SIDE = 256  # pixels, longer side of a stored thumbnail
ENCODE_SIDE = 1024  # pixels; CLIP reads 224, so larger pictures are scaled down first


@dataclass(frozen=True)
class PictureLimits:
    """Bounds on pictures: a decompression bomb is refused before it is decoded."""

    max_pixels: int = 60_000_000
    min_side: int = 16  # pixels; smaller pictures (1 x 1 trackers, icons) carry nothing to see
    min_figure_side: int = 64  # pixels; smaller images inside a PDF are icons, not figures
    max_figures: int = 200  # figures kept per PDF; the rest are reported, not indexed

    @classmethod
    def from_settings(cls, settings: Settings) -> PictureLimits:
        return cls(
            max_pixels=settings.max_image_megapixels * 1_000_000,
            min_side=settings.min_image_side,
            min_figure_side=settings.min_figure_side,
            max_figures=settings.max_figures,
        )


DEFAULT_LIMITS = PictureLimits()


@dataclass(frozen=True)
class Picture:
    """A picture ready to encode (RGB, upright, at most ENCODE_SIDE) and its JPEG thumbnail."""

    image: Image.Image
    width: int  # of the original, upright
    height: int
    thumbnail: bytes  # JPEG


def is_picture(data: bytes, label: str) -> bool:
    """PNG, JPEG or WebP bytes, or a file whose name says it is one (load then says if not)."""
    return _format(data) is not None or label.lower().endswith(PICTURE_SUFFIXES)


def _format(data: bytes) -> str | None:
    if data.startswith(_PNG):
        return "PNG"
    if data.startswith(_JPEG):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def load_picture(data: bytes, label: str, limits: PictureLimits = DEFAULT_LIMITS) -> Picture:
    """Decode a PNG, JPEG or WebP file into a Picture; IngestError with one sentence if unusable."""
    expected = _format(data)
    if expected is None:
        raise IngestError(f"{label}: not a PNG, JPEG or WebP image (its content is something else)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=[expected])
            _check_size(image.size, label, limits)
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # an animation is indexed by its first frame
            image.draft("RGB", (ENCODE_SIDE, ENCODE_SIDE))  # JPEG decodes reduced directly
            image.load()
            image = ImageOps.exif_transpose(image)
    except IngestError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large(label, limits) from error
    except UnidentifiedImageError as error:
        raise IngestError(f"{label}: damaged image, could not be read") from error
    except (OSError, SyntaxError, ValueError, EOFError, Warning) as error:
        reason = _first_line(error)
        raise IngestError(f"{label}: damaged image, could not be read ({reason})") from error
    return picture_from(image, label, limits)


def picture_from(image: Image.Image, label: str, limits: PictureLimits) -> Picture:
    """An already decoded image as a Picture: size checked, RGB, scaled, thumbnailed."""
    width, height = image.size
    if min(width, height) < limits.min_side:
        raise IngestError(
            f"{label}: the image is too small to index ({width} x {height} pixels; "
            f"at least {limits.min_side} on each side)"
        )
    rgb = _rgb(image)
    rgb.thumbnail((ENCODE_SIDE, ENCODE_SIDE))
    thumb = rgb.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    out = BytesIO()
    thumb.save(out, "JPEG", quality=85)
    return Picture(rgb, width, height, out.getvalue())


def _rgb(image: Image.Image) -> Image.Image:
    """RGB for any mode: CMYK and palettes converted, transparency laid on white."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode == "I;16" or image.mode == "I":
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _check_size(size: tuple[int, int], label: str, limits: PictureLimits) -> None:
    if size[0] * size[1] > limits.max_pixels:
        raise _too_large(label, limits)


def _too_large(label: str, limits: PictureLimits) -> IngestError:
    return IngestError(
        f"{label}: the image is too large (more than {limits.max_pixels / 1e6:g} megapixels; "
        "the limit is EE_MAX_IMAGE_MEGAPIXELS)"
    )


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    return line if len(line) <= 120 else line[:119] + "…"
