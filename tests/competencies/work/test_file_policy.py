"""What a task accepts: judged by the device's word before the upload, by the content after."""

from __future__ import annotations

from competencies.work.file_policy import DEFAULT, FileGroup, FilePolicy

PHOTOS_ONLY = FilePolicy(groups=frozenset({FileGroup.IMAGES}), max_bytes=10 * 1024 * 1024,
                         max_files=3)


def test_a_photo_from_a_phone_is_accepted_before_and_after() -> None:
    assert DEFAULT.check_declared("IMG_0042.HEIC", "image/heic", 3_000_000, 0) is None
    assert DEFAULT.check_content("IMG_0042.HEIC", "image/heic", "image/heif") is None


def test_a_file_over_the_limit_is_refused_with_both_sizes() -> None:
    refusal = PHOTOS_ONLY.check_declared("site.jpg", "image/jpeg", 25 * 1024 * 1024, 0)
    assert refusal is not None and refusal.code == "too_large"
    assert refusal.values == {"name": "site.jpg", "size": "25", "limit": "10"}


def test_the_count_limit_counts_what_the_work_holds() -> None:
    assert PHOTOS_ONLY.check_declared("a.jpg", "image/jpeg", 10, 2) is None
    refusal = PHOTOS_ONLY.check_declared("a.jpg", "image/jpeg", 10, 3)
    assert refusal is not None and refusal.code == "too_many"


def test_a_type_the_task_does_not_take_is_refused_before_the_upload() -> None:
    refusal = PHOTOS_ONLY.check_declared("report.pdf", "application/pdf", 10, 0)
    assert refusal is not None and refusal.code == "type_not_allowed"
    assert PHOTOS_ONLY.allowed_labels() == ["photos and images"]


def test_svg_and_html_are_in_no_group() -> None:
    """They can carry script: never accepted, whatever they are called."""
    for name, declared in (("logo.svg", "image/svg+xml"), ("page.html", "text/html")):
        refusal = DEFAULT.check_declared(name, declared, 10, 0)
        assert refusal is not None and refusal.code == "type_not_allowed"
    refusal = DEFAULT.check_content("photo.jpg", "image/jpeg", "image/svg+xml")
    assert refusal is not None and refusal.code == "content_not_allowed"


def test_a_name_and_a_declared_type_that_disagree_are_refused() -> None:
    refusal = DEFAULT.check_declared("notes.pdf", "image/png", 10, 0)
    assert refusal is not None and refusal.code == "declared_mismatch"


def test_content_that_contradicts_the_name_is_refused() -> None:
    """A PDF renamed to .jpg."""
    refusal = DEFAULT.check_content("photo.jpg", "image/jpeg", "application/pdf")
    assert refusal is not None and refusal.code == "content_contradicts_name"
    assert refusal.values["claimed"] == "image/jpeg" and refusal.values["found"] == "application/pdf"


def test_a_name_without_an_ending_is_judged_by_the_declared_type() -> None:
    assert DEFAULT.check_declared("scan", "application/pdf", 10, 0) is None
    assert DEFAULT.check_content("scan", "application/pdf", "application/pdf") is None


def test_the_accept_attribute_hints_every_allowed_group() -> None:
    accept = PHOTOS_ONLY.accept().split(",")
    assert "image/*" in accept and ".heic" in accept and ".pdf" not in accept
