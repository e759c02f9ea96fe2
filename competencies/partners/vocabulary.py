"""The words partners are described in, as stored values."""

from __future__ import annotations

import enum


class PartnerKind(enum.StrEnum):
    EMPLOYER = "employer"
    CBO = "cbo"
    """A community-based organisation (a youth non-profit, a library, a clinic)."""

    @property
    def label(self) -> str:
        return {"employer": "Employer", "cbo": "Community-based organization"}[self.value]


class Language(enum.StrEnum):
    """Languages a supervisor's emails and scoring page are written in."""

    ENGLISH = "en"
    SPANISH = "es"

    @property
    def label(self) -> str:
        return {"en": "English", "es": "Español"}[self.value]
