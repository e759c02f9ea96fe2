"""What a student types on the task page is never lost to the page's own reloads (static/drafts.js).

Found by the QA pass of the demo: a reflection typed and not saved went empty when the student
added a link, logged hours, or when an upload finished and the page reloaded by itself. Now the
typing survives all three, the upload redraws only the parts that show the work, leaving with
text not saved asks first (but saving it does not), and a draft never reaches the next person
on a shared computer: it is keyed by the student and gone when they sign out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from competencies.tasks.vocabulary import AskedArtifact
from tests.browser.test_sandbox_launch import open_worklink_as
from tests.browser.test_student_work_round_trip import (
    STUDENT,
    TEACHER,
    TITLE,
    fill,
    main_text,
    open_task_as,
    place_task,
    press,
    seed_task,
)
from tests.lti_tool.uploads.photo_factories import pdf_document

pytestmark = pytest.mark.browser

WORDS = "The nurse showed me how to read a chart"




def editor_text(browser: Any) -> str:
    editor = WebDriverWait(browser, 10).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "trix-editor#reflection")))
    return str(editor.text)


def type_reflection(browser: Any, words: str = WORDS) -> None:
    editor = WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, "trix-editor#reflection")))
    editor.send_keys(words)
    WebDriverWait(browser, 5).until(lambda b: words in editor_text(b))


def drafts(browser: Any) -> list[str]:
    """The drafts this tab keeps (the sandbox page and Worklink's frame share one origin)."""
    return list(browser.execute_script(
        "return Object.keys(sessionStorage).filter(function (k) {"
        " return k.indexOf('worklink-draft/') === 0; })"))


def click_when_shown(browser: Any, element_id: str) -> None:
    WebDriverWait(browser, 5).until(EC.element_to_be_clickable((By.ID, element_id))).click()


def open_task(browser: Any, live_server: Any,
              asked: tuple[AskedArtifact, ...] = (AskedArtifact.LINKS, AskedArtifact.REFLECTION,
                                                 AskedArtifact.HOURS_LOG)) -> None:
    open_worklink_as(browser, live_server.url, TEACHER)
    seed_task(live_server.config.database_url, asked=asked)
    place_task(browser, live_server.url)
    open_task_as(browser, live_server.url, STUDENT)


def test_a_reflection_not_saved_survives_adding_a_link_and_logging_hours(
        browser: Any, live_server: Any) -> None:
    open_task(browser, live_server)
    type_reflection(browser)

    fill(browser, {"link-url": "https://portfolio.example.org/clinic"})
    page = press(browser, "Add link", "Saved.")
    assert "Links: done (1)" in page
    assert WORDS in editor_text(browser)
    assert "is back in its box" in main_text(browser)
    assert browser.find_element(By.ID, "link-url").get_attribute("value") == ""

    fill(browser, {"hours-date": dt.date.today().isoformat(), "hours-hours": "2",
                   "hours-activity": "Filed charts"})
    press(browser, "Log hours", "2 of 4 hours logged")
    assert WORDS in editor_text(browser)
    # The hours just logged are not typed into the form again.
    assert browser.find_element(By.ID, "hours-activity").get_attribute("value") == ""

    press(browser, "Save reflection", "Saved.")
    assert drafts(browser) == []
    assert "is back in its box" not in main_text(browser)
    assert WORDS in editor_text(browser)
    assert not asks_before_leaving(browser)

def test_a_reflection_keeps_being_typed_while_an_upload_finishes(
        browser: Any, live_server: Any, tmp_path: Path) -> None:
    pdf = tmp_path / "timesheet.pdf"
    pdf.write_bytes(pdf_document())
    open_task(browser, live_server, asked=(AskedArtifact.FILES, AskedArtifact.REFLECTION))
    assert "Files: missing" in main_text(browser)
    browser.execute_script("window.stillThisPage = true;")
    type_reflection(browser)

    browser.find_element(By.ID, "upload-file").send_keys(str(pdf))
    WebDriverWait(browser, 30).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#student-files"), "timesheet.pdf"))

    assert browser.execute_script("return window.stillThisPage === true")  # not reloaded
    assert WORDS in editor_text(browser)
    assert "Files: done (1)" in browser.find_element(By.ID, "your-work").text
    type_reflection(browser, " and to ask")
    assert WORDS + " and to ask" in editor_text(browser)


def asks_before_leaving(browser: Any, submitting: str = "") -> bool:
    """Whether leaving now would ask (the page cancels ``beforeunload``), after a submit of
    the form named ``submitting`` if any (the test stops that form going anywhere).

    ChromeDriver answers a beforeunload question itself before a test could see it (even with
    ``unhandledPromptBehavior``), so the test asks the page what the browser would.
    """
    return bool(browser.execute_script("""
        var name = arguments[0];
        var form = name === "sign-out" ? document.querySelector("form.signout")
                                       : document.querySelector("form[data-draft='" + name + "']");
        if (form) {
          var stop = function (event) { event.preventDefault(); };
          document.addEventListener("submit", stop);
          form.requestSubmit();
          document.removeEventListener("submit", stop);
        }
        var leaving = new Event("beforeunload", {cancelable: true});
        window.dispatchEvent(leaving);
        window.dispatchEvent(new PageTransitionEvent("pageshow"));  // as if back on the page
        return leaving.defaultPrevented;
    """, submitting))


def carrier(browser: Any) -> str:
    """How this page's session travels: "page" (header, pages drawn in place) or "cookie"."""
    return str(browser.find_element(By.CSS_SELECTOR, 'meta[name="worklink-session"]')
               .get_attribute("data-carrier"))


def test_leaving_with_text_not_saved_asks_first_and_handing_in_says_it_is_missing(
        browser: Any, live_server: Any) -> None:
    open_task(browser, live_server)
    fill(browser, {"link-url": "https://portfolio.example.org/clinic"})
    press(browser, "Add link", "Saved.")
    assert carrier(browser) == "cookie"  # the launch's page is "page"; from now on, native
    type_reflection(browser)

    assert asks_before_leaving(browser)
    assert not asks_before_leaving(browser, submitting="reflection")
    assert not asks_before_leaving(browser, submitting="pathway")
    assert asks_before_leaving(browser, submitting="sign-out")

    fill(browser, {"link-url": "https://portfolio.example.org/shadowing"})
    press(browser, "Add link", "Links: done (2)")  # the page's own form: no question
    assert WORDS in editor_text(browser)
    browser.find_element(By.ID, "submit-button").click()
    question = WebDriverWait(browser, 5).until(EC.visibility_of_element_located(
        (By.ID, "drafts-question")))
    assert "would not be handed in" in question.text
    browser.find_element(By.ID, "drafts-stay").click()
    assert not question.is_displayed() and "Handed in." not in main_text(browser)
    assert WORDS in editor_text(browser)
    browser.find_element(By.ID, "submit-button").click()
    click_when_shown(browser, "drafts-go")  # "Hand in without it"
    # The task still asks for hours (and a saved reflection): refused, and the text is still here.
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "Nothing was saved"))
    assert WORDS in editor_text(browser)


