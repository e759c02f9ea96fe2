"""Photos as phones make them: JPEG with GPS and device EXIF, rotated by a tag, and HEIC."""

from __future__ import annotations

import io
import time

import pillow_heif
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "Apple"
    exif[MODEL] = "iPhone 15"
    exif[ORIENTATION] = orientation
    # 40.8296 N, 73.9262 W: a home address in the Bronx, to the metre.
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 49.0, 46.56), 3: "W", 4: (73.0, 55.0, 34.32)})
    return exif


def jpeg_with_gps(width: int = 64, height: int = 32, orientation: int = 1) -> bytes:
    """A landscape photo (red left half, blue right half) with location and device in EXIF."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste("red", (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=phone_exif(orientation), quality=95)
    return out.getvalue()


def heic_photo(width: int = 64, height: int = 48) -> bytes:
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (width, height), "green")
    out = io.BytesIO()
    image.save(out, format="HEIF", exif=phone_exif())
    return out.getvalue()


def pdf_document() -> bytes:
    """A one-page PDF, the same bytes at every call: Pillow stamps the time of the save into the
    document unless told a date, and two calls a second apart would differ."""
    out = io.BytesIO()
    made = time.struct_time((2026, 11, 2, 15, 0, 0, 0, 306, 0))
    Image.new("RGB", (20, 20), "white").save(out, format="PDF", creationDate=made, modDate=made)
    return out.getvalue()
