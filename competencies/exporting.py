"""Read a stored framework back into a :class:`~competencies.package.FrameworkPackage`.

Any writer (CASE JSON, Canvas or Moodle CSV) then turns the package into its format. Retired
items are left out: they are kept only for the evidence that points at them, not published.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from competencies.models import (
    Association,
    Framework,
    Item,
    MasteryScale,
    Rubric,
    RubricCriterion,
)
from competencies.package import (
    AssociationRecord,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
    RubricCriterionRecord,
    RubricLevelRecord,
    RubricRecord,
    ScaleLevelRecord,
)


class FrameworkNotFound(LookupError):
    pass


def load_package(session: Session, framework_identifier: str) -> FrameworkPackage:
    framework = session.scalar(
        select(Framework).where(Framework.identifier == framework_identifier))
    if framework is None:
        raise FrameworkNotFound(f"no framework {framework_identifier!r}")
    items = [
        ItemRecord(
            identifier=row.identifier, full_statement=row.full_statement,
            human_coding_scheme=row.human_coding_scheme,
            abbreviated_statement=row.abbreviated_statement, item_type=row.item_type,
            education_levels=list(row.education_levels), keywords=list(row.keywords),
            list_enumeration=row.list_enumeration, sequence=row.sequence, language=row.language,
            notes=row.notes, uri=row.uri, last_change=row.last_change, extra=dict(row.extra),
        )
        # Tree order (depth, then place under the parent) reads naturally in any export.
        for row in session.execute(
            select(Item.identifier, Item.full_statement, Item.human_coding_scheme,
                   Item.abbreviated_statement, Item.item_type, Item.education_levels,
                   Item.keywords, Item.list_enumeration, Item.sequence, Item.language,
                   Item.notes, Item.uri, Item.last_change, Item.extra)
            .where(Item.framework_id == framework.id, Item.retired.is_(False))
            .order_by(Item.depth, Item.parent_id, Item.sequence, Item.id))
    ]
    retired = set(session.scalars(select(Item.identifier).where(
        Item.framework_id == framework.id, Item.retired.is_(True))))
    associations = [
        AssociationRecord(
            identifier=row.identifier, association_type=row.association_type,
            origin=row.origin_identifier, destination=row.destination_identifier,
            destination_framework=row.destination_framework, sequence=row.sequence,
            last_change=row.last_change, notes=row.notes,
        )
        for row in session.scalars(
            select(Association).where(Association.framework_id == framework.id)
            .order_by(Association.id))
        # An association of a retired item would point at something the export omits.
        if row.origin_identifier not in retired and row.destination_identifier not in retired
    ]
    return FrameworkPackage(
        framework=FrameworkRecord(
            identifier=framework.identifier, title=framework.title, creator=framework.creator,
            publisher=framework.publisher, jurisdiction=framework.jurisdiction,
            version=framework.version,
            description=framework.description, licence=framework.licence,
            attribution=framework.attribution, source_url=framework.source_url,
            language=framework.language, adoption_status=framework.adoption_status,
            subjects=list(framework.subjects), framework_type=framework.framework_type,
            last_change=framework.last_change, case_version=framework.case_version,
            uri=framework.uri,
        ),
        items=items,
        associations=associations,
        rubrics=_rubrics(session, framework.id),
        scale=_scale(session, framework.id),
        source_format=framework.source_format,
    )


def _rubrics(session: Session, framework_id: int) -> list[RubricRecord]:
    rubrics = session.scalars(
        select(Rubric).where(Rubric.framework_id == framework_id).order_by(Rubric.id)
        .options(selectinload(Rubric.criteria).selectinload(RubricCriterion.levels)))
    return [
        RubricRecord(
            identifier=rubric.identifier, title=rubric.title, description=rubric.description,
            last_change=rubric.last_change, uri=rubric.uri,
            criteria=[
                RubricCriterionRecord(
                    identifier=criterion.identifier, description=criterion.description,
                    category=criterion.category, item_identifier=criterion.item_identifier,
                    weight=criterion.weight, position=criterion.position,
                    levels=[RubricLevelRecord(
                        identifier=level.identifier, description=level.description,
                        score=level.score, quality=level.quality, feedback=level.feedback,
                        position=level.position) for level in criterion.levels],
                )
                for criterion in rubric.criteria
            ],
        )
        for rubric in rubrics
    ]


def _scale(session: Session, framework_id: int) -> list[ScaleLevelRecord]:
    scale = session.scalar(select(MasteryScale).where(MasteryScale.framework_id == framework_id)
                           .options(selectinload(MasteryScale.levels)))
    if scale is None:
        return []
    return [ScaleLevelRecord(label=level.label, points=level.points, proficient=level.proficient,
                             color=level.color) for level in scale.levels]
