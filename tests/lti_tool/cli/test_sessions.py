"""``worklink sessions``: the operator lists live sessions and ends them by person or deployment."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from lti_tool import sessions
from lti_tool.lti.registrations import add_registration
from lti_tool.models import User
from lti_tool.signing import Signer
from tests.lti_tool.cli.conftest import Invoke


def _two_people_signed_in(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    try:
        with Session(engine) as db:
            registration = add_registration(
                db, name="Moodle", issuer="https://moodle.school.test", client_id="c1",
                auth_login_url="https://moodle.school.test/auth",
                auth_token_url="https://moodle.school.test/token",
                key_set_url="https://moodle.school.test/jwks", deployment_ids=["1"])
            db.flush()
            deployment = registration.deployments[0].id
            ada, bo = User(registration_id=registration.id, sub="ada", name="Ada Teacher"), \
                User(registration_id=registration.id, sub="bo", name="Bo Student")
            db.add_all([ada, bo])
            db.flush()
            for user, count in ((ada, 2), (bo, 1)):
                for _ in range(count):
                    sessions.start(db.connection(), Signer("cli-test-secret"), user_id=user.id,
                                   registration_id=registration.id, deployment_id=deployment,
                                   course_id=None, role="teacher", launch_id="l", lifetime=3600)
            db.commit()
            return ada.id, bo.id, deployment
    finally:
        engine.dispose()


def test_ending_a_persons_sessions_leaves_the_others(worklink: Invoke, cli_env: dict[str, str]) -> None:
    ada, _bo, _ = _two_people_signed_in(cli_env["WORKLINK_DATABASE_URL"])
    assert "Ada Teacher" in worklink("sessions", "list").output
    result = worklink("sessions", "end", "--user", str(ada))
    assert result.exit_code == 0 and "Ended 2 sessions." in result.output
    listed = worklink("sessions", "list").output
    assert "Ada Teacher" not in listed and "Bo Student" in listed


def test_ending_a_deployments_sessions_signs_everyone_out(worklink: Invoke, cli_env: dict[str, str]) -> None:
    _, _, deployment = _two_people_signed_in(cli_env["WORKLINK_DATABASE_URL"])
    assert "Ended 3 sessions." in worklink("sessions", "end", "--deployment", str(deployment)).output
    assert "No live sessions." in worklink("sessions", "list").output


def test_end_needs_exactly_one_target(worklink: Invoke) -> None:
    assert worklink("sessions", "end").exit_code != 0
