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
            raise InputError(path, f"not valid YAML: {exc.problem or exc}", line=line) from None
        except yaml.YAMLError as exc:
            raise InputError(path, f"not valid YAML: {exc}") from None

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
