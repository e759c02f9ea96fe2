"""The words a work-based-learning task is described in, as stored values."""

from __future__ import annotations

import enum

from competencies.messages import N_


class ContinuumStage(enum.StrEnum):
    """Where an experience sits on the WBL continuum (JFF; Colorado's about / through / at work)."""

    AWARENESS = "awareness"
    EXPLORATION = "exploration"
    PREPARATION = "preparation"
    TRAINING = "training"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    ContinuumStage.AWARENESS: N_("Career awareness"),
    ContinuumStage.EXPLORATION: N_("Career exploration"),
    ContinuumStage.PREPARATION: N_("Career preparation"),
    ContinuumStage.TRAINING: N_("Career training"),
}


class ExperienceType(enum.StrEnum):
    GUEST_SPEAKER = "guest_speaker"
    WORKPLACE_TOUR = "workplace_tour"
    JOB_SHADOW = "job_shadow"
    INFORMATIONAL_INTERVIEW = "informational_interview"
    INDUSTRY_PROJECT = "industry_project"
    """An industry project or challenge set by an employer."""
    INTERNSHIP = "internship"
    SCHOOL_BASED_ENTERPRISE = "school_based_enterprise"
    APPRENTICESHIP = "apprenticeship"
    CAREER_FAIR = "career_fair"
    MENTORING = "mentoring"
    CLINICAL_EXPERIENCE = "clinical_experience"
    SERVICE_LEARNING = "service_learning"
    OTHER = "other"
    """Anything else; the task's ``experience_other`` names it."""

    @property
    def label(self) -> str:
        return _EXPERIENCE_LABELS[self]


_EXPERIENCE_LABELS = {
    ExperienceType.GUEST_SPEAKER: N_("Guest speaker"),
    ExperienceType.WORKPLACE_TOUR: N_("Workplace tour"),
    ExperienceType.JOB_SHADOW: N_("Job shadow"),
    ExperienceType.INFORMATIONAL_INTERVIEW: N_("Informational interview"),
    ExperienceType.INDUSTRY_PROJECT: N_("Industry project or challenge"),
    ExperienceType.INTERNSHIP: N_("Internship"),
    ExperienceType.SCHOOL_BASED_ENTERPRISE: N_("School-based enterprise"),
    ExperienceType.APPRENTICESHIP: N_("Apprenticeship"),
    ExperienceType.CAREER_FAIR: N_("Career fair"),
    ExperienceType.MENTORING: N_("Mentoring"),
    ExperienceType.CLINICAL_EXPERIENCE: N_("Clinical experience"),
    ExperienceType.SERVICE_LEARNING: N_("Service learning"),
    ExperienceType.OTHER: N_("Other"),
}


class AskedArtifact(enum.StrEnum):
    """A kind of artifact a task asks the student to hand in.

    Each is handed in as artifacts of one :class:`~competencies.work.vocabulary.ArtifactKind`
    (``files`` as ``file`` artifacts, and so on); the two are stored under different values, so
    they stay two vocabularies.
    """

    FILES = "files"
    LINKS = "links"
    REFLECTION = "reflection"
    HOURS_LOG = "hours_log"
    SUPERVISOR_SIGN_OFF = "supervisor_sign_off"

    @property
    def label(self) -> str:
        return _ASKED_ARTIFACT_LABELS[self]


_ASKED_ARTIFACT_LABELS = {
    AskedArtifact.FILES: N_("Files"),
    AskedArtifact.LINKS: N_("Links"),
    AskedArtifact.REFLECTION: N_("Reflection"),
    AskedArtifact.HOURS_LOG: N_("Hours log"),
    AskedArtifact.SUPERVISOR_SIGN_OFF: N_("Supervisor sign-off"),
}


class AlignmentType(enum.StrEnum):
    """How a task relates to a standard or competency it is aligned to."""

    TEACHES = "teaches"
    ASSESSES = "assesses"
    BUILDS = "builds"
    """Practises a competency taught elsewhere."""
    INTRODUCES = "introduces"

    @property
    def label(self) -> str:
        return {"teaches": N_("Teaches"), "assesses": N_("Assesses"), "builds": N_("Builds"),
                "introduces": N_("Introduces")}[self.value]


class LibraryScope(enum.StrEnum):
    """Who sees a task in the library besides the course that owns it."""

    COURSE = "course"
    """Only the owning course."""
    DEPLOYMENT = "deployment"
    """Every course of the owning deployment: a school or a district."""
    SHARED = "shared"
    """A template every course of the same platform registration (tenant) may copy; templates
    Worklink ships have no registration and are seen by all."""

    @property
    def label(self) -> str:
        return {"course": N_("This course"), "deployment": N_("School or district"),
                "shared": N_("Shared template")}[self.value]
