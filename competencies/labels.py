"""What a person reads for an item: its code and statement, or a readable label where the source's
code means nothing to a reader.

O*NET's task ids (``8823``) and element ids (``2.A.1.a``) are keys, not codes anyone knows; a
student seeing "8823 Monitor patients' condition…" learns nothing from the number. So an O*NET
task reads "Task: Monitor patients' condition… (Registered Nurses, 29-1141.00)", a skill
"Skill: Active Listening", and an occupation keeps its SOC code with its title.

Those prefixes are Worklink's words, so a label built with one is a :class:`Message` the page
translates (``|message`` in a template); ``str()`` of it is the English. A source's own
statement stays a plain string: it is shown as the framework wrote it.
"""

from __future__ import annotations

from typing import Any

from competencies.messages import N_, Message

Label = str | Message
"""What a person reads for an item: the source's statement, or a translatable label."""

_ELEMENT_KINDS = {"Skill": N_("Skill: %(name)s"), "Knowledge": N_("Knowledge: %(name)s"),
                  "Ability": N_("Ability: %(name)s"), "Technology": N_("Technology: %(name)s")}


def label_columns() -> tuple[Any, ...]:
    """The columns :func:`readable` needs after code and statement, for a select (the two
    occupation values are read out of ``extra`` by the database, so a skill's large ratings
    document is never loaded for a label)."""
    from competencies.models import Item  # here: the Item model itself uses readable()

    return (Item.item_type, Item.abbreviated_statement, Item.extra["occupation"].as_string(),
            Item.extra["occupation_title"].as_string())


def readable(code: str | None, statement: str, item_type: str | None = None,
             abbreviated: str | None = None, occupation: str | None = None,
             occupation_title: str | None = None) -> tuple[str | None, Label]:
    """The code to show (None: show none) and the text, for one item."""
    if item_type == "Task" and occupation:
        where = f"{occupation_title}, {occupation}" if occupation_title else occupation
        return None, Message(N_("Task: %(statement)s (%(occupation)s)"), statement=statement,
                             occupation=where)
    kind = _ELEMENT_KINDS.get(item_type or "")
    if kind is not None and abbreviated and abbreviated != statement:
        return None, Message(kind, name=abbreviated)
    if item_type == "Occupation" and abbreviated and abbreviated != code:
        return code, Message(N_("Occupation: %(title)s"), title=abbreviated)
    return code, statement
