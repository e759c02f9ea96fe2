"""Work-based-learning tasks: the library teachers pick from, rubrics, frozen versions."""

from competencies.tasks.model import Task, TaskAlignment, TaskVersion
from competencies.tasks.vocabulary import (
    AlignmentType,
    ContinuumStage,
    EvidenceKind,
    ExperienceType,
    LibraryScope,
)

__all__ = [
    "AlignmentType", "ContinuumStage", "EvidenceKind", "ExperienceType", "LibraryScope", "Task",
    "TaskAlignment", "TaskVersion",
]
