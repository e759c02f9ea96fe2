"""Domain tables (frameworks, items, associations, scales, rubrics, evidence)."""
