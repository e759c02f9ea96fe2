"""Which standards and competencies work-based learning covers, and where the gaps are."""
