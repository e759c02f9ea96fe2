"""``worklink`` run from any folder: one database in the user's data folder (or the one
configured), a plain message when there is none, no files left in the current folder, and
links on the address the demo runs on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lti_tool.config import DEMO_ADDRESS_FILE, Config, running_demo_url


def _worklink() -> list[str]:
    installed = shutil.which("worklink", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-c",
                                          "from lti_tool.cli import main; main()"]


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty folder outside the repository, and an environment naming no database."""
    folder = tmp_path / "somewhere"
    folder.mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("WORKLINK_")}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"))
    return folder, env


def _run(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_worklink(), *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=120)


def test_without_a_database_it_says_which_one_and_how_to_set_it(
        outside: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = outside
    done = _run(folder, env, "frameworks", "list")
    assert done.returncode == 1
    expected = tmp_path / "data" / "worklink" / "worklink.db"
    assert f"there is no Worklink database at {expected}" in done.stderr
    assert "WORKLINK_DATABASE_URL" in done.stderr and "worklink db upgrade" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []          # no ./instance, no empty SQLite file
    assert not expected.exists()


def test_a_database_made_in_one_folder_is_used_from_another(
        outside: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = outside
    assert _run(folder, env, "db", "upgrade").returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = _run(elsewhere, env, "platform", "list")
    assert done.returncode == 0, done.stderr
    assert "no platforms registered" in done.stdout
    assert list(folder.iterdir()) == [] and list(elsewhere.iterdir()) == []


def test_a_configured_database_without_tables_is_named_without_its_password(
        outside: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = outside
    empty = tmp_path / "empty.db"
    empty.touch()
    done = _run(folder, env | {"WORKLINK_DATABASE_URL": f"sqlite:///{empty}"}, "platform", "list")
    assert done.returncode == 1
    assert f"the database sqlite:///{empty} has no Worklink tables yet" in done.stderr
    assert "WORKLINK_DATABASE_URL names it" in done.stderr


def test_admin_links_lead_to_the_running_demo(
        outside: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = outside
    assert _run(folder, env, "db", "upgrade").returncode == 0
    # What `worklink demo --port 5123` writes while it runs (this test's process stands in).
    (tmp_path / "data" / "worklink" / DEMO_ADDRESS_FILE).write_text(
        f"http://127.0.0.1:5123 {os.getpid()}\n")
    done = _run(folder, env, "admin", "link")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:5123/admin/signin#")
    configured = _run(folder, env | {"WORKLINK_BASE_URL": "https://worklink.example"},
                      "admin", "link")
    assert configured.stdout.startswith("https://worklink.example/admin/signin#")


def test_a_demo_that_stopped_leaves_the_default_address(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    (tmp_path / DEMO_ADDRESS_FILE).write_text(f"http://127.0.0.1:5123 {finished.stdout.strip()}\n")
    assert running_demo_url(tmp_path) is None
    config = Config.from_env({"WORKLINK_INSTANCE_DIR": str(tmp_path)})
    assert config.base_url == "http://127.0.0.1:5000"
