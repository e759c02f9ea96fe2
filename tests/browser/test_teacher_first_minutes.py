"""A teacher's first minutes, in Spanish, at desktop and phone widths, checked by axe-core
and with a quiet browser console (no CSP violation, script error or missing file).

axe-core is vendored under tests/browser/vendor (npm axe-core, pinned, with its licence) and
injected into each page; a page passes when axe finds no WCAG 2.1 A or AA violation. The test
cannot pass vacuously: it also checks that axe ran its WCAG rules on each page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.console import console_errors
from tests.browser.test_sandbox_launch import open_worklink_as

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(browser: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the current page, as readable lines."""
    browser.execute_script(AXE.read_text("utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations.map(v => v.id + ': ' + v.help + ' @ '"
        " + v.nodes.map(n => n.target.join(' ')).join(', ')), passes: r.passes.length}))"
        ".catch(e => done({error: String(e)}));", WCAG)
    assert "error" not in result, result
    assert result["passes"] > 5, "axe ran no WCAG rules on this page"
    return list(result["violations"])


def course_url(browser: Any, base: str, *, spanish: bool = True) -> str:
    """Launch as the sandbox's teacher (choosing Spanish in the frame) and return the course
    home's address, which the teacher's session then opens outside the frame too."""
    open_worklink_as(browser, base, "Lucia Rivera")
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe.tool-frame"))
    home = browser.find_element(By.CSS_SELECTOR, "nav.site-nav a").get_attribute("href")
    if spanish:
        # The language switch, in the LMS frame: the choice follows the teacher everywhere.
        Select(browser.find_element(By.ID, "language-choice")).select_by_value("es")
        browser.find_element(By.CSS_SELECTOR, "form.language button").click()
        WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
            (By.CSS_SELECTOR, "header"), "Vista de docente"))
    browser.switch_to.default_content()
    found = re.search(r"(.*/teacher/course/\d+)", home or "")
    assert found is not None, home
    return found.group(1)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_teacher_writes_a_task_in_spanish_and_every_page_passes_axe(
        browser: Any, live_server: Any, width: int) -> None:
    course = course_url(browser, live_server.url)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 900, "deviceScaleFactor": 1,
                             "mobile": width < 500})
    problems: dict[str, list[str]] = {}
    console_errors(browser)  # the sandbox LMS's pages are not under test

    def check(name: str, *, console: bool = True) -> None:
        # The console since the last check: this page, and the one a form on it led to.
        found = axe_violations(browser) + (console_errors(browser) if console else [])
        if found:
            problems[name] = found

    browser.get(course)
    assert "Inicio del curso" in browser.page_source
    check("course home")
    # The course's zone, then a task due at 5 pm in it.
    zone = browser.find_element(By.ID, "time_zone")
    zone.clear()
    zone.send_keys("America/Los_Angeles")
    browser.find_element(By.XPATH, "//button[contains(., 'Guardar zona horaria')]").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "America/Los_Angeles"))

    browser.get(course + "/tasks/new")
    check("new task")
    browser.find_element(By.ID, "title").send_keys("Observación en una clínica veterinaria")
    # The rich-text editor: a word in bold, typed with the keyboard and the toolbar's button.
    editor = browser.find_element(By.CSS_SELECTOR, "trix-editor#description")
    editor.click()
    editor.send_keys("Observa a una veterinaria durante ")
    browser.find_element(By.CSS_SELECTOR, "trix-toolbar button[data-trix-attribute='bold']").click()
    editor.send_keys("una mañana")
    Select(browser.find_element(By.ID, "stage")).select_by_value("exploration")
    Select(browser.find_element(By.ID, "experience_type")).select_by_value("job_shadow")
    browser.execute_script("document.getElementById('due_at').value = '2026-12-10T17:00'")
    browser.find_element(By.XPATH, "//button[contains(., 'Crear tarea')]").click()
    WebDriverWait(browser, 10).until(EC.url_matches(r"/tasks/\d+(\?|$)"))
    task = browser.current_url.split("?")[0]
    check("task form")
    saved = browser.find_element(By.CSS_SELECTOR, "input[name='description']").get_attribute("value")
    assert "<strong>una mañana</strong>" in (saved or ""), saved

    # A rubric built in place: a starter, then one more criterion and level.
    browser.get(task + "/rubric")
    browser.find_element(By.XPATH, "//button[contains(., 'Usar esta rúbrica inicial')]").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "max-score")))
    before = len(browser.find_elements(By.CSS_SELECTOR, "fieldset.criterion"))
    browser.find_element(By.XPATH, "//button[contains(., 'Agregar un criterio')]").click()
    WebDriverWait(browser, 10).until(lambda b: len(
        b.find_elements(By.CSS_SELECTOR, "fieldset.criterion")) == before + 1)
    check("rubric builder")

    browser.get(task + "/preview/student")
    preview = browser.find_element(By.TAG_NAME, "main").text
    assert "10 dic 2026, 17:00" in preview and "Pacífico" in preview
    worths = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".worth")]
    assert worths and worths[0] == "(0 puntos)"
    check("student preview")
    browser.get(task + "/preview/employer")
    check("employer preview")
    browser.get(course + "/tasks")
    check("task library")
    browser.get(live_server.url + "/no-such-page")
    assert "No encontramos la página" in browser.page_source
    check("error page", console=False)  # its own 404 is in the console, as it should be
    console_errors(browser)
    browser.get(live_server.url + "/")
    check("root page")
    assert not problems, problems
