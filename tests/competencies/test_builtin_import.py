"""The built-in frameworks go through the real importer, twice, without a change the second time."""

from __future__ import annotations

import pytest

from competencies import builtin
from competencies.importing import import_package


@pytest.mark.parametrize("name", builtin.names())
def test_built_in_imports_cleanly_and_idempotently(db, name):
    package = builtin.load(name)
    first = import_package(db, package)
    assert first.items.created == len(package.items) and not first.fatal
    again = import_package(db, builtin.load(name))
    assert again.items.unchanged == len(package.items) and again.items.created == 0
