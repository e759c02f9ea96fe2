"""The sample frameworks the demo imports: Common Core math and O*NET, small and openly licensed.

The files are subsets kept in ``competencies/data/samples`` with their licences (``NOTICE``)
and their provenance (``README.md``). A framework already present is left alone: a second
start adds nothing, and a school that imported the whole framework keeps it whole (the sample
would otherwise look like a cut-off re-import of it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies import builtin
from competencies.formats import onet
from competencies.importing import ImportReport, import_file, import_package
from competencies.models import Framework

CCSS_MATH = "http://purl.org/ASN/resources/D10003FB"
"""The identifier the Common Core math package gives its CFDocument (an ASN URI)."""
ONET_RELEASE = "30.3"
"""The newest O*NET release in the sample (Task Statements); it goes into the credit line."""
CCSS_NOTICE = ("© Copyright 2010. National Governors Association Center for Best Practices and "
               "Council of Chief State School Officers. All rights reserved.")
"""The notice the CCSS Public License asks every display of the standards to carry."""
CCSS_LICENCE = "Common Core State Standards Public License (http://www.corestandards.org/public-license)"
_ONET_FILES = ("onet-occupations.csv", "onet-task-statements.txt", "onet-skills.txt")

FRAMEWORK_KEYS = {"ccss-math": CCSS_MATH, "onet": onet.FRAMEWORK_ID,
                  **{name: builtin.identifier(name, "") for name in builtin.names()}}
"""Short names the shipped task templates use for the frameworks they align to."""


def import_samples(session: Session) -> list[ImportReport]:
    """Import the samples that are not there yet; the caller commits."""
    reports: list[ImportReport] = []
    present = set(session.scalars(select(Framework.identifier).where(
        Framework.identifier.in_([CCSS_MATH, onet.FRAMEWORK_ID]))))
    with _files() as folder:
        if CCSS_MATH not in present:
            reports.append(import_file(session, folder / "ccss-math-sample.json"))
            # The 2016 export names no licence; the standards' own licence asks for the notice.
            ccss = session.scalars(select(Framework).where(Framework.identifier == CCSS_MATH)).one()
            ccss.attribution = ccss.attribution or CCSS_NOTICE
            ccss.licence = ccss.licence or CCSS_LICENCE
        if onet.FRAMEWORK_ID not in present:
            package = onet.read_files([folder / name for name in _ONET_FILES],
                                      release=ONET_RELEASE)
            reports.append(import_package(session, package))
    return reports


@contextmanager
def _files() -> Iterator[Path]:
    with ExitStack() as stack:
        yield stack.enter_context(resources.as_file(
            resources.files("competencies").joinpath("data", "samples")))
