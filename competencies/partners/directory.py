"""The tenant's list of partners and their supervisors: add, edit, find.

Every call names the course asking (:class:`~competencies.tasks.library.CourseContext`); a
partner is visible to every course of the same registration (the tenant) and to no other, so a
partner id from another tenant is answered as "not found" and reveals nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from competencies.messages import N_, Message, Refused
from competencies.partners.model import Partner, Supervisor
from competencies.partners.vocabulary import Language, PartnerKind
from competencies.tasks.library import CourseContext
from competencies.tasks.sanitize import plain_text, sanitize

_SPACE = re.compile(r"\s+")


class PartnerError(Refused):
    """A partner, supervisor or placement that cannot be saved, with a message to act on."""


class PartnerNotFound(PartnerError):
    def __init__(self, template: str = N_("There is no such partner in this school's list.")
                 ) -> None:
        super().__init__(template)


@dataclasses.dataclass(frozen=True)
class PartnerDraft:
    name: str
    kind: PartnerKind = PartnerKind.EMPLOYER
    sector: str = ""
    address: str = ""
    clusters: Sequence[str] = ()
    pathways: Sequence[str] = ()
    notes: str = ""
    active: bool = True

    def check(self) -> None:
        if not self.name.strip():
            raise PartnerError(N_("A partner needs a name."))
        if len(self.name) > 300:
            raise PartnerError(N_("A partner's name is at most 300 characters."))
        if self.kind not in set(PartnerKind):
            raise PartnerError(N_("A partner is an employer or a community-based organization, "
                                  "not “%(kind)s”."), kind=self.kind)


@dataclasses.dataclass(frozen=True)
class SupervisorDraft:
    name: str
    email: str
    title: str = ""
    phone: str = ""
    language: str = Language.ENGLISH.value

    def checked(self) -> SupervisorDraft:
        """This draft with its email normalised; raises with the reason when it cannot be saved."""
        if not self.name.strip():
            raise PartnerError(N_("A supervisor needs a name."))
        if self.language not in {lang.value for lang in Language}:
            raise PartnerError(N_("Emails and pages can be in English (en) or Spanish (es), "
                                  "not “%(language)s”."), language=self.language)
        return dataclasses.replace(self, name=self.name.strip(), email=normalise_email(self.email))


def normalise_email(address: str) -> str:
    """The address as stored, or :class:`PartnerError` saying why it is not one."""
    try:
        # No DNS lookups: a school's network may have none, and a typo check needs none.
        # The local part is case-sensitive in theory, never in practice: one person, one row.
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        # The validator explains in English only: the reason is Worklink's own, translated.
        raise PartnerError(N_("“%(address)s” is not an email address: %(reason)s"),
                           address=address, reason=email_problem(address.strip())) from None


def email_problem(address: str) -> Message:
    """What is wrong with an address the validator refused, in words a teacher can act on."""
    local, at, domain = address.partition("@")
    if not at:
        return Message(N_("it has no @."))
    if "@" in domain:
        return Message(N_("it has more than one @."))
    if not local:
        return Message(N_("there is nothing before the @."))
    if not domain:
        return Message(N_("there is nothing after the @."))
    if any(character.isspace() for character in address):
        return Message(N_("it has a space in it."))
    if ".." in address:
        return Message(N_("it has two periods in a row."))
    if "." not in domain:
        return Message(N_("the part after the @ needs a period, as in clinic.org."))
    return Message(N_("check it for a typo: a name, one @ and a domain such as clinic.org, "
                      "with letters, digits, periods and hyphens."))


def name_key(name: str) -> str:
    return _SPACE.sub(" ", name).strip().casefold()


def visible_to(context: CourseContext) -> ColumnElement[bool]:
    """The partners ``context`` may see, as a condition on :class:`Partner`."""
    return Partner.registration_id == context.registration_id


def get_partner(session: Session, context: CourseContext, partner_id: int) -> Partner:
    partner = session.scalar(select(Partner).where(Partner.id == partner_id, visible_to(context)))
    if partner is None:
        raise PartnerNotFound()
    return partner


def get_supervisor(session: Session, context: CourseContext, supervisor_id: int) -> Supervisor:
    supervisor = session.scalar(
        select(Supervisor).join(Partner).where(Supervisor.id == supervisor_id,
                                               visible_to(context)))
    if supervisor is None:
        raise PartnerNotFound(N_("There is no such supervisor in this school's list."))
    return supervisor


def find_by_name(session: Session, context: CourseContext, name: str) -> Partner | None:
    return session.scalar(select(Partner).where(visible_to(context),
                                                Partner.name_key == name_key(name)))


def create_partner(session: Session, context: CourseContext, draft: PartnerDraft) -> Partner:
    """A new partner in the tenant's list; a second partner of the same name is refused."""
    draft.check()
    if find_by_name(session, context, draft.name) is not None:
        raise PartnerError(N_("“%(name)s” is already in the list; open it to edit it."),
                           name=draft.name.strip())
    partner = Partner(registration_id=context.registration_id)
    _apply(partner, draft)
    session.add(partner)
    session.commit()
    return partner


