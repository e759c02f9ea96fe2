"""What a completed upload's bytes really are, and photos made safe to show.

The content decides the type (puremagic, a maintained pure-Python sniffer reading the file's
signatures), never the name. Photos are re-encoded from their pixels: HEIC (iPhones) becomes
JPEG through pillow-heif, the EXIF orientation is applied to the pixels, and nothing of the
original's metadata is carried over (EXIF with GPS position and device, XMP, comments), since a
photo taken at home must not publish a minor's address. Images get a small JPEG thumbnail.
Videos and recordings lose their location and device the same way (:mod:`.safe_media`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tempfile
import unicodedata
import warnings
from pathlib import Path

import pillow_heif
import puremagic
from PIL import Image, ImageOps

from competencies.messages import N_
from competencies.work.file_policy import FileGroup, FilePolicy, Refusal, group_of
from lti_tool.uploads.safe_media import strip_media

pillow_heif.register_heif_opener()

MAX_PIXELS = 60_000_000
"""A photo larger than this (a 200-megapixel phone makes 50 MP) is refused, not decoded: a
small file can claim enormous dimensions (a decompression bomb)."""
THUMBNAIL_SIZE = (480, 480)
JPEG_QUALITY = 88
_HEIC = {"image/heic", "image/heif"}
_REENCODED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


@dataclasses.dataclass(frozen=True)
class SafeFile:
    """A file ready to keep: its bytes at ``path``, their digest and type, a thumbnail maybe."""

    path: Path
    size: int
    sha256: str
    media_type: str
    filename: str
    thumbnail: Path | None = None


def clean_filename(name: str) -> str:
    """The student's name for a file, safe to show and to put in a header: no folders, no
    control characters, at most 200 characters; never used to find the file."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip(" .")
    if len(name) > 200:
        stem, dot, ending = name.rpartition(".")
        name = (stem[:190] + dot + ending[:9]) if dot else name[:200]
    return name or "file"


def sniff(path: Path, claimed: tuple[str, ...] = ()) -> str | None:
    """The content's media type, or ``None`` when no signature matches.

    Signatures can tie (an ISO media container is both MP4 and HEIF by its first bytes): among
    the most confident matches, the one the name claims wins, otherwise the first.
    """
    try:
        matches = puremagic.magic_file(str(path))
    except (puremagic.PureError, ValueError):
        return None
    matches = [m for m in matches if m.mime_type]
    if not matches:
        return None
    best = max(m.confidence for m in matches)
    top: list[str] = [m.mime_type for m in matches if m.confidence >= best]
    return next((t for t in top if t in claimed), top[0])


def make_safe(path: Path, filename: str, declared_type: str, policy: FilePolicy,
              work_dir: Path) -> SafeFile | Refusal:
    """Check the content of the upload at ``path`` against the policy and make it safe to keep.

    On a refusal nothing new is left in ``work_dir``; the caller deletes the upload's bytes.
    """
    filename = clean_filename(filename)
    content_type = sniff(path, policy.claimed_types(filename, declared_type) or ())
    refusal = policy.check_content(filename, declared_type, content_type)
    if refusal is not None:
        return refusal
    assert content_type is not None
    thumbnail: Path | None = None
    if group_of(content_type) is FileGroup.IMAGES:
        photo = _clean_photo(path, content_type, work_dir)
        if isinstance(photo, Refusal):
            return Refusal(photo.code, photo.message, {**photo.values, "name": filename})
        path, content_type, thumbnail = photo
        if content_type == "image/jpeg" and filename.lower().endswith((".heic", ".heif")):
            filename = filename.rsplit(".", 1)[0] + ".jpg"
    elif group_of(content_type) in (FileGroup.VIDEO, FileGroup.AUDIO):
        clean = _temporary(work_dir, ".media")
        refusal = strip_media(path, content_type, clean)
        if refusal is not None:
            clean.unlink(missing_ok=True)
            return Refusal(refusal.code, refusal.message, {**refusal.values, "name": filename})
        path = clean
    size, digest = _digest(path)
    return SafeFile(path, size, digest, content_type, filename, thumbnail)


def _clean_photo(path: Path, content_type: str, work_dir: Path
                 ) -> tuple[Path, str, Path] | Refusal:
    unreadable = Refusal("image_unreadable",
                         N_("“%(name)s” looks like an image but could not be read. Take the "
                            "photo again or save it as JPEG, then upload it again."))
    try:
        with warnings.catch_warnings():
            # Pillow warns (and our tests turn warnings into errors) between MAX_PIXELS and
            # twice that; the check below refuses such images in words instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
            if image.width * image.height > MAX_PIXELS:
                return Refusal("image_too_large",
                               N_("“%(name)s” has more pixels than Worklink accepts "
                                  "(%(limit)s megapixels)."),
                               {"limit": MAX_PIXELS // 1_000_000})
            frames = getattr(image, "n_frames", 1)
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return unreadable
    fmt = "JPEG" if content_type in _HEIC else _REENCODED.get(content_type, "JPEG")
    media_type = "image/jpeg" if content_type in _HEIC else content_type
    out = _temporary(work_dir, ".img")
    if fmt == "GIF" and frames > 1:
        # An animation keeps its frames; a GIF carries no EXIF, and comments are not copied.
        image.save(out, format="GIF", save_all=True)
    else:
        upright = ImageOps.exif_transpose(image)  # the pixels as the phone showed them
        _save_without_metadata(upright, out, fmt)
    thumbnail = _temporary(work_dir, ".jpg")
    small = ImageOps.exif_transpose(image).convert("RGB")
    small.thumbnail(THUMBNAIL_SIZE)
    small.save(thumbnail, format="JPEG", quality=80)
    return out, media_type, thumbnail


def _save_without_metadata(image: Image.Image, out: Path, fmt: str) -> None:
    # A fresh image from the pixels alone: no info dict travels (EXIF, XMP, comments, PNG text),
    # only the colour profile, which says how to show the colours and nothing about anyone.
    icc = image.info.get("icc_profile")
    clean = image.copy()
    clean.info = {}
    if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True)
    clean.save(out, format=fmt, **options)


def _digest(path: Path) -> tuple[int, str]:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def _temporary(work_dir: Path, suffix: str) -> Path:
    work_dir.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=work_dir, suffix=suffix, delete=False)
    handle.close()
    return Path(handle.name)
