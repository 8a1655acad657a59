"""What a run records about each evidence item: where it came from, the format it was read as and why, and the
errors met reading it. The evidence readers build these; the stored result (:mod:`trustgap.engine.models`)
holds them. They sit on the lowest floor so that reading evidence never imports the engine.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorInfo(_M):
    path: str
    line: int | None = None
    field: str | None = None
    message: str

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line is not None else "")
        return f"{where}: {'field ' + repr(self.field) + ': ' if self.field else ''}{self.message}"


class FormatScore(_M):
    """One format's score for a file (0..10) and why."""

    format: str
    title: str
    score: float
    reasons: list[str] = Field(default_factory=list)


class ColumnUse(_M):
    """A column taken for a field, with the evidence: header match, share of values of the expected shape."""

    column: str
    field: str
    score: float
    evidence: str
    sample: list[str] = Field(default_factory=list)


class SkippedRow(_M):
    line: int | None = None
    reason: str


class Understanding(_M):
    """What trustgap understood of one file: the format and why, the runners-up, the column -> field assignment,
    rows read and skipped, a few sample facts. Shown by ``trustgap inspect`` and in the report's evidence section."""

    format: str | None = None
    title: str | None = None
    score: float | None = None
    reasons: list[str] = Field(default_factory=list)
    bound: bool = False  # the scope file bound this file to its format
    runners_up: list[FormatScore] = Field(default_factory=list)
    table: str | None = None  # "sheet 'People', header on row 3"
    columns: list[ColumnUse] = Field(default_factory=list)
    unmapped: list[str] = Field(default_factory=list)  # columns no field took
    rows_read: int | None = None
    rows_skipped: int | None = None
    skipped: list[SkippedRow] = Field(default_factory=list)
    samples: list[str] = Field(default_factory=list)
    identities: dict[str, Any] | None = None  # resolved / unresolved identities, when the identity graph is run
    not_understood: str | None = None  # why no format reads it


class EvidenceItem(_M):
    sha256: str
    name: str
    source: str
    collected_at: str
    size: int
    format: str | None = None  # parser name
    format_title: str | None = None
    status: Literal["parsed", "parsed_with_errors", "failed", "not_recognised", "answers", "scope",
                    "format_spec"] = "parsed"
    errors: list[ErrorInfo] = Field(default_factory=list)
    facts: int = 0
    understanding: Understanding | None = None
