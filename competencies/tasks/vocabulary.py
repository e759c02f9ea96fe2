"""The words a work-based-learning task is described in, as stored values."""

from __future__ import annotations

import enum


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
    ContinuumStage.AWARENESS: "Career awareness",
    ContinuumStage.EXPLORATION: "Career exploration",
    ContinuumStage.PREPARATION: "Career preparation",
    ContinuumStage.TRAINING: "Career training",
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
        return _EXPERIENCE_LABELS.get(self, self.value.replace("_", " ").capitalize())


_EXPERIENCE_LABELS = {
    ExperienceType.INDUSTRY_PROJECT: "Industry project or challenge",
    ExperienceType.SCHOOL_BASED_ENTERPRISE: "School-based enterprise",
    ExperienceType.OTHER: "Other",
}


class EvidenceKind(enum.StrEnum):
    """What a student hands in for the task."""

    FILES = "files"
    LINKS = "links"
    REFLECTION = "reflection"
    HOURS_LOG = "hours_log"
    SUPERVISOR_SIGN_OFF = "supervisor_sign_off"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AlignmentType(enum.StrEnum):
    """How a task relates to a standard or competency it is aligned to."""

    TEACHES = "teaches"
    ASSESSES = "assesses"
    BUILDS = "builds"
    """Practises a competency taught elsewhere."""
    INTRODUCES = "introduces"


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
        return {"course": "This course", "deployment": "School or district",
                "shared": "Shared template"}[self.value]
