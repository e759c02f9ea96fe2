"""What is wrong with a form a person sent, each problem linked to the field it is about.

A refused form is drawn again with what was typed and a summary at the top (``id="problems"``)
whose items link to their fields; each field at fault is marked ``aria-invalid`` and described
by its own problem, so a screen reader on the field hears what it needs.
"""

from __future__ import annotations

import dataclasses

LARGEST_ID = 2**31 - 1
"""Row ids are 32-bit integers: a larger number names no row (PostgreSQL refuses to compare it)."""


@dataclasses.dataclass(frozen=True)
class Problem:
    message: str
    field_id: str
    """The ``id`` of the input the problem is about (or of the form's section, for a problem
    with the whole form)."""


def row_id(text: str) -> int:
    """A row's id as a form sends it (a select's value); ``ValueError`` for anything that can
    name no row."""
    number = int(text.strip())
    if not 0 < number <= LARGEST_ID:
        raise ValueError(text)
    return number
