"""``worklink frameworks``: import real files, reject bad ones untouched, export, show, search."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.browse import find_items
from competencies.formats import case_schema
from competencies.models import Association, Framework, Item
from lti_tool.db import make_engine
from tests.competencies.formats.case_packages import (
    DOC,
    case_item,
    child_of,
    item_id,
    small_package,
)
from tests.competencies.framework_factories import ident, store, tree_package
from tests.loopback import LoopbackServer, QuietHandler
from tests.lti_tool.cli.conftest import Invoke

CCSS_MATH = "Common Core State Standards for Mathematics"


def _rows(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return tuple(session.scalar(select(func.count()).select_from(table)) or 0
                         for table in (Framework, Item, Association))  # type: ignore[return-value]
    finally:
        engine.dispose()


@pytest.fixture
def math(worklink: Invoke, shared_data: Path) -> None:
    result = worklink("frameworks", "import", str(shared_data / "case/ccss-math-sample.json"))
    assert result.exit_code == 0, result.output


def test_real_files_import_with_a_report(worklink: Invoke, shared_data: Path) -> None:
    smart = worklink("frameworks", "import", str(shared_data / "case/SmartLevelFramework.json"))
    math = worklink("frameworks", "import", str(shared_data / "case/ccss-math-sample.json"))
    assert smart.exit_code == 0 and "items: 14 created" in smart.stdout
    assert math.exit_code == 0 and "items: 703 created" in math.stdout
    # Deviations are named with where they are.
    assert "CFItems[0].educationalLevel" in math.stdout
    listed = worklink("frameworks", "list").stdout
    assert f"{CCSS_MATH}\t703 items\tcase-pre-1.0" in listed
    assert "\t14 items\t" in listed


def test_importing_again_changes_nothing(worklink: Invoke, math: None,
                                         shared_data: Path) -> None:
    again = worklink("frameworks", "import", str(shared_data / "case/ccss-math-sample.json"))
    assert "items: 703 unchanged" in again.stdout


def test_a_truncated_file_is_rejected_and_nothing_is_stored(
        worklink: Invoke, shared_data: Path, fresh_database_url: str, tmp_path: Path) -> None:
    worklink("frameworks", "builtin")
    before = _rows(fresh_database_url)
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes((shared_data / "case/ccss-math-sample.json").read_bytes()[:3000])
    result = worklink("frameworks", "import", str(truncated))
    assert result.exit_code == 1
    assert "FATAL line 28, column 23: not valid JSON" in result.stderr
    assert "nothing was stored" in result.stderr
    assert _rows(fresh_database_url) == before


def _cycle() -> dict[str, object]:
    package = small_package()
    package["CFAssociations"].append(child_of(9, item_id(1), item_id(5), 1))
    package["CFAssociations"].pop(0)  # item 1 now sits under 5, which is under 3, under 1
    return package


def _repeated_identifier() -> dict[str, object]:
    package = small_package()
    package["CFItems"].append(case_item(2, "Another statement under the same identifier"))
    return package


@pytest.mark.parametrize(("package", "problem"), [
    (_cycle, "isChildOf cycle"), (_repeated_identifier, "duplicate item identifier")])
def test_a_broken_package_is_rejected_with_where_and_nothing_is_stored(
        worklink: Invoke, fresh_database_url: str, tmp_path: Path,
        package: Callable[[], dict[str, object]], problem: str) -> None:
    worklink("frameworks", "builtin")
    before = _rows(fresh_database_url)
    source = tmp_path / "broken.json"
    source.write_text(json.dumps(package()))
    result = worklink("frameworks", "import", str(source))
    assert result.exit_code == 1
    [fatal] = [line for line in result.stderr.splitlines() if line.startswith("FATAL ")]
    assert problem in fatal and re.match(r"FATAL CF(Items|Associations)\[\d+\]", fatal)
    assert _rows(fresh_database_url) == before


def test_a_dry_run_reports_but_stores_nothing(worklink: Invoke, shared_data: Path,
                                              fresh_database_url: str) -> None:
    result = worklink("frameworks", "import", "--dry-run",
                      str(shared_data / "case/SmartLevelFramework.json"))
    assert result.exit_code == 0 and "items: 14 created" in result.stdout
    assert _rows(fresh_database_url) == (0, 0, 0)


def test_an_unknown_format_is_named(worklink: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "outcomes.xlsx"
    source.write_bytes(b"PK")
    result = worklink("frameworks", "import", str(source))
    assert result.exit_code == 1 and "no reader for .xlsx" in result.stderr


def test_case_export_imports_back_unchanged(worklink: Invoke, shared_data: Path,
                                            tmp_path: Path) -> None:
    worklink("frameworks", "import", str(shared_data / "case/SmartLevelFramework.json"))
    exported = tmp_path / "smart.json"
    result = worklink("frameworks", "export", "d0000000-0000-0000-0000-000000000000",
                      "--format", "case", "-o", str(exported))
    assert result.exit_code == 0
    assert case_schema.validate(json.loads(exported.read_bytes()),
                                shared_data / "case/schema/case-v1p1-cfpackage.json") == []
    again = worklink("frameworks", "import", str(exported))
    assert "items: 14 unchanged" in again.stdout
    assert "associations: 14 unchanged" in again.stdout


def test_csv_exports_go_to_standard_output(worklink: Invoke) -> None:
    worklink("frameworks", "builtin")
    canvas = worklink("frameworks", "export", "Employability Skills Framework",
                      "--format", "canvas-csv")
    moodle = worklink("frameworks", "export", "Employability Skills Framework",
                      "--format", "moodle-csv")
    assert canvas.stdout.startswith("vendor_guid,object_type,title")
    assert moodle.stdout.startswith("Parent ID number,ID number,Short name")


def test_show_gives_metadata_attribution_and_top_level(worklink: Invoke,
                                                      shared_data: Path) -> None:
    worklink("frameworks", "import", "--format", "onet",
             str(shared_data / "onet/skills-subset.txt"))
    [identifier] = [line.split("\t")[0] for line in worklink("frameworks", "list").stdout
                    .splitlines() if "O*NET" in line]
    shown = worklink("frameworks", "show", identifier)
    assert shown.exit_code == 0
    assert "licence:    CC BY 4.0" in shown.stdout
    assert "O*NET® is a trademark of USDOL/ETA" in shown.stdout
    assert "top level:" in shown.stdout


def test_show_item_gives_parent_and_children(worklink: Invoke, math: None) -> None:
    shown = worklink("frameworks", "show", CCSS_MATH, "--item", "CCSS.Math.Content.1.G.A")
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0] == "CCSS.Math.Content.1.G.A\tReason with shapes and their attributes."
    assert "Geometry" in next(line for line in lines if line.startswith("parent:"))
    assert "children:   3" in lines
    assert sum(line.startswith("  CCSS.Math.Content.1.G.A.") for line in lines) == 3


def test_search_finds_a_standard_by_code_and_by_words(worklink: Invoke, math: None) -> None:
    by_code = worklink("frameworks", "search", "ccss.math.content.1.g.a")
    by_words = worklink("frameworks", "search", "reason", "with", "shapes", "attributes")
    assert by_code.stdout.splitlines()[0].startswith("CCSS.Math.Content.1.G.A\t")
    assert any(line.startswith("CCSS.Math.Content.1.G.A\t")
               for line in by_words.stdout.splitlines())


def test_search_within_a_framework(worklink: Invoke, math: None) -> None:
    worklink("frameworks", "builtin")
    assert worklink("frameworks", "search", "shapes", "--framework",
                    "Employability Skills Framework").stderr.strip() == "nothing found"


def test_crosswalk_lists_the_skills_a_standard_points_at(worklink: Invoke,
                                                         fresh_database_url: str) -> None:
    w2 = "CCSS.ELA-LITERACY.W.11-12.2"
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        store(session, tree_package("onet", "O*NET skills", [
            ("2.A.1.a", "Reading Comprehension", []), ("2.A.1.c", "Writing", [])]))
        store(session, tree_package("ccss", "CCSS ELA", [(w2, "Write informative texts.", [])],
                                    links=[(w2, "exactMatchOf", ident("onet", "2.A.1.c"), None),
                                           (w2, "isRelatedTo", ident("onet", "2.A.1.a"), None)]))
        session.commit()
    engine.dispose()
    result = worklink("frameworks", "crosswalk", w2, "--to", "O*NET skills")
    assert result.stdout.splitlines() == [
        f"{w2} exactMatchOf 2.A.1.c\tWriting\tO*NET skills",
        f"{w2} isRelatedTo 2.A.1.a\tReading Comprehension\tO*NET skills",
    ]
    back = worklink("frameworks", "crosswalk", "2.A.1.c")
    assert back.stdout.splitlines() == [
        f"{w2} exactMatchOf 2.A.1.c\tWrite informative texts.\tCCSS ELA"]


def test_builtin_frameworks_import_once(worklink: Invoke) -> None:
    first = worklink("frameworks", "builtin")
    second = worklink("frameworks", "builtin")
    assert first.exit_code == 0 and first.stdout.count(": created") == 2
    assert second.stdout.count(": unchanged") == 2


class _Provider(QuietHandler):
    def do_GET(self) -> None:
        found = self.path == f"/ims/case/v1p1/CFPackages/{DOC}"
        self.reply_json(200 if found else 404, small_package() if found else {})


@pytest.fixture
def provider() -> Iterator[str]:
    with LoopbackServer(_Provider) as server:
        yield server.origin


def test_a_package_is_imported_from_a_case_provider(worklink: Invoke, provider: str) -> None:
    result = worklink("frameworks", "import", f"{provider}/ims/case/v1p1/CFPackages/{DOC}")
    assert result.exit_code == 0 and "items: 5 created" in result.stdout


def test_a_url_that_is_not_a_case_package_is_refused(worklink: Invoke) -> None:
    result = worklink("frameworks", "import", "https://example.org/standards.json")
    assert result.exit_code == 2 and "CFPackages" in result.stderr


@pytest.mark.shared_data
def test_which_onet_skills_a_real_ccss_standard_is_associated_with(
        worklink: Invoke, shared_data: Path, fresh_database_url: str, tmp_path: Path) -> None:
    """The issue's own question, on the real CCSS ELA items and O*NET skills, joined by a
    hand-authored crosswalk package that holds associations only."""
    assert worklink("frameworks", "import", str(shared_data / "case/ccss-ela-items.csv"),
                    ).exit_code == 0
    assert worklink("frameworks", "import", "--format", "onet",
                    str(shared_data / "onet/skills-subset.txt")).exit_code == 0
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        [standard] = find_items(session, "W.11-12.2")
        [writing] = find_items(session, "2.A.1.c")
        [reading] = find_items(session, "2.A.1.a")
        onet = session.scalar(select(Framework.identifier)
                              .where(Framework.id == writing.framework_id))
    engine.dispose()
    crosswalk = {
        "CFDocument": {"identifier": ident("crosswalk"), "uri": "https://case.test/crosswalk",
                       "creator": "Worklink tests", "title": "CCSS ELA to O*NET skills",
                       "lastChangeDateTime": "2024-01-01T00:00:00+00:00"},
        "CFItems": [],
        "CFAssociations": [
            {"identifier": ident("crosswalk", kind), "associationType": kind,
             "uri": f"https://case.test/crosswalk/{kind}",
             "originNodeURI": {"title": "W.11-12.2", "identifier": standard.identifier,
                               "uri": f"https://case.test/{standard.identifier}"},
             "destinationNodeURI": {"title": title, "identifier": target.identifier,
                                    "uri": f"https://case.test/{target.identifier}"},
             "lastChangeDateTime": "2024-01-01T00:00:00+00:00"}
            for kind, target, title in (("exactMatchOf", writing, "Writing"),
                                        ("isRelatedTo", reading, "Reading Comprehension"))
        ],
    }
    source = tmp_path / "crosswalk.json"
    source.write_text(json.dumps(crosswalk))
    assert worklink("frameworks", "import", str(source)).exit_code == 0
    result = worklink("frameworks", "crosswalk", "W.11-12.2", "--to", onet)
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [
        ["W.11-12.2 exactMatchOf 2.A.1.c", "Writing"],
        ["W.11-12.2 isRelatedTo 2.A.1.a", "Reading Comprehension"],
    ]


def test_a_cut_off_spreadsheet_is_refused_and_a_large_removal_needs_confirming(
        worklink: Invoke, fresh_database_url: str, tmp_path: Path) -> None:
    """Issue 13: a spreadsheet cut by a failed download used to import with exit status 0."""
    source = Path(__file__).resolve().parents[2] / "competencies" / "fixtures" / "opensalt-template.csv"
    whole = tmp_path / "health.csv"
    whole.write_bytes(source.read_bytes())
    assert worklink("frameworks", "import", str(whole)).exit_code == 0
    before = _rows(fresh_database_url)
    data = source.read_bytes()
    whole.write_bytes(data[:len(data) * 6 // 10])
    cut = worklink("frameworks", "import", str(whole))
    assert cut.exit_code == 1 and "FATAL line " in cut.stderr and "nothing was stored" in cut.stderr
    whole.write_bytes(b"".join(data.splitlines(keepends=True)[:4]))  # cut at a line break
    trimmed = worklink("frameworks", "import", str(whole))
    assert trimmed.exit_code == 1 and "--allow-removals" in trimmed.stderr
    assert _rows(fresh_database_url) == before
    confirmed = worklink("frameworks", "import", "--allow-removals", str(whole))
    assert confirmed.exit_code == 0 and ": updated (4 items changed" in confirmed.stdout
