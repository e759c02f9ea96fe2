"""Request lines in logs name the path, never the query string.

The query is where platforms put what should not be kept: Dynamic Registration's
``registration_token``, the login's hints. gunicorn's access log is told so by its format
(``deploy/gunicorn.conf.py``); werkzeug's development server, which ``worklink demo`` and the
browser tests run, is told so by this filter.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r'("[A-Z]+ [^ ?"]*)\?[^ "]*')


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = _QUERY.sub(r"\1", str(record.msg))
        return True


def install() -> None:
    """Once per process: werkzeug's request log goes through the filter."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
        logger.addFilter(DropQueryStrings())