def test_a_draft_never_reaches_the_next_student_on_the_same_computer(
        browser: Any, live_server: Any) -> None:
    open_task(browser, live_server)
    type_reflection(browser)
    assert len(drafts(browser)) == 1

    # Carmen walks away without signing out; Bao opens the same task in the same tab.
    # (ChromeDriver's get() leaves the frame without its beforeunload question.)
    browser.switch_to.default_content()
    open_task_as(browser, live_server.url, "Bao Tran")
    assert editor_text(browser) == ""
    assert "is back in its box" not in main_text(browser)
    assert len(drafts(browser)) == 0

    # Bao types, then signs out: asked first (the launch's page is drawn in place, where no
    # beforeunload comes), and nothing is left behind.
    assert carrier(browser) == "page"
    type_reflection(browser, "Mine")
    assert len(drafts(browser)) == 1
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    click_when_shown(browser, "drafts-go")
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "You have signed out"))
    assert drafts(browser) == []


def test_in_a_frame_that_keeps_no_cookie_the_typing_survives_and_leaving_asks(
        browser: Any, live_server: Any) -> None:
    """Pages drawn in place (static/session.js): no beforeunload comes, so the page asks itself.

    Then the sign-out asks too; going on signs out and leaves no draft behind."""
    open_worklink_as(browser, live_server.url, TEACHER)
    seed_task(live_server.config.database_url)
    place_task(browser, live_server.url)
    open_task_as(browser, live_server.url.replace("127.0.0.1", "localhost"), STUDENT)
    meta = browser.find_element(By.CSS_SELECTOR, 'meta[name="worklink-session"]')
    assert meta.get_attribute("data-carrier") == "page"
    type_reflection(browser)

    fill(browser, {"link-url": "https://portfolio.example.org/clinic"})
    press(browser, "Add link", "Saved.")
    assert WORDS in editor_text(browser)

    browser.find_element(By.LINK_TEXT, "My work-based learning").click()
    question = WebDriverWait(browser, 5).until(EC.visibility_of_element_located(
        (By.ID, "drafts-question")))
    assert "not saved yet" in question.text
    browser.find_element(By.ID, "drafts-stay").click()
    assert WORDS in editor_text(browser)
    press(browser, "Save reflection", "Saved.")
    assert WORDS in editor_text(browser)
    editor = browser.find_element(By.ID, "reflection")
    browser.find_element(By.LINK_TEXT, "My work-based learning").click()  # no question now
    WebDriverWait(browser, 20).until(EC.staleness_of(editor))

    browser.find_element(By.LINK_TEXT, TITLE).click()
    type_reflection(browser, " at the desk")
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    click_when_shown(browser, "drafts-go")
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "You have signed out"))
    assert drafts(browser) == []
