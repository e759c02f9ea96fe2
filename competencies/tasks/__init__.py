"""Work-based-learning tasks: the library teachers pick from, rubrics, frozen versions."""

from competencies.tasks.model import Task, TaskAlignment, TaskVersion
from competencies.tasks.vocabulary import (
    AlignmentType,
    AskedArtifact,
    ContinuumStage,
    ExperienceType,
    LibraryScope,
)

__all__ = [
    "AlignmentType", "ContinuumStage", "AskedArtifact", "ExperienceType", "LibraryScope", "Task",
    "TaskAlignment", "TaskVersion",
]
