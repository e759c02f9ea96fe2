"""The operator's one-time link, in a real browser: its code never leaves the page's address."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from lti_tool import signing
from lti_tool.admin.signin import issue_link
from lti_tool.db import Database
from tests.browser.sandbox_actions import click

pytestmark = pytest.mark.browser


def test_the_operator_signs_in_from_the_printed_link(browser: Any, live_server: Any) -> None:
    database = Database(live_server.config.database_url)
    with database.session() as session:
        link = issue_link(session, signing.for_config(live_server.config), live_server.url)
    database.engine.dispose()

    browser.get(link)
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Operator sign-in"))
    assert "#" not in browser.current_url  # the script took the code out of the address bar
    click(browser, By.XPATH, "//button[normalize-space()='Sign in']")
    WebDriverWait(browser, 10).until(EC.url_contains("/admin/"))
    WebDriverWait(browser, 10).until(lambda b: "signin" not in b.current_url)
    assert "Operator sign-in" not in browser.find_element(By.TAG_NAME, "body").text

    browser.get(link)  # the same link again: spent
    click(browser, By.XPATH, "//button[normalize-space()='Sign in']")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "has been used"))


def test_the_signin_page_without_its_code_says_what_it_needs(browser: Any, live_server: Any) -> None:
    browser.get(f"{live_server.url}/admin/signin")
    message = WebDriverWait(browser, 10).until(EC.visibility_of_element_located(
        (By.ID, "admin-signin-missing")))
    assert "worklink admin link" in message.text
    assert not browser.find_element(By.ID, "admin-signin").is_displayed()
