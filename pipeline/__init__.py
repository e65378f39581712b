"""baocao: plan → forms → intake → aggregate → report."""

from __future__ import annotations

import logging
from functools import cache

# The library's log (a record that could not be read, a reading worker that died…) is for maintainers:
# shown only under `baocao --debug`, never as Python's bare «last resort» lines on a clerk's console.
logging.getLogger(__name__).addHandler(logging.NullHandler())


@cache
def package_version() -> str:
    """The installed package's version (read on first use: importlib.metadata costs ~50 ms at start-up)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("baocao")
    except PackageNotFoundError:  # running from a source tree without install
        return "0.0.0"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
