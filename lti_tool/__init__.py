"""Worklink's Flask + LTI shell around the ``competencies`` domain."""

from lti_tool.app import create_app

__all__ = ["create_app"]
