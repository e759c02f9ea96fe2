"""The gradebook comment in the student's language: Worklink's words and numbers translate, the
teacher's rubric does not."""

from __future__ import annotations

import pytest

from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading, comment_text

SCORE = GradebookScore(
    resource_link_id=1, user_id=1, source="placement:1", points=6.3333, maximum=9,
    grading=Grading.FINAL, rater="Ana Reyes; Lucia Rivera", comment="Great week at the clinic",
    # Communication alone is rescaled (Initiative was not observed): a worth to four decimals.
    criteria=[CriterionLine("Communication", "Proficient", 5.3333, 8, "Led the  huddle"),
              CriterionLine("Safety", "Meets", 1, 1),
              CriterionLine("Initiative", None, None, 0.0)])


@pytest.mark.parametrize(("language", "lines"), [
    # "Proficient" has a Spanish translation in the catalogue; the rubric's level keeps its name.
    ("es", ["Great week at the clinic",
            "Communication: Proficient, 5,3333 de 8 puntos (Led the huddle)",
            "Safety: Meets, 1 de 1 punto", "Initiative: no observado, no cuenta",
            "Total: 6,3333 de 9 puntos", "Evaluado por Ana Reyes; Lucia Rivera"]),
    ("en", ["Great week at the clinic",
            "Communication: Proficient, 5.3333 of 8 points (Led the huddle)",
            "Safety: Meets, 1 of 1 point", "Initiative: not observed, does not count",
            "Total: 6.3333 of 9 points", "Rated by Ana Reyes; Lucia Rivera"]),
])
def test_the_comment_speaks_the_language_and_keeps_the_rubrics_names(
        language: str, lines: list[str]) -> None:
    assert comment_text(SCORE, language).splitlines() == lines
