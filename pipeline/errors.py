"""The one exception family for errors a user can cause (bad config, bad arguments, locked files).

Problems found inside a submitted workbook are data (see ``rules.Problem``), not exceptions.
"""

from __future__ import annotations


class BaoCaoError(Exception):
    """Base class: the CLI prints ``str(err)`` (Vietnamese, one line) and exits 1."""


class ConfigError(BaoCaoError):
    """config.toml is missing, malformed or inconsistent; the message names the key."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"Lỗi cấu hình tại khóa «{key}»: {message}")


class WorkspaceError(BaoCaoError):
    """The workspace folder lacks something it needs (config.toml, templates/...)."""


class OutputLockedError(BaoCaoError):
    """An output file cannot be replaced, usually because it is open in Word or Excel."""
