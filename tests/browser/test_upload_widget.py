"""The upload widget in headless Chromium (tus-js-client, the page's client) at a phone's width.

A student opens a placed task that asks for files, picks a photo carrying GPS and a PDF; the
test's switch drops the connection once in the middle of the PDF's upload, and tus-js-client
resumes from the server's offset (re-sending at most one chunk). The stored photo has no EXIF.
Offline: a file chosen with no connection waits in IndexedDB, the page says so, and it is sent
when the connection returns.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.model import Artifact
from lti_tool.db import make_engine
from lti_tool.storage import artifact_store
from tests.browser.test_sandbox_launch import open_worklink_as
from tests.browser.test_student_work_round_trip import (
    PHONE,
    STUDENT,
    TEACHER,
    open_task_as,
    place_task,
    seed_task,
)
from tests.lti_tool.uploads.photo_factories import jpeg_with_gps, pdf_document

pytestmark = pytest.mark.browser

CHUNK = 5 * 1024 * 1024


class CutOnce:
    """WSGI middleware: the first PATCH whose body passes ``after`` bytes loses its connection.

    The socket is shut down under the request, as a phone losing its signal would, so the
    browser's request fails with a network error and the server keeps what it had read. Counts
    every PATCH body byte the server read, to measure what was sent twice.
    """

    def __init__(self, app: Callable[..., Any], after: int) -> None:
        self.app = app
        self.after = after
        self.cut = False
        self.patch_bytes = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ["REQUEST_METHOD"] == "PATCH" and environ["PATH_INFO"].startswith("/uploads/"):
            environ["wsgi.input"] = _Counted(environ["wsgi.input"], self, environ)
        return self.app(environ, start_response)


class _Counted:
    def __init__(self, stream: Any, switch: CutOnce, environ: dict[str, Any]) -> None:
        self.stream, self.switch, self.environ, self.read_here = stream, switch, environ, 0

    def read(self, size: int = -1) -> bytes:
        with self.switch.lock:
            cut_now = not self.switch.cut and self.read_here >= self.switch.after
            if cut_now:
                self.switch.cut = True
        if cut_now:
            self.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            raise OSError("the test cut the connection")
        block = self.stream.read(size)
        self.read_here += len(block)
        with self.switch.lock:
            self.switch.patch_bytes += len(block)
        return block

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def stored_files(database_url: str) -> list[Artifact]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            return list(db.scalars(select(Artifact).where(Artifact.kind == "file")
                                   .order_by(Artifact.id)))
    finally:
        engine.dispose()


def test_a_student_uploads_a_photo_and_a_pdf_that_resumes_after_a_cut(
        browser: Any, live_server: Any, tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(jpeg_with_gps())
    pdf = tmp_path / "timesheet.pdf"
    pdf.write_bytes(pdf_document() + os.urandom(12 * 1024 * 1024))
    switch = CutOnce(live_server.app.wsgi_app, after=3 * 1024 * 1024 + 12345)
    live_server.app.wsgi_app = switch

    open_worklink_as(browser, live_server.url, TEACHER)
    seed_task(live_server.config.database_url, asked=(AskedArtifact.FILES, AskedArtifact.LINKS))
    place_task(browser, live_server.url)
    browser.set_window_size(*PHONE)
    open_task_as(browser, live_server.url, STUDENT)

    picker = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "upload-file")))
    assert "image/*" in picker.get_attribute("accept")
    camera = browser.find_element(By.ID, "upload-camera")
    assert camera.get_attribute("capture") == "environment"
    picker.send_keys(f"{photo}\n{pdf}")
    WebDriverWait(browser, 60).until(lambda b: len(stored_files(live_server.config.database_url)) == 2)
    assert switch.cut, "the connection was never cut: the test proved nothing about resuming"
    resent = switch.patch_bytes - photo.stat().st_size - pdf.stat().st_size
    assert 0 <= resent <= CHUNK
    kept = {a.filename: a for a in stored_files(live_server.config.database_url)}
    assert set(kept) == {"IMG_0042.jpg", "timesheet.pdf"}
    stored_photo = kept["IMG_0042.jpg"]
    assert stored_photo.file_key is not None
    with artifact_store(live_server.app).open(stored_photo.file_key) as stream:
        data = stream.read()
    assert b"Exif" not in data and b"iPhone" not in data
    assert kept["timesheet.pdf"].size == pdf.stat().st_size
    # The page comes back listing both as downloads, the photo with its thumbnail.
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#student-files"), "timesheet.pdf"))
    assert "IMG_0042.jpg" in browser.find_element(By.ID, "student-files").text
    thumbnail = browser.find_element(By.CSS_SELECTOR, "#student-files img.thumbnail")
    assert browser.execute_script("return arguments[0].naturalWidth", thumbnail) > 0


def _connection(browser: Any, *, online: bool) -> None:
    """The phone's signal, as Chromium's network emulation drops and restores it."""
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": not online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    if not online:
        WebDriverWait(browser, 10).until(lambda b: b.execute_script("return !navigator.onLine"))


def _chosen_offline(browser: Any, live_server: Any, tmp_path: Path, name: str) -> Any:
    """The teacher places a task asking for files; the student opens it on a phone, loses the
    connection and picks a photo called ``name``: the list of waiting files, shown."""
    photo = tmp_path / name
    photo.write_bytes(jpeg_with_gps())
    open_worklink_as(browser, live_server.url, TEACHER)
    seed_task(live_server.config.database_url, asked=(AskedArtifact.FILES,))
    place_task(browser, live_server.url)
    browser.set_window_size(*PHONE)
    open_task_as(browser, live_server.url, STUDENT)
    picker = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "upload-file")))
    browser.execute_cdp_cmd("Network.enable", {})
    _connection(browser, online=False)
    picker.send_keys(str(photo))
    return WebDriverWait(browser, 10).until(EC.visibility_of_element_located(
        (By.ID, "upload-waiting")))


def test_a_file_chosen_offline_waits_on_the_phone_and_is_sent_when_back_online(
        browser: Any, live_server: Any, tmp_path: Path) -> None:
    waiting = _chosen_offline(browser, live_server, tmp_path, "site.jpg")
    assert "site.jpg" in waiting.text
    assert stored_files(live_server.config.database_url) == []
    _connection(browser, online=True)
    WebDriverWait(browser, 30).until(lambda b: len(stored_files(live_server.config.database_url)) == 1)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#student-files"), "site.jpg"))
    assert not browser.find_element(By.ID, "upload-waiting").is_displayed()


def test_a_file_kept_offline_on_a_shared_device_goes_only_into_its_own_students_work(
        browser: Any, live_server: Any, tmp_path: Path) -> None:
    """Carmen picks a photo with no connection on the class tablet and leaves; Amani opens the
    same task on it, online. Amani's page neither lists nor sends Carmen's photo; when Carmen
    opens the task again, it is sent into her work."""
    _chosen_offline(browser, live_server, tmp_path, "carmen-site.jpg")
    # Carmen leaves before the connection is back: her tab is closed. (Navigating the tab away
    # was not enough: now and then her page still heard the connection come back and sent her
    # photo, as it should while it is open, and the test saw a file it did not expect.)
    carmens_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    next_tab = browser.current_window_handle
    browser.switch_to.window(carmens_tab)
    browser.close()
    browser.switch_to.window(next_tab)
    browser.set_window_size(*PHONE)

    open_task_as(browser, live_server.url, "Amani Okafor")
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "upload-file")))
    # Amani's page has run its check for waiting files: it says nothing waits for Amani.
    WebDriverWait(browser, 10).until(lambda b: b.execute_script(
        "return document.getElementById('upload-waiting').hidden === true"))
    assert browser.execute_script("return navigator.onLine")
    assert "carmen-site.jpg" not in browser.find_element(By.TAG_NAME, "main").text
    assert stored_files(live_server.config.database_url) == []

    browser.switch_to.default_content()
    open_task_as(browser, live_server.url, STUDENT)
    WebDriverWait(browser, 30).until(
        lambda b: len(stored_files(live_server.config.database_url)) == 1)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#student-files"), "carmen-site.jpg"))
