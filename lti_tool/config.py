"""Typed configuration, read once from ``WORKLINK_*`` environment variables.

Dev mode fills in what a laptop needs (a SQLite file, a generated secret); production mode
refuses to start without the secrets and says which ones are missing.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import platformdirs
from flask import current_app

from lti_tool.outbound.addresses import AddressPolicy


class Mode(enum.StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class DeploymentPolicy(enum.StrEnum):
    """What to do with a deployment_id we have not seen for a known registration."""

    ACCEPT = "accept"
    PENDING = "pending"


def app_config() -> Config:
    """The running app's config (set by ``create_app``), for code serving a request."""
    return current_app.extensions["worklink.config"]  # type: ignore[no-any-return]


class JobsMode(enum.StrEnum):
    """Where background jobs (roster refreshes, purges) run."""

    THREADS = "threads"
    """A consumer in the web process's own threads: the demo needs no second command."""
    WORKER = "worker"
    """Queued for ``worklink worker`` processes (production)."""
    IMMEDIATE = "immediate"
    """Run at once in the caller's thread (the test suite's default)."""


class ConfigError(Exception):
    """The environment does not describe a Worklink that can start."""


@dataclasses.dataclass(frozen=True)
class Config:
    mode: Mode
    secret_key: str
    database_url: str
    base_url: str
    """The public https origin the LMS reaches Worklink on; used in registration documents."""
    instance_dir: Path
    """Where the SQLite file and local uploads live in dev: ``WORKLINK_INSTANCE_DIR``, else the
    user's data folder (``~/.local/share/worklink`` on Linux), never the current folder, so
    ``worklink`` run from any folder finds the demo's database."""
    redis_url: str | None = None
    sandbox: bool = False
    """Mount the sandbox LMS (dev only: never mounted in production)."""
    unknown_deployment_policy: DeploymentPolicy = DeploymentPolicy.ACCEPT
    allow_anonymous_launch: bool = False
    """Core LTI allows a launch without ``sub``; the 1EdTech certification rejects it."""
    jwks_cache_min_seconds: int = 300
    jwks_cache_max_seconds: int = 86_400
    http_timeout_seconds: float = 5.0
    jwks_max_bytes: int = 256 * 1024
    clock_skew_seconds: int = 60
    launch_lifetime_seconds: int = 8 * 3600
    """A browser session's absolute lifetime, however active it is."""
    session_idle_seconds: int = 2 * 3600
    """A browser session unused this long has ended (the next page asks to open from the course)."""
    previous_secret_keys: tuple[str, ...] = ()
    """Old secrets that still verify (never sign) while a rotation's overlap window lasts."""
    key_rotation_overlap_days: int = 7
    tool_name: str = "Worklink"
    jobs: JobsMode = JobsMode.IMMEDIATE
    """``WORKLINK_JOBS``; the default follows the mode: threads in dev, worker in production."""
    proxy_hops: int = 0
    """Reverse proxies in front of Worklink whose X-Forwarded-For names the client (rate limits)."""
    outbound_policy: AddressPolicy = AddressPolicy()
    """Private networks and hosts outbound fetches may reach (``WORKLINK_OUTBOUND_ALLOW``)."""
    employer_link_days: int = 14
    """How long an employer link works after it is issued."""
    smtp_host: str | None = None
    """The SMTP server mail goes through; unset, mail waits in the queue and the teacher copies
    the link instead."""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    """``starttls`` (port 587), ``tls`` (implicit TLS, port 465) or ``none`` (a local relay)."""
    smtp_username: str | None = None
    smtp_password: str | None = None
    mail_sender: str = "Worklink <worklink@localhost>"
    storage: str = "local"
    """Where students' files are kept: ``local`` (``<instance>/artifacts``) or ``s3``."""
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    """An S3-compatible server's address (MinIO, Ceph, ...); unset for AWS itself."""
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_prefix: str = ""
    """Keys start with this folder, so one bucket can serve several Worklinks."""
    upload_max_bytes: int = 200 * 1024 * 1024
    """The largest file a student may upload (a phone's short video fits)."""
    upload_max_files: int = 20
    """Files one submission may hold (across its versions' current artifacts)."""
    upload_expiry_hours: int = 24
    """An unfinished upload untouched this long is purged with its partial bytes."""

    @property
    def is_production(self) -> bool:
        return self.mode is Mode.PRODUCTION

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ

        def get(name: str, default: str | None = None) -> str | None:
            value = env.get(f"WORKLINK_{name}")
            return value if value not in (None, "") else default

        try:
            mode = Mode(get("MODE") or "dev")
        except ValueError:
            raise ConfigError(
                f"WORKLINK_MODE must be one of {', '.join(m.value for m in Mode)}"
            ) from None
        instance_dir = Path(get("INSTANCE_DIR") or default_instance_dir()).resolve()
        secret_key = get("SECRET_KEY")
        database_url = get("DATABASE_URL")
        if mode is Mode.PRODUCTION:
            missing = [
                f"WORKLINK_{name}"
                for name, value in (("SECRET_KEY", secret_key), ("DATABASE_URL", database_url),
                                    ("BASE_URL", get("BASE_URL")))
                if not value
            ]
            if missing:
                raise ConfigError(
                    "production mode needs " + ", ".join(missing)
                    + " (set them in the environment; there are no defaults in production)"
                )
            if get("SANDBOX") not in (None, "0", "false"):
                raise ConfigError("the sandbox LMS is never mounted in production")
        if secret_key is None:
            secret_key = _dev_secret(instance_dir)
        if database_url is None:
            database_url = f"sqlite:///{instance_dir / 'worklink.db'}"
        # A new deployment in production waits for an operator; the demo lets it in at once.
        default_policy = "pending" if mode is Mode.PRODUCTION else "accept"
        try:
            policy = DeploymentPolicy(get("UNKNOWN_DEPLOYMENTS") or default_policy)
        except ValueError:
            raise ConfigError("WORKLINK_UNKNOWN_DEPLOYMENTS must be 'accept' or 'pending'") from None
        return cls(
            mode=mode,
            secret_key=secret_key,
            database_url=database_url,
            base_url=(get("BASE_URL") or running_demo_url(instance_dir) or DEFAULT_BASE_URL).rstrip("/"),
            instance_dir=instance_dir,
            redis_url=get("REDIS_URL"),
            sandbox=_flag(get("SANDBOX")),
            unknown_deployment_policy=policy,
            allow_anonymous_launch=_flag(get("ALLOW_ANONYMOUS_LAUNCH")),
            jwks_cache_min_seconds=_int(get("JWKS_CACHE_MIN_SECONDS"), 300),
            jwks_cache_max_seconds=_int(get("JWKS_CACHE_MAX_SECONDS"), 86_400),
            key_rotation_overlap_days=_int(get("KEY_ROTATION_OVERLAP_DAYS"), 7),
            jobs=_jobs_mode(mode, get("JOBS")),
            proxy_hops=_int(get("PROXY_HOPS"), 0),
            outbound_policy=_outbound_policy(mode, get("OUTBOUND_ALLOW")),
            employer_link_days=_positive(get("EMPLOYER_LINK_DAYS"), 14, "EMPLOYER_LINK_DAYS"),
            smtp_host=get("SMTP_HOST"),
            smtp_port=_int(get("SMTP_PORT"), 587),
            smtp_security=_choice(get("SMTP_SECURITY", "starttls") or "starttls",
                                  ("starttls", "tls", "none"), "SMTP_SECURITY"),
            smtp_username=get("SMTP_USERNAME"),
            smtp_password=get("SMTP_PASSWORD"),
            mail_sender=get("MAIL_SENDER", "Worklink <worklink@localhost>") or "",
            session_idle_seconds=60 * _int(get("SESSION_IDLE_MINUTES"), 120),
            **_storage(get),
            # Whitespace or commas between secrets: generated secrets contain neither.
            previous_secret_keys=tuple(s for s in re.split(r"[\s,]+", get("PREVIOUS_SECRET_KEYS", "") or "")
                                       if s),
        )


