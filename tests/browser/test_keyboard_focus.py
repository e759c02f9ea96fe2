"""Keyboard use: every focused control shows a ring that stands out, and the editor's toolbar
is reached with Tab like the rest of the form (WCAG 2.1.1, 2.4.7 and 1.4.11)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_sandbox_launch import open_worklink_as

pytestmark = pytest.mark.browser


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rgb(css: str) -> tuple[int, int, int]:
    found = re.match(r"rgba?\((\d+), (\d+), (\d+)", css)
    assert found, css
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def _ring(browser: Any) -> dict[str, str]:
    """The focused element's tag and computed focus ring."""
    return dict(browser.execute_script(
        "const e = document.activeElement, s = getComputedStyle(e);"
        "return {tag: e.tagName.toLowerCase(), attribute: e.getAttribute('data-trix-attribute')"
        " || '', style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor,"
        " shadow: s.boxShadow};"))


def _tab(browser: Any) -> dict[str, str]:
    browser.switch_to.active_element.send_keys(Keys.TAB)
    return _ring(browser)


def test_a_keyboard_reaches_the_editor_toolbar_and_sees_where_it_is(
        browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe.tool-frame"))
    home = browser.find_element(By.CSS_SELECTOR, "nav.site-nav a").get_attribute("href")
    browser.switch_to.default_content()
    found = re.search(r"(.*/teacher/course/\d+)", home or "")
    assert found is not None, home
    browser.get(found.group(1) + "/tasks/new")
    WebDriverWait(browser, 10).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "trix-toolbar button"))
    browser.find_element(By.ID, "title").click()

    seen = [_ring(browser)]
    while seen[-1]["tag"] != "trix-editor" and len(seen) < 40:
        seen.append(_tab(browser))
    reached = [ring["attribute"] for ring in seen if ring["tag"] == "button"]
    # The toolbar's buttons come between the title and the editor, bold first.
    assert reached[:2] == ["bold", "italic"], seen
    assert seen[-1]["tag"] == "trix-editor", seen

    white = (255, 255, 255)
    for ring in seen:
        assert ring["style"] == "solid" and ring["width"] == "3px", ring
        assert contrast(_rgb(ring["color"]), white) >= 3, ring
        # A white ring inside the dark one: the ring stays visible on a dark background too.
        assert ring["shadow"].startswith("rgb(255, 255, 255)"), ring

    # Enter on a reached button does what a click does, and the typing goes on in the editor.
    browser.switch_to.active_element.send_keys("Observe ")
    ring = _ring(browser)
    while ring["attribute"] != "bold":
        ring = _tab(browser)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert _ring(browser)["tag"] == "trix-editor"
    browser.switch_to.active_element.send_keys("a nurse")
    saved = browser.find_element(By.CSS_SELECTOR, "input[name='description']").get_attribute("value")
    assert "<div>Observe&nbsp;<strong>a nurse</strong></div>" in (saved or ""), saved


def test_the_sandbox_bar_says_who_is_signed_in_legibly(browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    who, bar = browser.execute_script(
        "const w = document.querySelector('.sandbox-bar .who');"
        "return [getComputedStyle(w).color,"
        " getComputedStyle(w.closest('.sandbox-bar')).backgroundColor];")
    assert contrast(_rgb(who), _rgb(bar)) >= 4.5, (who, bar)
