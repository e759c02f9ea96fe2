"""Videos and recordings are kept without their location or device, their sound and pictures
copied untouched; one that cannot be read through is refused, not kept with its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from competencies.work.file_policy import DEFAULT, Refusal
from lti_tool.uploads.safe_files import SafeFile, make_safe
from tests.lti_tool.uploads.media_factories import (
    DEVICE,
    metadata_of,
    packets_of,
    phone_media,
)

PHONE_FILES = [  # name, muxer, apple keys, video, the box the location travels in
    ("walkthrough.mov", "mov", False, True, b"\xa9xyz"),
    ("IMG_0042.MOV", "mov", True, True, b"com.apple.quicktime.location.ISO6709"),
    ("site.mp4", "mp4", False, True, b"loci"),
    ("interview.m4a", "ipod", False, False, b"loci"),
]


def _sensitive(tags: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items()
            if any(word in k.lower() for word in ("location", "xyz", "make", "model", "iso6709"))
            or "40.8448" in v or DEVICE in v}


@pytest.mark.parametrize(("name", "muxer", "apple", "video", "box"), PHONE_FILES)
def test_a_phone_video_or_recording_is_kept_without_location_or_device(
        tmp_path: Path, name: str, muxer: str, apple: bool, video: bool, box: bytes) -> None:
    original = phone_media(tmp_path / f"upload.{muxer}", muxer, video=video, apple_keys=apple)
    assert box in original.read_bytes(), "the fixture carries the location as phones write it"
    assert _sensitive(metadata_of(original))
    packets = packets_of(original)
    safe = make_safe(original, name, "", DEFAULT, tmp_path / "work")
    assert isinstance(safe, SafeFile), safe
    assert safe.path != original and safe.filename == name
    kept = safe.path.read_bytes()
    assert box not in kept and b"40.8448" not in kept and DEVICE.encode() not in kept
    assert b"Lavf" not in kept, "not even FFmpeg's own encoder tag"
    assert _sensitive(metadata_of(safe.path)) == {}
    assert packets_of(safe.path) == packets, "sound and pictures copied, not re-encoded"
    assert safe.size == len(kept)


def test_a_damaged_video_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    original = phone_media(tmp_path / "upload.mp4", "mp4")
    content = original.read_bytes()
    moov = content.index(b"moov")
    original.write_bytes(content[:moov + 40])  # cut inside the index a player needs
    refused = make_safe(original, "site.mp4", "video/mp4", DEFAULT, tmp_path / "work")
    assert isinstance(refused, Refusal) and refused.code == "media_unreadable"
    assert refused.values == {"name": "site.mp4"}
    assert list((tmp_path / "work").iterdir()) == []


def test_a_file_with_a_video_signature_and_no_video_is_refused(tmp_path: Path) -> None:
    original = tmp_path / "upload.mp4"
    original.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(4000))
    refused = make_safe(original, "clip.mp4", "video/mp4", DEFAULT, tmp_path / "work")
    assert isinstance(refused, Refusal) and refused.code == "media_unreadable"
    assert list((tmp_path / "work").iterdir()) == []
