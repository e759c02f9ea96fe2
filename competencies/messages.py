"""Marks English text that people read, so the shell can translate it where it shows it.

The domain never translates (it knows no request and no locale); it only marks its words with
``N_`` so that the message extractor puts them in the catalogue. The shell passes the marked
text through ``gettext`` at display time. A sentence with values in it travels as a
:class:`Message` (its marked template plus the values), and a refusal the domain raises at a
person is a :class:`Refused` carrying its messages, so the shell translates the template and
fills in the values afterwards: ``lti_tool.i18n.refusal_text`` does it for every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Return ``message`` unchanged; marks it for the translation catalogue."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_
    """Return both forms unchanged; marks a sentence whose wording follows a number (see
    :meth:`Message.counted`) for the catalogue, which keeps each language's forms of it."""
    return singular, plural


def quoted(names: Iterable[str]) -> str:
    """Names in quotes, comma-separated: a value for a sentence, the same in every language."""
    return ", ".join(f"“{name}”" for name in names)


class Message:
    """One sentence: a template marked with ``N_`` and the values its ``%(name)s`` holes take.

    A value may itself be a :class:`Message` (“the comment on “%(name)s””), translated in turn.
    A number with decimals (a ``float``) or a day (a ``datetime.date``) goes in a ``%(name)s``
    hole, and the shell writes it as the reader's language does (“1,5”, “7 dic 2026”); whole
    numbers keep ``%(name)d``. A sentence whose wording follows a number is
    :meth:`counted`. ``str()`` is the English, for logs, the CLI and tests.
    """

    __slots__ = ("count", "params", "plural", "template")

    def __init__(self, template: str, /, **params: Any) -> None:
        self.template = template
        self.params: Mapping[str, Any] = params
        self.plural: str | None = None
        """The plural form of a :meth:`counted` sentence (``template`` is the singular)."""
        self.count: float | None = None
        """The number that picks a :meth:`counted` sentence's form."""

    @classmethod
    def counted(cls, forms: tuple[str, str], count: float, /, **params: Any) -> Message:
        """A sentence in the form ``count`` asks for: “1 hour does not match…”, “2 hours do
        not match…”; ``forms`` is ``NP_(singular, plural)``, each language has its own."""
        message = cls(forms[0], **params)
        message.plural, message.count = forms[1], count
        return message

    def __str__(self) -> str:
        template = self.template if self.plural is None or self.count == 1 else self.plural
        if not self.params:
            return template
        return template % {name: _english(value) for name, value in self.params.items()}

    def __repr__(self) -> str:
        counted = f", plural={self.plural!r}, count={self.count!r}" if self.plural else ""
        return f"Message({self.template!r}{counted}, **{dict(self.params)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return ((self.template, self.plural, self.count, dict(self.params))
                    == (other.template, other.plural, other.count, dict(other.params)))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.template)

    def to_json(self) -> dict[str, Any]:
        """A form to store (a JSON column), so a page can translate the sentence later."""
        stored: dict[str, Any] = {
            "template": self.template,
            "params": {name: value.to_json() if isinstance(value, Message) else value
                       for name, value in self.params.items()}}
        if self.plural is not None:
            stored.update(plural=self.plural, count=self.count)
        return stored

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> Message:
        """The sentence :meth:`to_json` stored; a nested message comes back as one."""
        params = {name: cls.from_json(value) if _is_stored_message(value) else value
                  for name, value in dict(stored.get("params") or {}).items()}
        message = cls(str(stored["template"]), **params)
        if stored.get("plural") is not None:
            message.plural, message.count = str(stored["plural"]), stored["count"]
        return message


def _english(value: Any) -> Any:
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"  # 1.5, 2 (not 2.0)
    return value


def _is_stored_message(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) in (
        {"template", "params"}, {"template", "params", "plural", "count"})


class Refused(ValueError):
    """A request the domain refused, with the sentences a person reads; nothing was changed.

    Raised with one template and its values (``Refused(N_("“%(name)s” needs a name."),
    name=...)``) or with several messages at once (every problem of a form). ``str()`` is the
    English; pages show ``lti_tool.i18n.refusal_text(exc)``, in the page's language.
    """

    def __init__(self, message: str | Message | Iterable[Message], /, **params: Any) -> None:
        if isinstance(message, str):
            messages: tuple[Message, ...] = (Message(message, **params),)
        elif isinstance(message, Message):
            messages = (message,)
        else:
            messages = tuple(message)
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = messages
        """What is wrong, one sentence each, in the order they were found."""
