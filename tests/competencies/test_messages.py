"""Domain words a person reads travel as marked templates with their values, never as finished
English, so the shell can show them in the page's language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from competencies.messages import N_, NP_, Message, Refused
from competencies.partners.directory import PartnerDraft, PartnerError
from competencies.tasks.rubric import RubricError
from competencies.tasks.rubric_form import parse_rubric

DOMAIN = Path(__file__).resolve().parents[2] / "competencies"


def test_a_message_reads_as_english_with_its_values_and_nested_messages() -> None:
    where = Message(N_("The comment on “%(name)s”"), name="Safety")
    message = Message(N_("%(where)s is longer than %(max)d characters; nothing was saved."),
                      where=where, max=4000)
    assert str(message) == "The comment on “Safety” is longer than 4000 characters; nothing was saved."
    assert str(Message(N_("Worth 100%"))) == "Worth 100%", "no values: the template as it is"


def test_a_message_stored_as_json_comes_back_equal_with_its_nested_messages() -> None:
    import json

    message = Message(N_("%(where)s is longer than %(max)d characters; nothing was saved."),
                      where=Message(N_("The comment on “%(name)s”"), name="Safety"), max=4000)

    stored = json.loads(json.dumps(message.to_json()))

    assert Message.from_json(stored) == message
    assert isinstance(Message.from_json(stored).params["where"], Message)
    assert str(Message.from_json(stored)) == str(message)


HOURS = NP_("%(hours)s hour is logged.", "%(hours)s hours are logged.")


@pytest.mark.parametrize(("count", "english"), [
    (1, "1 hour is logged."), (1.0, "1 hour is logged."), (2.0, "2 hours are logged."),
    (1.5, "1.5 hours are logged."), (0, "0 hours are logged.")])
def test_a_counted_message_reads_in_the_form_its_number_asks_for(count: float,
                                                                  english: str) -> None:
    assert str(Message.counted(HOURS, count, hours=count)) == english


def test_a_counted_message_stored_as_json_comes_back_equal() -> None:
    import json

    message = Message.counted(HOURS, 1, hours=1)
    stored = Message.from_json(json.loads(json.dumps(message.to_json())))
    assert stored == message and str(stored) == "1 hour is logged."
    assert stored != Message.counted(HOURS, 2, hours=1) and stored != Message(HOURS[0], hours=1)


def test_a_refusal_keeps_every_message_and_reads_as_their_english() -> None:
    with pytest.raises(RubricError) as caught:
        parse_rubric({"title": "Shadow", "c0-name": "Safety", "c0-l0-label": "Meets",
                      "c0-l0-points": "2", "c0-weight": "heavy"}, lambda i: [])
    assert [m.template for m in caught.value.messages] == [
        "%(what)s must be a number, not “%(raw)s”."]
    assert str(caught.value) == "The weight of “Safety” must be a number, not “heavy”."
    with pytest.raises(PartnerError, match="A partner needs a name."):
        PartnerDraft(name=" ").check()


# -- every refusal the domain raises is a marked template -----------------------------------

def _refusal_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """``Refused`` and every class in the domain that derives from it, by name."""
    bases: dict[str, set[str]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                                    for b in node.bases}
    found = {"Refused"}
    while grown := {name for name, parents in bases.items() if parents & found} - found:
        found |= grown
    return found


def _finished_text(node: ast.expr) -> bool:
    """English already written out: a literal, an f-string, a sum or join of strings, str()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, (ast.JoinedStr, ast.BinOp)):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Name) and func.id == "str") or (
            isinstance(func, ast.Attribute) and func.attr == "join")
    return isinstance(node, ast.IfExp) and (_finished_text(node.body) or _finished_text(node.orelse))


def unmarked_refusals(sources: dict[Path, str]) -> list[str]:
    """Where a refusal or a message is built from text the catalogue cannot hold."""
    trees = {path: ast.parse(text) for path, text in sources.items()}
    raised = _refusal_classes(trees) | {"Message"}
    found: list[tuple[str, int, str]] = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in raised and _finished_text(node.args[0]):
                found.append((path.name, node.lineno, name))
    return [f"{file}:{line} {name}" for file, line, name in sorted(found)]


def test_every_refusal_and_message_in_the_domain_is_a_marked_template() -> None:
    sources = {path: path.read_text("utf-8") for path in DOMAIN.rglob("*.py")}
    assert len(_refusal_classes({p: ast.parse(t) for p, t in sources.items()})) >= 10
    assert unmarked_refusals(sources) == []


def test_the_check_catches_finished_english() -> None:
    source = '''
class Refused(ValueError): ...
class TaskError(Refused): ...
class TaskGone(TaskError): ...
raise TaskGone(f"There is no task {name}.")
raise TaskError("A title" + ".")
found.append(Message(" ".join(problems)))
raise TaskError(str(exc))
raise TaskError(N_("Fine: %(name)s"), name=name)
raise TaskError(exc.messages)
raise ValueError(f"a programmer's error, never shown on a page: {x}")
'''
    assert unmarked_refusals({Path("bad.py"): source}) == [
        "bad.py:5 TaskGone", "bad.py:6 TaskError", "bad.py:7 Message", "bad.py:8 TaskError"]


def test_a_refusal_from_several_messages_reads_as_one_paragraph() -> None:
    refused = Refused([Message(N_("Give the task a title.")),
                       Message(N_("Keep the title under %(max)d characters."), max=300)])
    assert str(refused) == "Give the task a title. Keep the title under 300 characters."
    assert len(refused.messages) == 2
