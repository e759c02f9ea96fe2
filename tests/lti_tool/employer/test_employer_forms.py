"""The supervisor's rating form keeps what they chose and typed: a refused rating comes back as
it was sent, and the form's token does not go stale while the link works."""

from __future__ import annotations

import lxml.html
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.scoring.model import CriterionRating, RubricRating
from tests.lti_tool.employer.conftest import CRITERIA, Issued, all_levels, form_token, open_link

SENT = {**all_levels(), "level:Communication": "Advanced",
        "level:Problem solving": "__not_observed__",
        "comment:Communication": "Calm with every patient, even on a full morning.",
        "comment:Professionalism": "Always on time.",
        "overall": "A pleasure to have at the front desk."}


def _rating_form(body: str) -> lxml.html.FormElement:
    [form] = [f for f in lxml.html.fromstring(body).forms if f.get("id") == "rating"]
    return form


def _rows(db: Session) -> tuple[int, int]:
    db.expire_all()
    return (db.scalar(select(func.count()).select_from(RubricRating)) or 0,
            db.scalar(select(func.count()).select_from(CriterionRating)) or 0)


def _sent_back(body: str, signature: str = "") -> None:
    """The rating form as the supervisor sent it: every level, comment and the signature."""
    form = _rating_form(body)
    assert {name: form.inputs[f"level:{name}"].value for name in CRITERIA} == {
        name: SENT[f"level:{name}"] for name in CRITERIA}
    assert form.inputs["comment:Communication"].value == SENT["comment:Communication"]
    assert form.inputs["comment:Professionalism"].value == SENT["comment:Professionalism"]
    assert form.inputs["overall"].value == SENT["overall"]
    assert form.inputs["signature"].value == signature


@pytest.mark.parametrize(("path", "extra", "message"), [
    ("/employer/save", {"level:Punctuality": "Advanced"}, "no criterion “Punctuality”"),
    ("/employer/submit", {"signature": "Ana Reyes",
                          "comment:Working with others": "<script>x</script>"},
     "must be plain text"),
])
def test_a_refused_rating_comes_back_as_chosen_and_typed_and_stores_nothing(
        client: FlaskClient, db: Session, issued: Issued, path: str, extra: dict[str, str],
        message: str) -> None:
    """Without the page's script (no draft saved as they went) everything chosen was lost."""
    open_link(client, issued.token)
    before = _rows(db)

    response = client.post(path, data={"form_token": form_token(client), **SENT, **extra})

    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body
    _sent_back(body, extra.get("signature", ""))
    assert _rows(db) == before


def test_a_rating_submitted_unsigned_comes_back_as_chosen_and_typed(
        client: FlaskClient, db: Session, issued: Issued) -> None:
    """Submitting keeps the choices as the draft (as the page's script does as they go), and
    submits nothing until it is signed."""
    open_link(client, issued.token)

    response = client.post("/employer/submit", data={"form_token": form_token(client), **SENT,
                                                     "signature": " "})

    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Type your name" in body
    _sent_back(body, " ")
    db.expire_all()
    assert db.scalar(select(RubricRating.status)) == "draft"


def test_opening_the_link_again_does_not_expire_the_form(
        client: FlaskClient, db: Session, issued: Issued) -> None:
    """The form's token is bound to the link, not to a visit: the supervisor who opened the
    emailed link again in another tab still saves from the first one."""
    open_link(client, issued.token)
    first_tab = form_token(client)
    open_link(client, issued.token)

    saved = client.post("/employer/save", data={"form_token": first_tab, **SENT})

    assert saved.status_code == 200 and "Draft saved." in saved.get_data(as_text=True)
    assert _rows(db)[1] == len(CRITERIA)


def test_a_rating_sent_after_the_visit_ended_says_so_and_stores_nothing(
        client: FlaskClient, db: Session, issued: Issued) -> None:
    """The page stayed open past the visit's cookie (three hours at most). Nothing proves who
    sends the form, so it cannot come back drawn as sent; the page says what happened."""
    open_link(client, issued.token)
    token = form_token(client)
    client.delete_cookie("wl_employer", path="/employer")

    response = client.post("/employer/submit", data={"form_token": token, **SENT,
                                                     "signature": "Ana Reyes"})

    body = response.get_data(as_text=True)
    assert response.status_code == 401 and "This page was open too long" in body
    assert "Nothing was sent. Open the link again from the email you received" in body
    assert SENT["comment:Communication"] not in body
    assert _rows(db) == (0, 0)


def test_the_ended_visit_is_explained_to_a_spanish_supervisor_as_usted(
        client: FlaskClient, issued: Issued) -> None:
    open_link(client, issued.token)
    token = form_token(client)
    client.delete_cookie("wl_employer", path="/employer")

    response = client.post("/employer/save", headers={"Accept-Language": "es"},
                           data={"form_token": token, **SENT})

    body = response.get_data(as_text=True)
    assert response.status_code == 401 and "Esta página estuvo abierta demasiado tiempo" in body
    assert "Vuelva a abrir el enlace desde el correo que recibió" in body
