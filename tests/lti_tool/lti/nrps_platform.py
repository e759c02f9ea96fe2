"""A loopback LMS serving a token endpoint and a paged NRPS memberships service, as Canvas pages it.

Page links carry upper-case query values (``Page``/``Cursor``), so a client that lower-cases the
Link header (pylti1p3 2.0, its PR #139) asks for a page that does not exist. The Link header
holds several rels on several lines, which broke naive parsers (ltijs #46).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from lti_tool.lti.keys import new_key
from lti_tool.models import KeyStatus, ToolKey
from tests.loopback import LoopbackServer, QuietHandler

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
COURSE_PATH = "/api/lti/courses/7/names_and_roles"
TOKEN_PATH = "/login/oauth2/token"


def people(students: int, *, teachers: int = 2) -> list[dict[str, Any]]:
    """Members in both role spellings: even students full URIs, odd ones Moodle's short names."""
    members = [{"status": "Active", "user_id": f"teacher-{i}", "name": f"Teacher {i}",
                "email": f"teacher{i}@school.test", "roles": [LIS + "Instructor"]}
               for i in range(teachers)]
    members += [{"status": "Inactive" if i % 10 == 9 else "Active", "user_id": f"student-{i}",
                 "given_name": "Student", "family_name": f"{i:03d}", "email": f"s{i}@school.test",
                 "roles": [LIS + "Learner"] if i % 2 == 0 else ["Learner"]}
                for i in range(students)]
    return members


class NrpsPlatform:
    def __init__(self, members: list[dict[str, Any]], *, page_size: int = 10) -> None:
        self.members = members
        self.page_size = page_size
        self.honour_role = True
        self.fail_status: int | None = None
        self.next_override: str | None = None
        self.body_override: bytes | None = None
        self.token_requests = 0
        self.pages_served = 0
        self.requests: list[dict[str, Any]] = []
        platform = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                if urlsplit(self.path).path != TOKEN_PATH:
                    return self._send(404, {"error": "no such path"})
                form = parse_qs(self.rfile.read(length).decode())
                if form.get("grant_type") != ["client_credentials"] or "client_assertion" not in form:
                    return self._send(400, {"error": "invalid_request"})
                platform.token_requests += 1
                self._send(200, {"access_token": f"token-{platform.token_requests}",
                                 "token_type": "bearer", "expires_in": 3600,
                                 "scope": form.get("scope", [""])[0]})

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                platform.requests.append({"path": self.path, "query": query,
                                          "accept": self.headers.get("Accept"),
                                          "authorization": self.headers.get("Authorization"),
                                          "user_agent": self.headers.get("User-Agent")})
                if not (self.headers.get("Authorization") or "").startswith("Bearer token-"):
                    return self._send(401, {"error": "unauthorized"})
                if platform.fail_status:
                    return self._send(platform.fail_status, {"error": "platform trouble"})
                if parts.path != COURSE_PATH:
                    return self._send(404, {"error": "no such path"})
                rows = platform.members
                if platform.honour_role and query.get("role"):
                    wanted = query["role"].rsplit("#", 1)[-1]
                    rows = [m for m in rows if any(r.rsplit("#", 1)[-1] == wanted for r in m["roles"])]
                pages = [rows[i:i + platform.page_size] for i in range(0, len(rows), platform.page_size)] or [[]]
                if "cursor" in query:
                    return self._send(404, {"error": "no parameter 'cursor' (was the link lower-cased?)"})
                cursor = query.get("Cursor", "Page1")
                if not cursor.startswith("Page") or not cursor[4:].isdigit():
                    return self._send(404, {"error": f"no page {cursor!r} (was the link lower-cased?)"})
                number = int(cursor[4:])
                if not 1 <= number <= len(pages):
                    return self._send(404, {"error": "page out of range"})
                platform.pages_served += 1
                base = platform.url + COURSE_PATH
                rest = urlencode({k: v for k, v in query.items() if k != "Cursor"})
                at = (lambda n: f"{base}?Cursor=Page{n}" + (f"&{rest}" if rest else ""))
                links = [f'<{at(1)}>; rel="first"', f'<{at(len(pages))}>; rel="last"']
                if number < len(pages):
                    links.insert(0, f'<{platform.next_override or at(number + 1)}>; rel="next"')
                if number > 1:
                    links.append(f'<{at(number - 1)}>; rel="prev"')
                body = platform.body_override or json.dumps({
                    "id": base, "context": {"id": "course-7", "title": "Health Science Pathway"},
                    "members": pages[number - 1]}).encode()
                self.reply(200, body, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                           headers={"Link": ", ".join(links)})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                self.reply_json(status, payload)

        self.server = LoopbackServer(Handler)
        self.url = self.server.origin
        self.memberships_url = self.url + COURSE_PATH
        self.token_url = self.url + TOKEN_PATH

    def close(self) -> None:
        self.server.close()


_KEY: dict[str, Any] = {}


def install_tool_key(session: Session) -> None:
    """A current tool key made once per test run: generating RSA keys per test costs ~0.7 s each."""
    if not _KEY:
        row = new_key(KeyStatus.CURRENT)
        _KEY.update(kid=row.kid, private_pem=row.private_pem, public_jwk=row.public_jwk)
    if session.scalar(select(ToolKey.id).where(ToolKey.status == KeyStatus.CURRENT)) is None:
        session.add(ToolKey(status=KeyStatus.CURRENT, activated_at=utcnow(), **_KEY))
        session.commit()
