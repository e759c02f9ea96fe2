"""``worklink frameworks``: import, export, list, show, search and crosswalk frameworks."""

from __future__ import annotations

import json
import re
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

import click
from sqlalchemy.orm import Session

from competencies import browse, builtin, crosswalk, fetching, search
from competencies.exporting import FrameworkNotFound, load_package
from competencies.formats import case_json, csv_canvas, csv_moodle
from competencies.importing import ImportRejected, ImportReport, import_file, import_package
from competencies.importing.removals import DEFAULT_SHARE
from competencies.models import Framework
from competencies.package import FrameworkPackage
from competencies.paging import Page
from lti_tool.cli.context import database_session, load_config
from lti_tool.outbound.configured import client_for
from lti_tool.outbound.documents import document_fetcher

WRITERS: dict[str, Callable[[FrameworkPackage], bytes]] = {
    "case": lambda package: json.dumps(case_json.write(package), indent=2,
                                       ensure_ascii=False).encode(),
    "canvas-csv": csv_canvas.write,
    "moodle-csv": csv_moodle.write,
}
STAGES = ("read", "check", "items", "associations", "rubrics", "done")
"""The stages ``import_package`` reports through ``on_progress``, in order."""


class _RemovalGuard(TypedDict):
    """What a re-import may remove unconfirmed: the keyword arguments both import calls take."""

    allow_removals: bool
    removal_share: float


_PACKAGE_URL = re.compile(
    r"^(?P<base>https?://.+?)/ims/case/(?P<version>v1p[01])/CFPackages/(?P<id>[^/?#]+)/?$")


@click.group()
def frameworks() -> None:
    """Competency frameworks: academic standards, occupational skills, built-in lists."""


@frameworks.command("import")
@click.argument("source")
@click.option("--format", "fmt", help="The reader to use (default: by the file's extension).")
@click.option("--dry-run", is_flag=True, help="Read and check everything; store nothing.")
@click.option("--verbose", "-v", is_flag=True, help="List every deviation, not a summary.")
@click.option("--allow-removals", is_flag=True,
              help="Confirm that a re-import may retire or delete more than --removal-limit of "
                   "the framework's items (refused otherwise: a cut-off file looks like that).")
@click.option("--removal-limit", type=click.FloatRange(0, 100), default=100 * DEFAULT_SHARE,
              show_default=True, metavar="PERCENT",
              help="The share of a framework's items a re-import may remove unconfirmed.")
def import_(source: str, fmt: str | None, dry_run: bool, verbose: bool, allow_removals: bool,
            removal_limit: float) -> None:
    """Import a framework from FILE, or from a CASE provider's CFPackages URL."""
    guard: _RemovalGuard = {"allow_removals": allow_removals, "removal_share": removal_limit / 100}
    with database_session() as session, _progress_bar() as on_progress:
        try:
            if source.startswith(("http://", "https://")):
                package = _fetch(source)
                report = import_package(session, package, on_progress=on_progress, **guard)
            else:
                path = Path(source)
                if not path.is_file():
                    raise click.BadParameter(f"no file {source!r}", param_hint="SOURCE")
                report = import_file(session, path, fmt, on_progress, **guard)
        except ImportRejected as rejected:
            session.rollback()
            _echo_report(rejected.report, verbose, err=True)
            click.echo("import rejected: nothing was stored", err=True)
            sys.exit(1)
        except (LookupError, fetching.FetchError) as problem:
            raise click.ClickException(str(problem).strip("'\"")) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    _echo_report(report, verbose)
    if dry_run:
        click.echo("dry run: nothing was stored")


