"""Registering the sandbox with Worklink, as an admin would register Canvas or Moodle."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.exc import IntegrityError

from lti_tool.db import database
from lti_tool.lti.registrations import add_registration, find_registration
from lti_tool.sandbox.platform import Sandbox


def register_with_worklink(app: Flask, sb: Sandbox) -> None:
    """Add the sandbox's registration once; refresh its pasted key set if the sandbox's key changed."""
    s = sb.settings
    jwks = sb.jwks()
    with database(app).session() as session:
        existing = find_registration(session, s.issuer, s.client_id)
        if existing is not None:
            # Deleting the sandbox's state file makes a new key; keep Worklink's copy in step.
            if existing.key_set != jwks:
                existing.key_set = jwks
                session.commit()
            return
        # The JWKS is pasted inline: during a launch the tool must not fetch its own origin.
        add_registration(
            session, name="Sandbox LMS", issuer=s.issuer, client_id=s.client_id,
            auth_login_url=s.url("/auth"), auth_token_url=s.token_url, key_set=jwks,
            product="sandbox", deployment_ids=[s.deployment_id],
        )
        try:
            session.commit()
        except IntegrityError:
            # Another worker registered it first; that registration is as good as ours.
            session.rollback()
