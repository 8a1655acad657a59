"""Load YAML keeping line numbers, and turn pydantic validation errors into file:line: field messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from trustgap.errors import InputError
from trustgap.evidence.limits import yaml_refusal


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:20]) + f"... ({len(value)} characters)"


def _checked(kind: str, construct: Any) -> Any:
    """A constructor that turns Python's ValueError (``2026-02-30``, ``2026-13-45``, a 5,000-digit number) into a
    YAML error at the value's line, instead of a traceback."""

    def build(loader: _Loader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{_shown(node.value)} is not a real {kind} ({exc})", node.start_mark) from None

    return build


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _checked("date", yaml.SafeLoader.construct_yaml_timestamp))
_Loader.add_constructor("tag:yaml.org,2002:int", _checked("number", yaml.SafeLoader.construct_yaml_int))
_Loader.add_constructor("tag:yaml.org,2002:float", _checked("number", yaml.SafeLoader.construct_yaml_float))

# Parse (compose) with libyaml when present, then build Python objects from the same node tree: one pass over
# the text, and the nodes keep the line numbers used in error messages.
_Composer: type = getattr(yaml, "CSafeLoader", _Loader)


class LocatedYaml:
    """Parsed YAML plus a way to find the line of a path of keys / indexes."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        try:
            self.node = yaml.compose(text, Loader=_Composer)
            refused = yaml_refusal(self.node)
            if refused is not None:  # checked on the node tree, before any alias is expanded into values
                raise InputError(path, refused, line=1)
            self.data = _Loader("").construct_document(self.node) if self.node is not None else None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            field = self._field_at(mark) if isinstance(exc, yaml.constructor.ConstructorError) else None
            problem = str(exc.problem or exc)
            message = problem if " is not a real " in problem else f"not valid YAML: {problem}"
            raise InputError(path, message, line=line, field=field) from None
        except yaml.YAMLError as exc:
            raise InputError(path, f"not valid YAML: {exc}") from None

    def _field_at(self, mark: Any) -> str | None:
        """The dotted path of keys / indexes to the value that starts at ``mark`` (for error messages)."""
        node = getattr(self, "node", None)
        if node is None or mark is None:
            return None
        stack: list[tuple[Any, tuple[str, ...]]] = [(node, ())]
        seen: set[int] = set()
        while stack:
            n, path = stack.pop()
            if id(n) in seen:
                continue
            seen.add(id(n))
            if n.start_mark.index == mark.index and path:
                return ".".join(path)
            if isinstance(n, yaml.MappingNode):
                stack.extend((v, (*path, str(k.value))) for k, v in n.value)
            elif isinstance(n, yaml.SequenceNode):
                stack.extend((v, (*path, str(i))) for i, v in enumerate(n.value))
        return None

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == str(part):
                        nxt = v
                        line = k.start_mark.line + 1
                        break
                if nxt is None:
                    return line
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line


def load_yaml(path: Path | str, text: str | None = None) -> LocatedYaml:
    p = Path(path)
    if text is None:
        try:
            text = p.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError(str(path), "file not found") from None
        except UnicodeDecodeError as exc:
            raise InputError(str(path), f"not UTF-8 text ({exc.reason})") from None
    return LocatedYaml(str(path), text)


def validation_error(doc: LocatedYaml, exc: Any, prefix: tuple[Any, ...] = ()) -> InputError:
    """First error of a pydantic ValidationError as an InputError with line and dotted field."""
    err = exc.errors()[0]
    loc = tuple(prefix) + tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    field = ".".join(str(p) for p in loc) or None
    msg = err["msg"]
    if err.get("input") is not None and err["type"] not in ("missing", "extra_forbidden"):
        shown = repr(err["input"])
        if len(shown) < 80:
            msg += f" (got {shown})"
    return InputError(doc.path, msg, line=doc.line_of(loc), field=field)
