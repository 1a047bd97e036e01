"""The CloudSpyError tree and the exit codes it maps to.

Library code raises these; only the CLI entry point turns them into exit codes
(DESIGN.md §4), so programs that import :mod:`cloudspy` get exceptions, never
``sys.exit``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, a documented contract for CI scripts."""

    OK = 0
    LIMIT_BREACHED = 1
    USAGE = 2
    RUNTIME = 3


class CloudSpyError(Exception):
    """Base of every error CloudSpy reports to the user as one line.

    ``hint`` says what to do about it; it is printed after the message.
    """

    exit_code: ExitCode = ExitCode.RUNTIME

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and hint as the single line shown on stderr."""
        text = self.message.rstrip(".")
        return f"{text}; {self.hint}" if self.hint else text


class UsageError(CloudSpyError):
    """The user asked for something malformed: a bad period, flag or value."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """The config file cannot be read or holds unknown or invalid settings."""


class StoreError(CloudSpyError):
    """The local cache cannot be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the cache's write lock beyond the bounded wait."""


class NoDataError(CloudSpyError):
    """The cache cannot answer the question (no data, or not at that grain)."""


class ProviderError(CloudSpyError):
    """A cloud API failed: network, throttling beyond retries, a provider error."""


class CredentialsError(ProviderError):
    """A provider's credentials are missing, expired or refused."""


class ImportFileError(CloudSpyError):
    """A file given to ``cloudspy import`` cannot be read or is not of the format."""
