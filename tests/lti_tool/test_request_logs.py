"""Request lines in the development server's log keep the path and drop the query."""

from __future__ import annotations

import logging

from lti_tool.request_logs import DropQueryStrings


def test_a_registration_token_in_the_query_never_reaches_the_log() -> None:
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] %s',
                               ("127.0.0.1", "now", '"GET /lti/register?openid_configuration=x'
                                '&registration_token=SECRET-42 HTTP/1.1" 200 -'), None)
    assert DropQueryStrings().filter(record)
    line = record.getMessage()
    assert "SECRET-42" not in line and '"GET /lti/register HTTP/1.1" 200' in line