DEFAULT_BASE_URL = "http://127.0.0.1:5000"
DEMO_ADDRESS_FILE = "demo-address"
"""Written in the instance folder by a running ``worklink demo``: its base URL and process id,
so links other commands print lead to the demo on whatever port it runs."""


def default_instance_dir() -> Path:
    return platformdirs.user_data_path("worklink")


def running_demo_url(instance_dir: Path) -> str | None:
    """The base URL of the demo running on ``instance_dir``, if one runs."""
    try:
        url, pid = (instance_dir / DEMO_ADDRESS_FILE).read_text("utf-8").split()
        os.kill(int(pid), 0)  # signal 0 only asks whether the process exists
    except (OSError, ValueError):
        return None
    return url


def _storage(get: Callable[..., str | None]) -> dict[str, Any]:
    storage = _choice(get("STORAGE", "local") or "local", ("local", "s3"), "STORAGE")
    bucket = get("S3_BUCKET")
    if storage == "s3" and not bucket:
        raise ConfigError("WORKLINK_STORAGE=s3 needs WORKLINK_S3_BUCKET")
    return {
        "storage": storage, "s3_bucket": bucket, "s3_endpoint_url": get("S3_ENDPOINT_URL"),
        "s3_region": get("S3_REGION"), "s3_access_key_id": get("S3_ACCESS_KEY_ID"),
        "s3_secret_access_key": get("S3_SECRET_ACCESS_KEY"), "s3_prefix": get("S3_PREFIX", "") or "",
        "upload_max_bytes": 1024 * 1024 * _positive(get("UPLOAD_MAX_MB"), 200, "UPLOAD_MAX_MB"),
        "upload_max_files": _positive(get("UPLOAD_MAX_FILES"), 20, "UPLOAD_MAX_FILES"),
        "upload_expiry_hours": _positive(get("UPLOAD_EXPIRY_HOURS"), 24, "UPLOAD_EXPIRY_HOURS"),
    }