def update_partner(session: Session, context: CourseContext, partner_id: int,
                   draft: PartnerDraft) -> Partner:
    draft.check()
    partner = get_partner(session, context, partner_id)
    same = find_by_name(session, context, draft.name)
    if same is not None and same.id != partner.id:
        raise PartnerError(N_("Another partner is already called “%(name)s”."),
                           name=draft.name.strip())
    _apply(partner, draft)
    session.commit()
    return partner


def add_supervisor(session: Session, context: CourseContext, partner_id: int,
                   draft: SupervisorDraft) -> Supervisor:
    partner = get_partner(session, context, partner_id)
    checked = draft.checked()
    if session.scalar(select(Supervisor).where(Supervisor.partner_id == partner.id,
                                               Supervisor.email == checked.email)) is not None:
        raise PartnerError(N_("%(email)s is already a supervisor at %(partner)s."),
                           email=checked.email, partner=partner.name)
    supervisor = Supervisor(partner_id=partner.id)
    _apply_supervisor(supervisor, checked)
    session.add(supervisor)
    session.commit()
    return supervisor


def update_supervisor(session: Session, context: CourseContext, supervisor_id: int,
                      draft: SupervisorDraft) -> Supervisor:
    supervisor = get_supervisor(session, context, supervisor_id)
    checked = draft.checked()
    other = session.scalar(select(Supervisor).where(Supervisor.partner_id == supervisor.partner_id,
                                                    Supervisor.email == checked.email))
    if other is not None and other.id != supervisor.id:
        raise PartnerError(N_("%(email)s is already a supervisor at this partner."),
                           email=checked.email)
    _apply_supervisor(supervisor, checked)
    session.commit()
    return supervisor


def search(session: Session, context: CourseContext, *, words: str = "",
           pathway: str | None = None, include_inactive: bool = False,
           limit: int = 50) -> list[Partner]:
    """Partners by words in their name, sector, clusters or pathways, and by one pathway."""
    query = select(Partner).where(visible_to(context))
    if not include_inactive:
        query = query.where(Partner.active.is_(True))
    for word in words.casefold().split():
        query = query.where(Partner.search_text.contains(word, autoescape=True))
    if pathway:
        # The pathway list is JSON; its lower-cased words are in search_text between bars.
        query = query.where(Partner.search_text.contains(f"|{pathway.casefold().strip()}|",
                                                         autoescape=True))
    return list(session.scalars(query.order_by(Partner.name_key).limit(limit)))


def _apply(partner: Partner, draft: PartnerDraft) -> None:
    partner.name = _SPACE.sub(" ", draft.name).strip()
    partner.name_key = name_key(draft.name)
    partner.kind = PartnerKind(draft.kind).value
    partner.sector = draft.sector.strip()
    partner.address = draft.address.strip()
    partner.clusters = _distinct(draft.clusters)
    partner.pathways = _distinct(draft.pathways)
    # Notes are shown back to teachers: keep only harmless formatting.
    partner.notes = sanitize(draft.notes)
    partner.active = draft.active
    tags = "".join(f"|{value.casefold()}|" for value in [*partner.clusters, *partner.pathways])
    partner.search_text = " ".join([partner.name_key, partner.sector.casefold(),
                                    plain_text(partner.notes).casefold(), tags])


def _apply_supervisor(supervisor: Supervisor, draft: SupervisorDraft) -> None:
    supervisor.name = draft.name
    supervisor.email = draft.email
    supervisor.title = draft.title.strip()
    supervisor.phone = draft.phone.strip()
    supervisor.language = draft.language


def _distinct(values: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        cleaned = _SPACE.sub(" ", value).strip()
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
    return list(seen.values())
