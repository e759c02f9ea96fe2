"""Worklink's domain: competency frameworks, alignment, rubrics, evidence and mastery.

Plain Python plus SQLAlchemy for persistence. Nothing here may import Flask, pylti1p3,
jwt or ``lti_tool``: ``tests/test_architecture.py`` enforces it.
"""
