"""Errors that name the file and the line or field at fault."""

from __future__ import annotations


class TrustgapError(Exception):
    """Base for errors shown to the user as one clear line (no traceback)."""


class InputError(TrustgapError):
    """A bad input file: names the file and the line and/or field."""

    def __init__(self, path: str, message: str, line: int | None = None, field: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "field": self.field, "message": self.message}
