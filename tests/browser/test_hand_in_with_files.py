"""Issue 9's "done when", files included, in headless Chromium at a phone's width.

A student opens the placed task in the sandbox LMS, uploads a photo carrying GPS and a PDF
(the test's switch cuts the connection once in the middle of the PDF; tus-js-client resumes
from the server's offset), adds a link, logs hours, writes a reflection and hands it in. The
teacher sees every item and returns it; the student hands in version 2, and version 1 still
holds both files. The stored photo has no EXIF. The flow's helpers are the student-work tests'
(tests/browser/test_student_work_round_trip.py) and the upload switch is the widget test's.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from competencies.tasks.vocabulary import AskedArtifact
from lti_tool.storage import artifact_store
from tests.browser.sandbox_actions import click
from tests.browser.test_sandbox_launch import SCREENSHOTS, open_worklink_as
from tests.browser.test_student_work_round_trip import (
    PHONE,
    STUDENT,
    TEACHER,
    fill,
    in_frame,
    main_text,
    open_task_as,
    place_task,
    press,
    reflect_and_answer_the_survey,
    seed_task,
)
from tests.browser.test_upload_widget import CHUNK, CutOnce, stored_files
from tests.lti_tool.uploads.photo_factories import GPS_IFD, jpeg_with_gps, pdf_document

pytestmark = pytest.mark.browser


def test_a_student_hands_in_photos_and_files_from_a_phone_through_a_dropped_connection(
        browser: Any, live_server: Any, tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(jpeg_with_gps())
    pdf = tmp_path / "timesheet.pdf"
    pdf.write_bytes(pdf_document() + os.urandom(9 * 1024 * 1024))
    switch = CutOnce(live_server.app.wsgi_app, after=2 * 1024 * 1024 + 777)
    live_server.app.wsgi_app = switch
    database_url = live_server.config.database_url

    open_worklink_as(browser, live_server.url, TEACHER)
    seed_task(database_url, asked=(AskedArtifact.FILES, AskedArtifact.LINKS,
                                   AskedArtifact.REFLECTION, AskedArtifact.HOURS_LOG))
    place_task(browser, live_server.url)

    browser.set_window_size(*PHONE)
    page = open_task_as(browser, live_server.url, STUDENT)
    assert "Files: missing" in page
    picker = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "upload-file")))
    picker.send_keys(f"{photo}\n{pdf}")
    WebDriverWait(browser, 60).until(lambda b: len(stored_files(database_url)) == 2)
    assert switch.cut, "the connection was never cut: nothing about resuming was shown"
    assert 0 <= switch.patch_bytes - photo.stat().st_size - pdf.stat().st_size <= CHUNK
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#student-files"), "timesheet.pdf"))
    assert "Files: done (2)" in main_text(browser)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]

    fill(browser, {"link-url": "https://portfolio.example.org/clinic", "link-title": "Portfolio"})
    press(browser, "Add link", "Saved.")
    fill(browser, {"hours-date": dt.date.today().isoformat(), "hours-start": "09:00",
                   "hours-end": "12:30", "hours-activity": "Took vitals with the triage nurse",
                   "hours-site": "Bronx Clinic"})
    press(browser, "Log hours", "hours logged")
    reflect_and_answer_the_survey(browser)
    browser.save_screenshot(str(SCREENSHOTS / "worklink-student-files-phone.png"))
    page = press(browser, "Hand in", "Handed in.")
    assert "Submitted" in page
    browser.switch_to.default_content()

    # What is kept of the photo has no location or device.
    photo_row = next(a for a in stored_files(database_url) if a.filename == "IMG_0042.jpg")
    assert photo_row.file_key is not None
    kept = tmp_path / "kept.jpg"
    with artifact_store(live_server.app).open(photo_row.file_key) as stream:
        kept.write_bytes(stream.read())
    with Image.open(kept) as image:
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)

    # The teacher sees every item and returns the work.
    browser.set_window_size(1280, 900)
    open_worklink_as(browser, live_server.url, TEACHER)
    in_frame(browser)
    click(browser, By.XPATH, "//a[contains(@href, '/submissions')]")
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Submissions"))
    click(browser, By.LINK_TEXT, STUDENT)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "Version 1"))
    seen = main_text(browser)
    for item in ("IMG_0042.jpg", "timesheet.pdf", "Portfolio", "Took vitals with the triage nurse",
                 "I learned to listen before I act.", "How triage works"):
        assert item in seen
    download = browser.find_element(By.LINK_TEXT, "timesheet.pdf").get_attribute("href")
    assert "/files/s/" in download
    fill(browser, {"comment": "Add a photo of the triage board."})
    press(browser, "Return for revision", "The student sees your comment.")
    browser.switch_to.default_content()

    # Version 2 adds a link; version 1 keeps both files.
    browser.set_window_size(*PHONE)
    page = open_task_as(browser, live_server.url, STUDENT)
    assert "Add a photo of the triage board." in page
    fill(browser, {"link-url": "https://portfolio.example.org/board"})
    press(browser, "Add link", "Saved.")
    page = press(browser, "Hand in version 2", "Handed in.")
    second, first = page.split("Version 2", 1)[1].split("Version 1", 1)
    assert "portfolio.example.org/board" in second and "portfolio.example.org/board" not in first
    assert "IMG_0042.jpg" in first and "timesheet.pdf" in first
    assert "IMG_0042.jpg" in second
