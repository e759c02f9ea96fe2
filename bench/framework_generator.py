"""A large, realistic-looking competency framework, the same on every run.

Five levels (domains, clusters, standards, components, elements) with codes such as
``GEN.K1.D03.C2.S07.4.2``, statements built from a standards-like vocabulary ("Analyze the
structure of informative texts using evidence from the text."), keywords on some items and
uuid5 identifiers, so that a second run produces byte-identical packages.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from competencies.package import AssociationRecord, FrameworkPackage, FrameworkRecord, ItemRecord

FANOUT = (10, 10, 10, 10, 5)
"""Children per node by depth: 10 domains, 100 clusters, 1,000 standards, 10,000 components…"""
LEVELS = ("Domain", "Cluster", "Standard", "Component", "Element")
NAMESPACE = uuid.UUID("6f0e3c52-5b8a-4d0c-9a55-8c3d1f0b7e21")

VERBS = (
    "Analyze", "Apply", "Calculate", "Compare", "Construct", "Demonstrate", "Describe",
    "Design", "Evaluate", "Explain", "Identify", "Interpret", "Justify", "Model", "Summarize",
    "Use", "Plan", "Communicate", "Investigate", "Solve",
)
TOPICS = (
    "linear equations", "systems of inequalities", "fractions with unlike denominators",
    "ratios and proportional relationships", "the structure of informative texts",
    "an author's point of view", "claims and counterclaims", "figurative language",
    "the causes of the industrial revolution", "supply and demand", "civic participation",
    "energy transfer in ecosystems", "chemical reactions", "forces and motion",
    "genetic inheritance", "weather and climate patterns", "plate tectonics",
    "data distributions", "probability models", "geometric transformations",
    "the area of composite figures", "volume of cylinders", "statistical variability",
    "customer needs", "safety procedures in a workshop", "workplace hazards",
    "a project budget", "team roles and responsibilities", "professional email",
    "conflict resolution strategies", "time management", "quality control checks",
    "basic electrical circuits", "patient confidentiality", "food safety standards",
    "inventory records", "a marketing plan", "spreadsheet formulas", "database queries",
    "network security practices", "technical drawings", "measurement tools",
    "sustainable building materials", "financial statements", "loan interest",
    "career pathways", "a personal learning plan", "feedback from a supervisor",
    "ethical decision making", "cultural perspectives", "primary sources",
    "a research question", "multimedia presentations", "computational thinking",
    "algorithms and debugging", "the design process", "a scientific argument",
    "experimental variables", "renewable energy sources", "public health data",
)
CONTEXTS = (
    "using evidence from the text", "in a workplace setting", "with digital tools",
    "to solve real-world problems", "in collaborative groups", "for a specific audience",
    "using precise vocabulary", "with appropriate units", "across disciplines",
    "in written and oral form", "under supervision", "following industry standards",
)
KEYWORDS = ("literacy", "numeracy", "STEM", "employability", "citizenship", "health",
            "technology", "communication", "teamwork", "safety")
WHEN = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def generate(count: int, key: str = "K1", seed: int = 1) -> FrameworkPackage:
    """A framework of ``count`` items; ``key`` makes its identifiers and codes its own."""
    rng = random.Random(f"{seed}-{key}")
    framework = str(uuid.uuid5(NAMESPACE, f"framework/{key}"))
    items: list[ItemRecord] = []
    associations: list[AssociationRecord] = []
    frontier: list[tuple[str, str]] = [(framework, f"GEN.{key}")]
    depth = 0
    while len(items) < count and frontier:
        below: list[tuple[str, str]] = []
        for parent, parent_code in frontier:
            for place in range(1, FANOUT[min(depth, len(FANOUT) - 1)] + 1):
                if len(items) == count:
                    break
                code = f"{parent_code}.{_segment(depth, place)}"
                identifier = str(uuid.uuid5(NAMESPACE, f"item/{key}/{code}"))
                items.append(ItemRecord(
                    identifier=identifier, human_coding_scheme=code,
                    full_statement=_statement(rng, depth), item_type=LEVELS[depth],
                    education_levels=rng.choice((["09", "10"], ["11", "12"], ["06", "07", "08"])),
                    keywords=rng.sample(KEYWORDS, 2) if depth <= 2 else [],
                    list_enumeration=str(place), last_change=WHEN,
                    uri=f"https://standards.example/{key}/items/{identifier}"))
                associations.append(AssociationRecord(
                    identifier=str(uuid.uuid5(NAMESPACE, f"association/{key}/{code}")),
                    association_type="isChildOf", origin=identifier, destination=parent,
                    sequence=place, last_change=WHEN))
                below.append((identifier, code))
        frontier, depth = below, depth + 1
    return FrameworkPackage(
        framework=FrameworkRecord(
            identifier=framework, title=f"Generated framework {key}", creator="Worklink bench",
            last_change=WHEN, case_version="1.1", licence="CC0",
            uri=f"https://standards.example/{key}"),
        items=items, associations=associations, source_format="case-1.1")


def _segment(depth: int, place: int) -> str:
    return (f"D{place:02d}", f"C{place}", f"S{place:02d}", str(place), str(place))[depth]


def _statement(rng: random.Random, depth: int) -> str:
    topic = rng.choice(TOPICS)
    if depth == 0:
        return topic[0].upper() + topic[1:]
    if depth == 1:
        return f"{rng.choice(VERBS)} {topic}."
    return f"{rng.choice(VERBS)} {topic} {rng.choice(CONTEXTS)}."
