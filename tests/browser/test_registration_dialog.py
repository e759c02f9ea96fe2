"""The Dynamic Registration dialog, as an LMS shows it: Worklink's page in the LMS's frame.

The fake LMS on loopback serves the OpenID configuration and registration endpoint Worklink
calls, and a page that frames ``/lti/register`` and records every message the frame posts (an
LMS closes its dialog on ``org.imsglobal.lti.close``). Worklink used to post it as the page
loaded, so the admin never read the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.loopback import LoopbackServer, QuietHandler

pytestmark = pytest.mark.browser

TOKEN = "registration-token-dialog"


class DialogLms:
    def __init__(self, worklink: str) -> None:
        lms = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                if self.path.startswith("/openid-configuration"):
                    o = lms.origin
                    self.reply_json(200, {
                        "issuer": o, "authorization_endpoint": f"{o}/auth",
                        "token_endpoint": f"{o}/token", "jwks_uri": f"{o}/jwks",
                        "registration_endpoint": f"{o}/register",
                        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                            "product_family_code": "moodle"},
                    })
                    return
                query = urlencode({"openid_configuration": f"{lms.origin}/openid-configuration",
                                   "registration_token": TOKEN})
                page = f"""<!doctype html><title>LMS</title><script>
                  window.received = [];
                  window.addEventListener("message", e => window.received.push(e.data));
                </script><iframe id="dialog" src="{worklink}/lti/register?{query}"
                 style="width:900px;height:600px"></iframe>"""
                self.reply(200, page.encode(), "text/html")

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self.reply_json(200, {**body, "client_id": "dialog-client"})

        self.server = LoopbackServer(Handler)
        self.origin = self.server.origin


@pytest.fixture
def lms(live_server: Any) -> Iterator[DialogLms]:
    platform = DialogLms(live_server.url)
    yield platform
    platform.server.close()


def test_the_dialog_is_readable_before_it_asks_the_lms_to_close(browser: Any,
                                                                 lms: DialogLms) -> None:
    browser.get(f"{lms.origin}/lms")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it((By.ID, "dialog")))
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Worklink is registered with"))
    countdown = browser.find_element(By.ID, "countdown")
    assert countdown.is_displayed() and "This window closes in" in countdown.text
    # A second of the countdown has passed, and the LMS has been told nothing yet.
    WebDriverWait(browser, 5).until(
        lambda b: int(b.find_element(By.ID, "seconds").text) < 15)
    browser.switch_to.default_content()
    assert browser.execute_script("return window.received") == []

    browser.switch_to.frame(browser.find_element(By.ID, "dialog"))
    browser.find_element(By.ID, "stay").click()  # the admin wants to read on
    assert not browser.find_element(By.ID, "countdown").is_displayed()
    browser.find_element(By.ID, "close").click()
    browser.switch_to.default_content()
    WebDriverWait(browser, 5).until(lambda b: b.execute_script("return window.received.length"))
    assert browser.execute_script("return window.received") == [
        {"subject": "org.imsglobal.lti.close"}]
