"""A live Worklink with the sandbox LMS, driven by a real headless Chromium.

The server runs in a thread (werkzeug, threaded) on a database of its own; Chromium and
chromedriver come from the system (Debian: ``apt install chromium chromium-driver``). Without
them the browser tests are skipped with the reason, unless ``WORKLINK_REQUIRE_BROWSER`` is set,
when they fail instead. ``WORKLINK_CHROMIUM`` and ``WORKLINK_CHROMEDRIVER`` point elsewhere.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.support import wait as selenium_wait

from lti_tool.app import create_app
from lti_tool.config import Config, Mode
from lti_tool.outbound.addresses import AddressPolicy
from tests.loopback import serve_wsgi

# A wait polls a page that is still navigating: an LMS frame goes login -> platform auth ->
# auto-posted launch -> page, and a node read between two of those steps is gone. Chromium then
# answers "Node with given id does not belong to the document" (an unknown error, not a stale
# element), which WebDriverWait does not ignore by default, so a correct flow failed now and
# then on a loaded machine. A wait keeps polling through it and still times out if the
# condition never holds. (WebDriverWait reads this tuple each time one is created.)
selenium_wait.IGNORED_EXCEPTIONS = (  # type: ignore[assignment]
    NoSuchElementException, StaleElementReferenceException, WebDriverException)

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROME_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,900",
)


@dataclasses.dataclass(frozen=True)
class LiveServer:
    url: str
    config: Config
    app: Any


@pytest.fixture
def live_server(tmp_path: Path, fresh_database_url: str) -> Iterator[LiveServer]:
    """Worklink plus the sandbox on 127.0.0.1 and a free port, for this test only."""
    # The base URL must name the port before the app exists, so the server starts with a
    # stand-in and the app is put behind it once the port is known.
    holder: dict[str, Any] = {}

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return holder["app"](environ, start_response)

    served = serve_wsgi(dispatch)
    url = next(served)
    config = Config(mode=Mode.TEST, secret_key="browser-test-secret-key-not-for-production",
                    database_url=fresh_database_url, base_url=url,
                    instance_dir=tmp_path / "instance", sandbox=True,
                    outbound_policy=AddressPolicy.parse(["127.0.0.1"]))
    holder["app"] = create_app(config)
    try:
        yield LiveServer(url=url, config=config, app=holder["app"])
    finally:
        served.close()
        holder["app"].extensions["worklink.db"].engine.dispose()
        holder["app"].extensions["worklink.sandbox"].store.dispose()


def _find(env: str, names: tuple[str, ...]) -> str | None:
    if os.environ.get(env):
        return os.environ[env] if Path(os.environ[env]).exists() else None
    return next((path for name in names if (path := shutil.which(name))), None)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    chromium = _find("WORKLINK_CHROMIUM", CHROMIUM_NAMES)
    driver_path = _find("WORKLINK_CHROMEDRIVER", ("chromedriver",))
    if not (chromium and driver_path):
        missing = " and ".join(n for n, p in (("Chromium", chromium), ("chromedriver", driver_path)) if not p)
        reason = (f"{missing} not found (install chromium and chromium-driver, "
                  "or set WORKLINK_CHROMIUM / WORKLINK_CHROMEDRIVER)")
        if os.environ.get("WORKLINK_REQUIRE_BROWSER"):
            pytest.fail(f"WORKLINK_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    # The console (CSP violations, script errors) is kept for browser_console_errors().
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