def _jobs_mode(mode: Mode, value: str | None) -> JobsMode:
    default = {Mode.PRODUCTION: JobsMode.WORKER, Mode.DEV: JobsMode.THREADS}.get(
        mode, JobsMode.IMMEDIATE)
    try:
        return JobsMode(value) if value else default
    except ValueError:
        raise ConfigError("WORKLINK_JOBS must be one of "
                          + ", ".join(m.value for m in JobsMode)) from None


def _outbound_policy(mode: Mode, listed: str | None) -> AddressPolicy:
    # Dev and test reach the sandbox LMS (and the tests' fake platforms) on loopback. Production
    # reaches no loopback address unless the operator lists one explicitly (the launch benchmark
    # runs a production server against a platform simulator on 127.0.0.1).
    if listed is None and mode is not Mode.PRODUCTION:
        listed = "127.0.0.0/8,::1"
    try:
        return AddressPolicy.parse((listed or "").split(","))
    except ValueError as exc:
        raise ConfigError(f"WORKLINK_OUTBOUND_ALLOW: {exc}") from None


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes", "on")


def _int(value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"expected a whole number, got {value!r}") from None


def _positive(value: str | None, default: int, name: str) -> int:
    number = _int(value, default)
    if number <= 0:
        raise ConfigError(f"WORKLINK_{name} must be a whole number above 0, got {value!r}")
    return number


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value.lower() not in allowed:
        raise ConfigError(f"WORKLINK_{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value.lower()


def _dev_secret(instance_dir: Path) -> str:
    """A secret kept in the instance folder, so dev sessions survive a restart."""
    path = instance_dir / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
