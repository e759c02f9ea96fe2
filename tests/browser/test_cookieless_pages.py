"""Every Worklink page in a cross-site course frame that keeps no cookie, GET searches included.

The course page is opened as ``localhost`` while Worklink answers as ``127.0.0.1`` (two sites,
as a real LMS and Worklink are), so the browser keeps no Worklink cookie in the frame and the
session travels only in the page's header. Before, the session rode in every URL (``?_wl=``),
and GET forms lost it (a browser drops a GET form's ``action`` query): the library and standards
searches answered "Please open Worklink from your course".
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.sandbox_actions import sign_in
from tests.browser.test_deep_linking_round_trip import TITLES, _seed_tasks
from tests.lti_tool.task_launch_factories import STANDARD

pytestmark = pytest.mark.browser


class Frame:
    """The Worklink frame inside the cross-site course page, and what must hold on every page."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.token = ""
        self.cookie_jar_empty = True
        """Until a first-party window got a cookie of its own (which the frame never sends)."""

    def enter(self) -> None:
        WebDriverWait(self.browser, 30).until(EC.frame_to_be_available_and_switch_to_it(
            (By.CSS_SELECTOR, "iframe.tool-frame")))

    def wait_heading(self, text: str) -> None:
        try:
            WebDriverWait(self.browser, 30).until(
                EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), text))
        except TimeoutException:
            # Say what the frame showed instead, so a failure can be read from CI's output.
            body = self.browser.execute_script(
                "return document.body ? document.body.innerText : '(no body)'")
            location = self.browser.execute_script("return window.location.pathname")
            raise AssertionError(f"no heading {text!r} after 30 s at {location}: {body[:600]}") from None
        self.check()

    def check(self) -> None:
        """No cookie, no token in the address, and the page is someone's (not a 401)."""
        body = self.browser.find_element(By.TAG_NAME, "body").text
        assert "Please open Worklink from your course" not in body
        if self.cookie_jar_empty:
            assert all(c["name"] != "wl_session" for c in self.browser.get_cookies())
        meta = self.browser.find_element(By.CSS_SELECTOR, 'meta[name="worklink-session"]')
        assert meta.get_attribute("data-carrier") == "page"
        self.token = meta.get_attribute("content")
        location = self.browser.execute_script("return window.location.href")
        assert self.token not in location and "_wl" not in location

    def leaving(self, act: Any) -> None:
        """Do ``act`` and wait until this page was replaced by the next."""
        page = self.browser.find_element(By.TAG_NAME, "html")
        act()
        WebDriverWait(self.browser, 20).until(EC.staleness_of(page))

    def click(self, link_text: str) -> None:
        self.leaving(self.browser.find_element(By.PARTIAL_LINK_TEXT, link_text).click)

    def press(self, label: str) -> None:
        self.leaving(self.browser.find_element(By.XPATH, f"//button[contains(., '{label}')]").click)

    def search(self, field_id: str, words: str) -> None:
        box = self.browser.find_element(By.ID, field_id)
        box.clear()
        box.send_keys(words)
        self.leaving(box.submit)

    @property
    def text(self) -> str:
        return str(self.browser.find_element(By.TAG_NAME, "body").text)

    def location(self) -> str:
        return str(self.browser.execute_script("return window.location.href"))


def _sign_in(browser: Any, site: str, person: str) -> None:
    sign_in(browser, site, person)


