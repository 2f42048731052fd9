"""One exception hierarchy; the CLI maps it to exit codes (and nothing else does)."""
from __future__ import annotations

from pathlib import Path


class PQError(Exception):
    """Base class of every error pq_assistant raises on purpose."""

    exit_code = 1


class LoadError(PQError):
    """A file could not be read as a document. The message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFileType(LoadError):
    """The file's type is not one pq can read."""


class IndexError_(PQError):
    """The index is missing, inconsistent or was built differently (e.g. with another model)."""


class ModelMismatch(IndexError_):
    """The index was built with another embedding model than the one asked for."""


class IndexLocked(PQError):
    """Another process holds the index's write lock."""


class UsageError(PQError):
    """Bad arguments (unknown document, bad date, ...)."""

    exit_code = 2


class EmbeddingError(PQError):
    """The embedding backend could not be loaded."""