@frameworks.command("export")
@click.argument("identifier")
@click.option("--format", "fmt", type=click.Choice(sorted(WRITERS)), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write here instead of to standard output.")
def export(identifier: str, fmt: str, output: Path | None) -> None:
    """Export the framework IDENTIFIER (its identifier or title)."""
    with database_session() as session:
        framework = _framework(session, identifier)
        body = WRITERS[fmt](load_package(session, framework.identifier))
    if output is None:
        click.echo(body.decode("utf-8"), nl=False)
    else:
        output.write_bytes(body)
        click.echo(f"wrote {output} ({len(body):,} bytes, {fmt})", err=True)


@frameworks.command("list")
def list_() -> None:
    """Every framework: identifier, title, items, source format, licence."""
    with database_session() as session:
        for summary in browse.frameworks(session):
            click.echo("\t".join([summary.identifier, summary.title, f"{summary.item_count} items",
                                  summary.source_format or "-", summary.licence or "-"]))


@frameworks.command("show")
@click.argument("identifier")
@click.option("--item", "code", help="Show one item (its code or identifier) instead.")
@click.option("--limit", default=50, show_default=True, help="Entries per level shown.")
def show(identifier: str, code: str | None, limit: int) -> None:
    """The framework IDENTIFIER: what it is, whose it is, and its top level (or one item)."""
    with database_session() as session:
        framework = _framework(session, identifier)
        if code is not None:
            _show_item(session, framework.id, code, limit)
            return
        [summary] = [found for found in browse.frameworks(session)
                     if found.identifier == framework.identifier]
        for label, value in [
            ("title", framework.title), ("identifier", framework.identifier),
            ("creator", framework.creator), ("publisher", framework.publisher),
            ("jurisdiction", framework.jurisdiction),
            ("version", framework.version), ("licence", framework.licence),
            ("source", framework.source_url), ("format", framework.source_format),
            ("items", str(summary.item_count)),
            ("imported", f"{framework.imported_at:%Y-%m-%d %H:%M} UTC"),
        ]:
            if value:
                click.echo(f"{label + ':':<12}{value}")
        if framework.attribution:
            click.echo(f"\n{framework.attribution}")
        click.echo("\ntop level:")
        _echo_level(browse.top_level(session, framework.id, limit=limit))


@frameworks.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--framework", help="Only this framework (identifier or title).")
@click.option("--limit", default=20, show_default=True)
@click.option("--retired", is_flag=True, help="Include retired items.")
def search_(words: tuple[str, ...], framework: str | None, limit: int, retired: bool) -> None:
    """Items whose code starts with WORDS, or whose text holds all of WORDS."""
    with database_session() as session:
        framework_id = _framework(session, framework).id if framework else None
        page = search.search(session, " ".join(words), framework_id=framework_id,
                             include_retired=retired, limit=limit)
        for hit in page.entries:
            flag = " (retired)" if hit.retired else ""
            click.echo(f"{hit.code or hit.identifier}\t{_short(hit.statement)}{flag}\t"
                       f"{hit.framework_title}")
        if not page.entries:
            click.echo("nothing found", err=True)
        elif page.has_more:
            click.echo(f"… more than {limit}; narrow the search or raise --limit", err=True)


@frameworks.command("crosswalk")
@click.argument("code")
@click.option("--to", "to_framework", help="Only items in this framework (identifier or title).")
@click.option("--type", "types", multiple=True, help="Only this association type (repeatable).")
@click.option("--framework", help="The framework CODE is in, when several have it.")
def crosswalk_(code: str, to_framework: str | None, types: tuple[str, ...],
               framework: str | None) -> None:
    """Items associated with CODE (a code or identifier), in both directions."""
    with database_session() as session:
        target = _framework(session, to_framework).identifier if to_framework else None
        for item in _items(session, code, framework):
            label = item.code or item.identifier
            links = crosswalk.associated(session, item.item_id, to_framework=target,
                                         types=set(types) or None)
            if not links:
                click.echo(f"{label}: no associated items", err=True)
            for link in links:
                where = link.other_framework_title or link.other_framework_identifier or "?"
                missing = "" if link.other_item_id else " (not imported)"
                click.echo(f"{link.reads(label)}\t{_short(link.other_statement or '')}\t"
                           f"{where}{missing}")


@frameworks.command("builtin")
def builtin_() -> None:
    """Import the frameworks Worklink ships (Employability Skills, 2024 Career Clusters)."""
    with database_session() as session:
        # Shipped with Worklink: a new version that drops items means to.
        reports = [import_package(session, builtin.load(name), allow_removals=True)
                   for name in builtin.names()]
        session.commit()
    for report in reports:
        _echo_report(report, verbose=False)


def _fetch(url: str) -> FrameworkPackage:
    match = _PACKAGE_URL.match(url)
    if match is None:
        raise click.BadParameter(
            "a URL must be a CASE package: https://<provider>/ims/case/v1p1/CFPackages/<id>",
            param_hint="SOURCE")
    identifier = urllib.parse.unquote(match["id"])
    fetch = document_fetcher(client_for(load_config()))
    return fetching.fetch_package(fetch, match["base"], identifier, version=match["version"])


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    # On standard error, so standard output holds only the report.
    with click.progressbar(length=len(STAGES) - 1, label="reading", file=sys.stderr,
                           show_percent=False, show_eta=False) as bar:
        def on_progress(stage: str, done: int, total: int) -> None:
            place = STAGES.index(stage) if stage in STAGES else bar.pos
            bar.label = f"{stage} {done:,}/{total:,}" if total > 1 else stage
            bar.update(max(0, place - bar.pos))

        yield on_progress


def _echo_report(report: ImportReport, verbose: bool, *, err: bool = False) -> None:
    lines = report.summary()
    if verbose:
        lines = lines[:4] + [f"{'FATAL ' if d.fatal else ''}{d.where}: {d.message}"
                             for d in report.deviations]
    for line in lines:
        click.echo(line, err=err)


def _show_item(session: Session, framework_id: int, code: str, limit: int) -> None:
    [item] = _items(session, code, None, framework_id=framework_id)
    click.echo(f"{item.code or '-'}\t{item.statement}")
    click.echo(f"identifier: {item.identifier}" + ("  (retired)" if item.retired else ""))
    if item.item_type:
        click.echo(f"type:       {item.item_type}")
    trail = browse.ancestors(session, item.item_id)
    click.echo("parent:     " + (f"{trail[-1].code or trail[-1].identifier}  "
                                 f"{_short(trail[-1].statement)}" if trail else "(top level)"))
    if trail:
        click.echo("path:       " + " › ".join(node.code or _short(node.statement, 30)
                                             for node in trail))
    click.echo(f"children:   {item.child_count}")
    _echo_level(browse.children(session, item.item_id, limit=limit))
    links = crosswalk.associated(session, item.item_id)
    if links:
        click.echo("associations:")
        for link in links:
            where = link.other_framework_title or link.other_framework_identifier or "?"
            click.echo(f"  {link.reads(item.code or item.identifier)}\t{where}")


def _echo_level(page: Page[browse.Node]) -> None:
    for node in page.entries:
        below = f"\t({node.child_count} below)" if node.child_count else ""
        click.echo(f"  {node.code or '-'}\t{_short(node.statement)}{below}")
    if page.has_more:
        click.echo(f"  … more after {page.offset + len(page.entries)}")


def _framework(session: Session, key: str) -> Framework:
    try:
        return browse.find_framework(session, key)
    except FrameworkNotFound as missing:
        raise click.ClickException(str(missing).strip("'\"")) from None


def _items(session: Session, code: str, framework: str | None, *,
           framework_id: int | None = None) -> list[browse.Node]:
    if framework is not None:
        framework_id = _framework(session, framework).id
    found = browse.find_items(session, code, framework_id=framework_id, include_retired=True)
    if not found:
        raise click.ClickException(f"no item {code!r}")
    if framework_id is not None and len(found) > 1:
        raise click.ClickException(f"{len(found)} items have the code {code!r}; "
                                   "give the identifier")
    return found


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
