"""What the scanner-issue specs cannot say as a mapping (``snyk_issues`` in ``trustgap/evidence/formats/``): one
:class:`Vulnerability` per vulnerability issue (license issues are not vulnerabilities and are left out), its id the
CVE among the issue's problems when there is one (the Snyk id and the others become aliases), the package and version
from the first coordinate's dependency, the fix state from the coordinates' fix flags, first seen when Snyk created
the issue and fixed when it resolved it. Snyk watches continuously: an open issue was still present when exported.
An ignored issue stays open (an ignore is an accepted risk, not a fix)."""

from __future__ import annotations

from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.facts import Vulnerability

_FIX_FLAGS = ("is_upgradeable", "is_patchable", "is_pinnable", "is_fixable_snyk", "is_fixable_manually",
              "is_fixable_upstream")
_NOT_VULNERABILITIES = frozenset({"license"})


def _dependency(coordinates: Any) -> tuple[str | None, str | None]:
    for c in coordinates or []:
        for rep in (c.get("representations") or []) if isinstance(c, dict) else []:
            dep = rep.get("dependency") if isinstance(rep, dict) else None
            if isinstance(dep, dict) and dep.get("package_name"):
                return str(dep["package_name"]), (str(dep["package_version"]) if dep.get("package_version") else None)
    return None, None


@register_hook("snyk_issues")
def snyk_issues(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        if str(row.get("issue_type") or "").lower() in _NOT_VULNERABILITIES:
            continue
        created = row.get("created")
        if created is None:
            hc.skip(row, f"issue {row.get('key')}: no created_at, so its age cannot be told", "created")
            continue
        ids = [str(p["id"]) for p in row.get("problems") or () if isinstance(p, dict) and p.get("id")]
        cves = [i for i in ids if i.upper().startswith("CVE-")]
        vuln_id = cves[0] if cves else str(row.get("key"))
        package, version = _dependency(row.get("coordinates"))
        coordinates = [c for c in row.get("coordinates") or () if isinstance(c, dict)]
        fixable = any(c.get(flag) is True for c in coordinates for flag in _FIX_FLAGS)
        flagged = any(flag in c for c in coordinates for flag in _FIX_FLAGS)  # code issues carry no fix flags
        resolved = row.get("resolved") if str(row.get("status") or "").lower() == "resolved" else None
        out.append(Vulnerability(
            src=hc.ctx.src(row.locator), tool="snyk", target=str(row.get("project") or "snyk organisation"),
            vuln_id=vuln_id, package=package, installed_version=version, fixed_version=None,
            severity=str(row.get("severity") or "unknown"), first_seen=created,
            last_seen=resolved or row.get("updated") or created, fixed_at=resolved, title=row.get("title"),
            aliases=tuple(dict.fromkeys(i for i in [str(row.get("key")), *ids] if i != vuln_id)),
            fix_state=("fixed" if fixable else "not_fixed") if flagged else None,
        ))
    return out
