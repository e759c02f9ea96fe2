"""Typed configuration: dev fills in defaults, production refuses to start without secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from lti_tool.config import Config, ConfigError, DeploymentPolicy, Mode


def test_dev_mode_generates_a_secret_and_a_sqlite_url(tmp_path: Path) -> None:
    config = Config.from_env({"WORKLINK_INSTANCE_DIR": str(tmp_path)})
    assert config.mode is Mode.DEV
    assert len(config.secret_key) > 40
    assert config.database_url == f"sqlite:///{tmp_path / 'worklink.db'}"
    # The generated secret is kept, so a restart does not log everyone out.
    assert Config.from_env({"WORKLINK_INSTANCE_DIR": str(tmp_path)}).secret_key == config.secret_key


def test_production_names_every_missing_setting() -> None:
    with pytest.raises(ConfigError) as error:
        Config.from_env({"WORKLINK_MODE": "production", "WORKLINK_DATABASE_URL": "postgresql://x/y"})
    assert "WORKLINK_SECRET_KEY" in str(error.value)
    assert "WORKLINK_BASE_URL" in str(error.value)
    assert "WORKLINK_DATABASE_URL" not in str(error.value)


def test_production_never_mounts_the_sandbox() -> None:
    env = {"WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": "s" * 40,
           "WORKLINK_DATABASE_URL": "postgresql://x/y", "WORKLINK_BASE_URL": "https://w.example",
           "WORKLINK_SANDBOX": "1"}
    with pytest.raises(ConfigError, match="sandbox"):
        Config.from_env(env)


def test_unknown_deployment_policy_is_read_and_checked(tmp_path: Path) -> None:
    env = {"WORKLINK_INSTANCE_DIR": str(tmp_path), "WORKLINK_UNKNOWN_DEPLOYMENTS": "pending"}
    assert Config.from_env(env).unknown_deployment_policy is DeploymentPolicy.PENDING
    with pytest.raises(ConfigError, match="accept' or 'pending"):
        Config.from_env({**env, "WORKLINK_UNKNOWN_DEPLOYMENTS": "maybe"})


def test_production_holds_unknown_deployments_and_the_demo_accepts_them(tmp_path: Path) -> None:
    production = {"WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": "s" * 40,
                  "WORKLINK_DATABASE_URL": "postgresql://x/y", "WORKLINK_BASE_URL": "https://w.test",
                  "WORKLINK_INSTANCE_DIR": str(tmp_path)}
    assert Config.from_env(production).unknown_deployment_policy is DeploymentPolicy.PENDING
    assert Config.from_env({**production, "WORKLINK_UNKNOWN_DEPLOYMENTS": "accept"}) \
        .unknown_deployment_policy is DeploymentPolicy.ACCEPT
    dev = {"WORKLINK_INSTANCE_DIR": str(tmp_path)}
    assert Config.from_env(dev).unknown_deployment_policy is DeploymentPolicy.ACCEPT


def test_proxy_hops_are_read(tmp_path: Path) -> None:
    env = {"WORKLINK_INSTANCE_DIR": str(tmp_path)}
    assert Config.from_env(env).proxy_hops == 0
    assert Config.from_env({**env, "WORKLINK_PROXY_HOPS": "1"}).proxy_hops == 1


def test_jobs_run_in_the_demo_process_and_in_workers_in_production(tmp_path: Path) -> None:
    from lti_tool.config import JobsMode
    dev = {"WORKLINK_INSTANCE_DIR": str(tmp_path)}
    assert Config.from_env(dev).jobs is JobsMode.THREADS
    production = {"WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": "s" * 40,
                  "WORKLINK_DATABASE_URL": "postgresql://x/y", "WORKLINK_BASE_URL": "https://w.test",
                  "WORKLINK_INSTANCE_DIR": str(tmp_path)}
    assert Config.from_env(production).jobs is JobsMode.WORKER
    assert Config.from_env({**dev, "WORKLINK_JOBS": "worker"}).jobs is JobsMode.WORKER
    with pytest.raises(ConfigError, match="WORKLINK_JOBS"):
        Config.from_env({**dev, "WORKLINK_JOBS": "later"})


def test_mail_and_employer_link_settings_are_read_and_checked(tmp_path: Path) -> None:
    env = {"WORKLINK_INSTANCE_DIR": str(tmp_path), "WORKLINK_SMTP_HOST": "smtp.example.org",
           "WORKLINK_SMTP_PORT": "465", "WORKLINK_SMTP_SECURITY": "TLS",
           "WORKLINK_EMPLOYER_LINK_DAYS": "7"}
    config = Config.from_env(env)
    assert (config.smtp_host, config.smtp_port, config.smtp_security,
            config.employer_link_days) == ("smtp.example.org", 465, "tls", 7)
    assert Config.from_env({"WORKLINK_INSTANCE_DIR": str(tmp_path)}).employer_link_days == 14
    with pytest.raises(ConfigError, match="SMTP_SECURITY must be one of starttls, tls, none"):
        Config.from_env({**env, "WORKLINK_SMTP_SECURITY": "ssl3"})
    with pytest.raises(ConfigError, match="EMPLOYER_LINK_DAYS must be a whole number above 0"):
        Config.from_env({**env, "WORKLINK_EMPLOYER_LINK_DAYS": "0"})


def test_storage_is_local_by_default_and_s3_needs_a_bucket(tmp_path: Path) -> None:
    dev = {"WORKLINK_INSTANCE_DIR": str(tmp_path)}
    config = Config.from_env(dev)
    assert (config.storage, config.upload_max_bytes, config.upload_max_files) == (
        "local", 200 * 1024 * 1024, 20)
    with pytest.raises(ConfigError, match="WORKLINK_STORAGE=s3 needs WORKLINK_S3_BUCKET"):
        Config.from_env({**dev, "WORKLINK_STORAGE": "s3"})
    s3 = Config.from_env({**dev, "WORKLINK_STORAGE": "S3", "WORKLINK_S3_BUCKET": "wbl-files",
                          "WORKLINK_S3_ENDPOINT_URL": "https://minio.school.example",
                          "WORKLINK_UPLOAD_MAX_MB": "50"})
    assert (s3.storage, s3.s3_bucket, s3.s3_endpoint_url, s3.upload_max_bytes) == (
        "s3", "wbl-files", "https://minio.school.example", 50 * 1024 * 1024)
    with pytest.raises(ConfigError, match="WORKLINK_STORAGE must be one of local, s3"):
        Config.from_env({**dev, "WORKLINK_STORAGE": "ftp"})
