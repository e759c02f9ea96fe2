"""The tenant's partner list: shared by its courses, invisible to other tenants, searchable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, PartnerError, SupervisorDraft
from competencies.partners.model import Partner, Supervisor
from competencies.partners.vocabulary import PartnerKind
from tests.competencies.tasks.task_factories import course, deployment, tenant


def test_a_partner_is_shared_by_every_course_of_the_tenant_and_no_other(db: Session) -> None:
    registration = tenant(db)
    first = course(db, deployment(db, registration))
    second = course(db, deployment(db, registration))
    stranger = course(db, deployment(db, tenant(db)))
    partner = directory.create_partner(db, first, PartnerDraft(name="Bronx Library",
                                                                kind=PartnerKind.CBO))
    assert directory.get_partner(db, second, partner.id).name == "Bronx Library"
    with pytest.raises(directory.PartnerNotFound):
        directory.get_partner(db, stranger, partner.id)
    assert directory.search(db, stranger) == []


def test_search_by_pathway_and_by_name(db: Session) -> None:
    context = course(db, deployment(db, tenant(db)))
    clinic = directory.create_partner(db, context, PartnerDraft(
        name="Montefiore Clinic", sector="Healthcare", pathways=("Patient Care", "Pharmacy")))
    directory.create_partner(db, context, PartnerDraft(
        name="Hunts Point Auto", sector="Automotive", pathways=("Automotive Repair",)))
    directory.create_partner(db, context, PartnerDraft(name="Closed Shop", active=False,
                                                       pathways=("Patient Care",)))
    assert [p.id for p in directory.search(db, context, pathway="patient care")] == [clinic.id]
    assert [p.name for p in directory.search(db, context, words="auto")] == ["Hunts Point Auto"]
    assert [p.name for p in directory.search(db, context, pathway="Patient Care",
                                             include_inactive=True)] == [
        "Closed Shop", "Montefiore Clinic"]
    # A pathway matches whole, not as part of another one.
    assert directory.search(db, context, pathway="care") == []


def test_the_same_name_twice_is_refused(db: Session) -> None:
    context = course(db, deployment(db, tenant(db)))
    directory.create_partner(db, context, PartnerDraft(name="Bronx  Library"))
    with pytest.raises(PartnerError, match="already in the list"):
        directory.create_partner(db, context, PartnerDraft(name="bronx library"))
    assert db.scalar(select(func.count()).select_from(Partner)) == 1


def test_a_supervisor_email_that_is_not_one_is_refused_and_nothing_stored(db: Session) -> None:
    context = course(db, deployment(db, tenant(db)))
    partner = directory.create_partner(db, context, PartnerDraft(name="Clinic"))
    with pytest.raises(PartnerError, match="is not an email address"):
        directory.add_supervisor(db, context, partner.id,
                                 SupervisorDraft(name="Ana", email="ana at clinic"))
    assert db.scalar(select(func.count()).select_from(Supervisor)) == 0


def test_supervisor_language_is_english_or_spanish(db: Session) -> None:
    context = course(db, deployment(db, tenant(db)))
    partner = directory.create_partner(db, context, PartnerDraft(name="Clinic"))
    with pytest.raises(PartnerError, match="English"):
        directory.add_supervisor(db, context, partner.id,
                                 SupervisorDraft(name="Ana", email="a@b.example.org", language="fr"))
    supervisor = directory.add_supervisor(db, context, partner.id, SupervisorDraft(
        name=" Ana ", email="Ana@Clinic.EXAMPLE.org", language="es"))
    assert (supervisor.name, supervisor.email, supervisor.language) == (
        "Ana", "ana@clinic.example.org", "es")
    with pytest.raises(PartnerError, match="already a supervisor"):
        directory.add_supervisor(db, context, partner.id,
                                 SupervisorDraft(name="Ana again", email="ana@CLINIC.example.org"))


def test_notes_keep_no_script(db: Session) -> None:
    context = course(db, deployment(db, tenant(db)))
    partner = directory.create_partner(db, context, PartnerDraft(
        name="Clinic", notes="<p>Ask for Ana</p><script>alert(1)</script>"))
    assert partner.notes == "<p>Ask for Ana</p>"


@pytest.mark.parametrize(("address", "reason"), [
    ("ana at clinic", "it has no @."),
    ("ana@@clinic.org", "it has more than one @."),
    ("@clinic.org", "there is nothing before the @."),
    ("ana@", "there is nothing after the @."),
    ("ana reyes@clinic.org", "it has a space in it."),
    ("ana@clinic..org", "it has two periods in a row."),
    ("ana@clinic", "the part after the @ needs a period, as in clinic.org."),
    ("ana@clinic_north.org", "check it for a typo"),
])
def test_a_refused_email_says_what_is_wrong_in_worklinks_words(address: str, reason: str) -> None:
    with pytest.raises(PartnerError) as refused:
        directory.normalise_email(address)
    assert f"“{address}” is not an email address: {reason}" in str(refused.value)
    assert "@-sign" not in str(refused.value)
