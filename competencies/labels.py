"""What a person reads for an item: its code and statement, or a readable label where the source's
code means nothing to a reader.

O*NET's task ids (``8823``) and element ids (``2.A.1.a``) are keys, not codes anyone knows; a
student seeing "8823 Monitor patients' condition…" learns nothing from the number. So an O*NET
task reads "Task: Monitor patients' condition… (Registered Nurses, 29-1141.00)", a skill
"Skill: Active Listening", and an occupation keeps its SOC code with its title.
"""

from __future__ import annotations

from typing import Any

_ELEMENT_KINDS = ("Skill", "Knowledge", "Ability", "Technology")


def label_columns() -> tuple[Any, ...]:
    """The columns :func:`readable` needs after code and statement, for a select (the two
    occupation values are read out of ``extra`` by the database, so a skill's large ratings
    document is never loaded for a label)."""
    from competencies.models import Item  # here: the Item model itself uses readable()

    return (Item.item_type, Item.abbreviated_statement, Item.extra["occupation"].as_string(),
            Item.extra["occupation_title"].as_string())


def readable(code: str | None, statement: str, item_type: str | None = None,
             abbreviated: str | None = None, occupation: str | None = None,
             occupation_title: str | None = None) -> tuple[str | None, str]:
    """The code to show (None: show none) and the text, for one item."""
    if item_type == "Task" and occupation:
        where = f"{occupation_title}, {occupation}" if occupation_title else occupation
        return None, f"Task: {statement} ({where})"
    if item_type in _ELEMENT_KINDS and abbreviated and abbreviated != statement:
        return None, f"{item_type}: {abbreviated}"
    if item_type == "Occupation" and abbreviated and abbreviated != code:
        return code, f"Occupation: {abbreviated}"
    return code, statement
