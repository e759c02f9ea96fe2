"""Mojibake repair: only where the Latin-1 reading cannot be meant."""

from __future__ import annotations

import pytest

from competencies.formats.mojibake import repair


@pytest.mark.parametrize(("damaged", "meant"), [
    ("grades 9Ñ10", "grades 9—10"),
    ("grades 11ÑCCR", "grades 11—CCR"),
    ("grades 6Ð8", "grades 6–8"),
    ("My favorite book isÉ).", "My favorite book is…)."),
    ("Auden's Mus\x8ee des Beaux Arts", "Auden's Musée des Beaux Arts"),
    ("donÕt say ÒhiÓ.", "don’t say “hi”."),
])
def test_mac_roman_read_as_latin_1_is_repaired_and_reported(damaged, meant):
    repaired, reports = repair(damaged)
    assert repaired == meant and reports and all("Mac Roman" in report for report in reports)


@pytest.mark.parametrize("honest", ["ESPAÑA", "École", "Mañana", "plain ascii", "Dvořák", ""])
def test_honest_latin_text_is_left_alone(honest):
    assert repair(honest) == (honest, [])