def _ticked(browser: Any, title: str) -> bool:
    box = browser.find_element(By.XPATH, f"//label[contains(., '{title}')]//input")
    if not box.is_selected():
        box.click()
    return bool(box.is_selected())


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    """A fresh client: another browser, with nothing but the address (and maybe a header)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_teacher_uses_every_page_in_a_cookieless_cross_site_frame(browser: Any, live_server: Any) -> None:
    other_site = live_server.url.replace("127.0.0.1", "localhost")
    _sign_in(browser, other_site, "Lucia Rivera")
    browser.find_element(By.LINK_TEXT, "Worklink").click()
    frame = Frame(browser)
    frame.enter()
    frame.wait_heading("WBL Seminar (Sandbox)")
    _seed_tasks(live_server.config.database_url)

    frame.click("Task library")
    frame.wait_heading("Work-based learning tasks")
    assert TITLES[0] in frame.text and TITLES[1] in frame.text
    # The library's GET search: the reported failure.
    frame.search("q", "county")
    WebDriverWait(browser, 20).until(lambda _: "q=county" in frame.location())
    frame.wait_heading("Work-based learning tasks")
    assert TITLES[0] in frame.text and TITLES[1] not in frame.text

    frame.click("New task")
    frame.wait_heading("New work-based learning task")
    browser.find_element(By.ID, "title").send_keys("Cookieless clinic visit")
    Select(browser.find_element(By.ID, "stage")).select_by_index(1)
    Select(browser.find_element(By.ID, "experience_type")).select_by_index(1)
    frame.press("Create task")
    frame.wait_heading("Cookieless clinic visit")  # saved, then the redirect kept the session

    frame.click("Standards and competencies")
    frame.wait_heading("Standards and competencies")
    # The standards search: a GET form too.
    frame.search("q", STANDARD.split()[0])
    WebDriverWait(browser, 20).until(EC.presence_of_element_located(
        (By.XPATH, "//button[contains(., 'Align')]")))
    frame.check()
    frame.press("Align")
    WebDriverWait(browser, 20).until(EC.presence_of_element_located(
        (By.XPATH, "//button[contains(@aria-label, 'Remove')]")))
    frame.check()

    frame.click("Back to")
    frame.wait_heading("Cookieless clinic visit")
    frame.click("Rubric")
    frame.wait_heading("Rubric for")
    frame.press("Use this starter")
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[role=status]")))
    frame.check()
    frame.click("Preview as a student")
    frame.wait_heading("Cookieless clinic visit")
    assert "Back to the task" in frame.text

    frame.click("Back to the task")
    frame.wait_heading("Cookieless clinic visit")
    frame.click("Course home")
    frame.wait_heading("WBL Seminar (Sandbox)")
    frame.click("Standards coverage")
    frame.wait_heading("Standards and competencies this course")
    browser.back()  # history entries are the pages drawn in place (WebDriver leaves the frame)
    frame.enter()
    frame.wait_heading("WBL Seminar (Sandbox)")
    frame.click("Class roster")
    frame.wait_heading("Class roster")
    # (The roster's own GET filter needs the roster, which this in-process sandbox cannot
    # always serve while the page waits on it; the filter travels like the searches above.)

    # The address a teacher might paste into the class chat grants nothing to anyone else,
    # even with the page's token appended the old way.
    copied = frame.location()
    assert _status(copied) == 401
    assert _status(f"{copied}{'&' if '?' in copied else '?'}_wl={frame.token}") == 401
    assert _status(copied, {"X-Worklink-Session": frame.token}) == 200  # the header is the key

    frame.press("Sign out")
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "signed out"))
    assert _status(copied, {"X-Worklink-Session": frame.token}) == 401


def test_the_picker_search_and_a_students_task_work_without_cookies(browser: Any, live_server: Any) -> None:
    other_site = live_server.url.replace("127.0.0.1", "localhost")
    _sign_in(browser, other_site, "Lucia Rivera")
    browser.find_element(By.LINK_TEXT, "Worklink").click()  # makes the course known
    frame = Frame(browser)
    frame.enter()
    frame.wait_heading("WBL Seminar (Sandbox)")
    _seed_tasks(live_server.config.database_url)
    browser.switch_to.default_content()

    browser.get(f"{other_site}/sandbox/")
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.XPATH, "//button[contains(., 'Add Worklink content')]"))).click()
    frame.enter()
    frame.wait_heading("Add work-based learning")
    frame.search("q", "interview")  # the picker's GET search
    WebDriverWait(browser, 20).until(lambda _: "q=interview" in frame.location())
    frame.wait_heading("Add work-based learning")
    assert TITLES[1] in frame.text and TITLES[0] not in frame.text
    # "Preview" opens a new, first-party window, which shares no cookie with this frame: the
    # page posts the session to /session/window, which gives that window a session of its own.
    course_page = browser.current_window_handle
    browser.find_element(By.LINK_TEXT, "Preview").click()
    WebDriverWait(browser, 10).until(lambda b: len(b.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != course_page))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), TITLES[1]))
    assert "/preview/student" in browser.current_url and "_wl" not in browser.current_url
    browser.close()
    browser.switch_to.window(course_page)
    frame.enter()
    frame.cookie_jar_empty = False  # the frame still says "page": it never sent that cookie
    # Back in its tab, the picker asks again for its list (static/task_list_sync.js), and it
    # would swap the list in if another window had saved a task: find the box and the button
    # afresh until the press takes (a wait ignores a stale element).
    WebDriverWait(browser, 20).until(lambda b: _ticked(b, TITLES[1]))
    WebDriverWait(browser, 20).until(lambda b: b.find_element(
        By.XPATH, "//button[@value='add']").click() or True)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Content added"))
    browser.switch_to.default_content()

    _sign_in(browser, other_site, "Bao Tran")
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable((By.LINK_TEXT, TITLES[1]))).click()
    frame.enter()
    frame.wait_heading(TITLES[1])
    assert "Student view" in frame.text
