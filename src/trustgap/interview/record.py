"""The question-keyed interview file: answers by question id, who gave them and when, and where the
conversation stands (so an interrupted interview resumes where it stopped).

It lives under one top-level ``_interview`` key, so the same YAML file may also hold control-keyed answers
(``trustgap.answers``), and each loader ignores the other's keys::

    _interview:
      version: 1
      organisation: Northwind Cloud
      answered_by: priya.raman@northwind.example   # default for answers without their own
      position: AC-08.last                         # the next question to ask
      completed: false
      order: [GOV-11.documented, AC-08.cadence]    # questions in the order they were asked
      skipped: [PRV-02.consent]
      answers:
        AC-08.cadence:
          value: quarterly
          answered_by: priya.raman@northwind.example
          answered_at: 2026-11-16
          evidence: [records/access-reviews.csv]    # paths, or "will provide" (an evidence request)
          note: tracked in the security tracker
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trustgap.errors import InputError
from trustgap.yamlfile import LocatedYaml, load_yaml, validation_error

KEY = "_interview"
FORMAT_VERSION = 1
_DONT_KNOW_WORDS = frozenset({"dont_know", "don't know", "dont know", "don't_know", "unknown", "?", "dk", "idk"})


def normalise_value(v: Any) -> str:
    """YAML turns yes/no into booleans and dates into dates: answers are kept as text."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v).strip()
    if s.lower() in _DONT_KNOW_WORDS:
        return "dont_know"
    return s


class AnswerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str
    answered_by: str | None = None
    answered_at: date | None = None
    evidence: list[str] = Field(default_factory=list)
    note: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v: Any) -> str:
        if v is None:
            raise ValueError("an answer needs a value")
        return normalise_value(v)

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence(cls, v: Any) -> list[str]:
        if v is None:
            return []
        return [v] if isinstance(v, str) else v


class InterviewRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = FORMAT_VERSION
    organisation: str | None = None
    answered_by: str | None = None
    as_of: date | None = None
    position: str | None = None
    completed: bool = False
    order: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    answers: dict[str, AnswerEntry] = Field(default_factory=dict)

    @field_validator("answers", mode="before")
    @classmethod
    def _answers(cls, v: Any) -> Any:
        if v is None:
            return {}
        if isinstance(v, dict):  # a bare value is shorthand for {value: ...}
            return {str(k): (x if isinstance(x, dict | AnswerEntry) else {"value": x}) for k, x in v.items()}
        return v

    @field_validator("version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != FORMAT_VERSION:
            raise ValueError(f"unsupported interview file version {v} (this trustgap reads {FORMAT_VERSION})")
        return v


def read_record(path: Path | str) -> tuple[InterviewRecord | None, LocatedYaml]:
    """The interview part of an answers file (None when the file has none)."""
    doc = load_yaml(path)
    if not isinstance(doc.data, dict) or KEY not in doc.data:
        return None, doc
    raw = doc.data[KEY]
    if raw is None:
        return InterviewRecord(), doc
    if not isinstance(raw, dict):
        raise InputError(str(path), f"'{KEY}' must be a mapping", line=doc.line_of((KEY,)), field=KEY)
    try:
        return InterviewRecord.model_validate(raw), doc
    except ValidationError as exc:
        raise validation_error(doc, exc, prefix=(KEY,)) from None


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # equal dates must not become &id001 anchors
        return True


def record_to_yaml(record: InterviewRecord, header: str = "") -> str:
    data = record.model_dump(exclude_none=True)  # dates stay dates (unquoted in YAML)
    for entry in data.get("answers", {}).values():
        if not entry.get("evidence"):
            entry.pop("evidence", None)
    body = yaml.dump({KEY: data}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return header + body


_HEADER_START = "# trustgap interview answers (question-keyed)."


def written_by_person(path: Path) -> bool:
    """True when ``path`` holds more than an interview file trustgap wrote: control-keyed answers, or comments
    of the person's own. Such a file is never rewritten (yaml would drop its comments); see
    :func:`save_path_for`."""
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    ours = text.startswith(_HEADER_START)
    comments = [ln for ln in text.splitlines() if ln.lstrip().startswith("#")]
    if comments and not ours or (ours and len(comments) > 3):
        return True
    try:
        data = load_yaml(path).data
    except InputError:
        return True  # a file we cannot read is certainly not ours to rewrite
    if data is None:
        return False
    return not isinstance(data, dict) or any(k != KEY for k in data)


def save_path_for(path: Path) -> Path:
    """Where the interview saves its answers when asked to save to ``path``: ``path`` itself, unless the person
    wrote it; then ``interview.yaml`` beside it (which ``trustgap assess`` reads too), or ``<name>.interview.yaml``."""
    for candidate in (path, path.with_name("interview.yaml"), path.with_name(f"{path.stem}.interview.yaml")):
        if not written_by_person(candidate):
            return candidate
    raise InputError(str(path), "this file and the files beside it hold answers written by hand; give the interview "
                                "a file of its own with --save-to")


def write_record(path: Path, record: InterviewRecord, keep_other_keys: bool = True) -> None:
    """Write atomically (temp file + rename): an interrupted save never leaves a half-written file.

    Control-keyed answers already in the file are kept (written after the interview block)."""
    header = ("# trustgap interview answers (question-keyed).\n"
              f"# Resume: trustgap interview FOLDER --save-to {path.name}\n"
              f"# Assess with them: trustgap interview FOLDER --answers {path.name} (or assess --answers)\n")
    text = record_to_yaml(record, header)
    if written_by_person(path):
        raise InputError(str(path), "holds answers or comments written by hand; trustgap does not rewrite it "
                                    f"(save the interview to {save_path_for(path).name})")
    if keep_other_keys and path.is_file():
        try:
            doc = load_yaml(path)
        except InputError:
            doc = None
        if doc is not None and isinstance(doc.data, dict):
            others = {k: v for k, v in doc.data.items() if k != KEY}
            if others:
                text += yaml.dump(others, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
