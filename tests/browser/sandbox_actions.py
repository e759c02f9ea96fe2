"""Steps every browser test takes in the sandbox LMS, written so a page still loading cannot race them.

A sandbox sign-in is a form POST: until its answer replaces the page, the old page (which may
already name the same person, from an earlier sign-in) is still there, and a link read from it
goes stale a moment later. So a sign-in waits for the clicked button to leave the document
before it reads anything, and a click retries on an element that went stale under it.
"""

from __future__ import annotations

from typing import Any

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def sign_in(browser: Any, site: str, person: str) -> None:
    """Open the sandbox at ``site`` and sign in as ``person`` (a name on its sign-in buttons)."""
    browser.get(f"{site}/sandbox/")
    button = WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.XPATH, f"//button[contains(., 'Sign in as {person}')]")))
    button.click()
    WebDriverWait(browser, 15).until(EC.staleness_of(button))
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "header"), person))


def click(browser: Any, by: str, locator: str, timeout: float = 10) -> None:
    """Click the element found by (``by``, ``locator``) once it is clickable, again if it went stale."""

    def clicked(driver: Any) -> bool:
        try:
            element = driver.find_element(by, locator)
            if not (element.is_displayed() and element.is_enabled()):
                return False
            element.click()
            return True
        except StaleElementReferenceException:
            return False
        except WebDriverException as error:
            # Chromium's "Node with given id does not belong to the document" while navigating.
            if "does not belong to the document" in str(error):
                return False
            raise

    WebDriverWait(browser, timeout).until(clicked)
