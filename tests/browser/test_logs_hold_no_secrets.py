"""A whole browser run under gunicorn, with production's log settings: no secret in any line.

The session rode in every URL before, so gunicorn's access log (the request line, query and all)
held every session token, and Dynamic Registration's ``registration_token`` too. This runs the
real server with ``deploy/gunicorn.conf.py`` (its access log format, Worklink's own log lines on
stderr), drives a cookieless launch, pages, a GET search, a saved form and a registration
request, then reads everything the server wrote.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from bench.gunicorn_target import free_port
from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_cookieless_pages import Frame

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@pytest.fixture
def gunicorn(fresh_database_url: str, tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """Worklink and its sandbox under gunicorn with the production config; (url, secret, log)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secret = "log-test-" + secrets.token_urlsafe(24)
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "WORKLINK_MODE": "dev", "WORKLINK_SECRET_KEY": secret,
           "WORKLINK_DATABASE_URL": fresh_database_url, "WORKLINK_BASE_URL": url,
           "WORKLINK_INSTANCE_DIR": str(tmp_path / "instance"), "WORKLINK_SANDBOX": "1",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
           "GUNICORN_LOG_LEVEL": "debug"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             # The production config's logging, with threads: here gunicorn also serves the
             # sandbox platform, so a launch's JWKS fetch is a request to itself, and Chromium
             # holds idle preconnected sockets that each pin a sync worker until its timeout (in
             # production the proxy in front buffers requests). Two sync workers could deadlock
             # for 30 s; threads cannot.
             "--worker-class", "gthread", "--threads", "8",
             "lti_tool.wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{url}/lti/jwks.json"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.1)  # waiting for the server to come up, not for an outcome
        yield url, secret, log
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick stop: the browser may hold a socket
        process.wait(timeout=30)


def test_no_session_token_secret_or_registration_token_in_any_log_line(
        browser: Any, gunicorn: tuple[str, str, Path]) -> None:
    url, secret, log = gunicorn
    other_site = url.replace("127.0.0.1", "localhost")
    sign_in(browser, other_site, "Lucia Rivera")
    click(browser, By.LINK_TEXT, "Worklink")
    frame = Frame(browser)
    frame.enter()
    frame.wait_heading("WBL Seminar (Sandbox)")
    tokens = {frame.token}
    frame.click("Task library")
    frame.wait_heading("Work-based learning tasks")
    frame.search("q", "clinic")
    frame.wait_heading("Work-based learning tasks")
    frame.click("New task")
    frame.wait_heading("New work-based learning task")
    browser.find_element(By.ID, "title").send_keys("Logged nowhere")
    Select(browser.find_element(By.ID, "stage")).select_by_index(1)
    Select(browser.find_element(By.ID, "experience_type")).select_by_index(1)
    frame.press("Create task")
    frame.wait_heading("Logged nowhere")
    tokens.add(frame.token)
    form_token = browser.find_element(By.NAME, "csrf_token").get_attribute("value")

    registration_token = "reg-" + secrets.token_urlsafe(24)
    try:
        urllib.request.urlopen(f"{url}/lti/register?openid_configuration="
                               f"{quote('https://127.0.0.1:9/openid-configuration', safe='')}"
                               f"&registration_token={registration_token}", timeout=20).close()
    except urllib.error.HTTPError:
        pass  # refused or failed: either way the request was made and logged

    text = log.read_text(errors="replace")
    # The log is not empty: the access lines are there, so their absence of secrets means something.
    assert "GET /teacher/course/" in text and "POST /lti/launch" in text and "/lti/register" in text
    for secret_value in (*tokens, form_token, secret, registration_token):
        assert secret_value and secret_value not in text
