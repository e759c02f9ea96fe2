"""Worklink's Flask + LTI shell around the ``competencies`` domain.

The app is built by ``lti_tool.app.create_app`` (the composition root); only entry points
(``lti_tool.wsgi``, the CLI, tests and benchmarks) import it.
"""
