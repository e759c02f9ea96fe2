"""``worklink admin link``: a one-time sign-in URL."""

from __future__ import annotations

from tests.lti_tool.cli.conftest import Invoke


def test_link_prints_a_signin_url_on_the_base_url(worklink: Invoke) -> None:
    result = worklink("admin", "link", "--minutes", "5")
    assert result.exit_code == 0
    url = result.output.strip().splitlines()[0]
    # The code rides after the "#", which browsers never send: no log or Referer holds it.
    assert url.startswith("https://worklink.test/admin/signin#")
    assert "?" not in url and len(url) > len("https://worklink.test/admin/signin#") + 20


def test_two_links_differ(worklink: Invoke) -> None:
    assert worklink("admin", "link").output != worklink("admin", "link").output
