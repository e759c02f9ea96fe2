"""A completed upload's content decides its type; photos lose location and device data."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from competencies.work.file_policy import DEFAULT, Refusal
from lti_tool.uploads.safe_files import SafeFile, clean_filename, make_safe, sniff
from tests.lti_tool.uploads.photo_factories import (
    GPS_IFD,
    MAKE,
    heic_photo,
    jpeg_with_gps,
    pdf_document,
)


def _upload(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "upload.part"
    path.write_bytes(content)
    return path


def _safe(tmp_path: Path, content: bytes, name: str, declared: str = "") -> SafeFile | Refusal:
    return make_safe(_upload(tmp_path, content), name, declared, DEFAULT, tmp_path / "work")


def test_a_phone_photo_is_kept_without_its_location_or_device(tmp_path: Path) -> None:
    with Image.open(_upload(tmp_path, jpeg_with_gps())) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the test photo does carry a position
    safe = _safe(tmp_path, jpeg_with_gps(), "IMG_1.jpg", "image/jpeg")
    assert isinstance(safe, SafeFile) and safe.media_type == "image/jpeg"
    data = safe.path.read_bytes()
    assert b"Exif" not in data and b"iPhone" not in data and b"Apple" not in data
    with Image.open(safe.path) as kept:
        assert not kept.getexif().get_ifd(GPS_IFD) and MAKE not in kept.getexif()
        assert kept.size == (64, 32)


def test_the_orientation_tag_is_applied_to_the_pixels(tmp_path: Path) -> None:
    """Orientation 6: the phone was held upright; the stored photo stands upright without a tag."""
    safe = _safe(tmp_path, jpeg_with_gps(orientation=6), "IMG_2.jpg", "image/jpeg")
    assert isinstance(safe, SafeFile)
    with Image.open(safe.path) as kept:
        assert kept.size == (32, 64)
        red, blue = kept.getpixel((16, 4)), kept.getpixel((16, 60))
    assert red[0] > 200 and red[2] < 60 and blue[2] > 200 and blue[0] < 60


def test_a_heic_photo_becomes_a_jpeg_without_metadata(tmp_path: Path) -> None:
    safe = _safe(tmp_path, heic_photo(), "IMG_3.HEIC", "image/heic")
    assert isinstance(safe, SafeFile)
    assert safe.media_type == "image/jpeg" and safe.filename == "IMG_3.jpg"
    with Image.open(safe.path) as kept:
        assert kept.format == "JPEG" and not kept.getexif()
    assert safe.thumbnail is not None
    with Image.open(safe.thumbnail) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 480


def test_a_pdf_renamed_as_a_photo_is_refused(tmp_path: Path) -> None:
    refusal = _safe(tmp_path, pdf_document(), "photo.jpg", "image/jpeg")
    assert isinstance(refusal, Refusal) and refusal.code == "content_contradicts_name"
    assert list((tmp_path / "work").glob("*")) == []


def test_html_named_as_a_pdf_is_refused(tmp_path: Path) -> None:
    refusal = _safe(tmp_path, b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                    "report.pdf", "application/pdf")
    assert isinstance(refusal, Refusal) and refusal.code == "content_not_allowed"


def test_a_truncated_photo_is_refused_in_words(tmp_path: Path) -> None:
    refusal = _safe(tmp_path, jpeg_with_gps()[:200], "IMG_4.jpg", "image/jpeg")
    assert isinstance(refusal, Refusal) and refusal.code == "image_unreadable"


def test_a_pdf_is_kept_as_it_came(tmp_path: Path) -> None:
    content = pdf_document()
    safe = _safe(tmp_path, content, "timesheet.pdf", "application/pdf")
    assert isinstance(safe, SafeFile) and safe.media_type == "application/pdf"
    assert safe.path.read_bytes() == content and safe.size == len(content)


def test_sniffing_prefers_what_the_name_claims_when_signatures_tie(tmp_path: Path) -> None:
    path = _upload(tmp_path, heic_photo())
    assert sniff(path, ("image/heic", "image/heif")) in ("image/heic", "image/heif")


def test_file_names_are_cleaned_for_display() -> None:
    assert clean_filename("C:\\Users\\ana\\site visit.jpg") == "site visit.jpg"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename('bad"\r\nname.pdf') == "badname.pdf"
    assert clean_filename("") == "file"
