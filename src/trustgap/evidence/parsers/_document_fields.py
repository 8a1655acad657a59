"""Turning the metadata of a policy document (front matter, document properties, a "document control"
table in the text) into a :class:`~trustgap.facts.Document`.

Field names vary between templates ("approved_on", "Approval date", "Date approved"); :data:`FIELD_ALIASES`
lists the accepted spellings per field, compared with :func:`~trustgap.evidence.tabular.norm_header`.
The policy topic (``Document.policy_key``) comes from an explicit ``policy:`` value when it names a known
key, else from keywords in the title, else in the file name (:data:`POLICY_KEYWORDS`, first match wins, so
the more specific topics come first).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from trustgap.dates import DateParseError, parse_date
from trustgap.evidence.parsers._doc_text import label_values
from trustgap.evidence.tabular import norm_header

POLICY_KEYS = (
    "information_security", "acceptable_use", "access_control", "change_management", "incident_response",
    "vendor_management", "data_classification", "business_continuity", "encryption", "logging_monitoring",
    "secure_development", "risk_management", "vulnerability_management", "code_of_conduct", "data_retention",
    "privacy", "processing_specification",
)

def fold(text: str) -> str:
    """Lower case without accents or umlauts ("Nächste Überprüfung" -> "nachste uberprufung"), apostrophes
    and hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("'", " ").replace("’", " ").replace("-", " ").split())


FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "document_title", "policy_title", "policy_name", "document_name", "titel", "titre", "titulo"),
    "owner": ("owner", "policy_owner", "document_owner", "owned_by", "responsible", "responsible_party",
              "verantwortlich", "verantwortliche", "verantwortlicher", "dokumentenverantwortlich",
              "dokumentenverantwortlicher", "eigentumer", "eigentuemer", "proprietaire", "responsable", "propietario",
              "eigenaar", "proprietario", "responsabile", "dono"),
    "version": ("version", "document_version", "policy_version", "version_number", "fassung", "versionsnummer",
                "versie", "versione", "versao", "revision", "rev"),
    "approved_on": ("approved_on", "approved", "approval_date", "approved_date", "date_approved", "approved_at",
                    "date_of_approval", "approval", "approved_on_date", "freigegeben_am", "genehmigt_am",
                    "freigabedatum", "freigabe", "genehmigungsdatum", "date_d_approbation", "approuve_le",
                    "fecha_de_aprobacion", "aprobado_el", "goedgekeurd_op", "datum_goedkeuring", "approvato_il",
                    "data_di_approvazione", "data_de_aprovacao", "sign_off_date", "signed_off_on"),
    "approved_by": ("approved_by", "approver", "approvers", "approving_authority", "freigegeben_von",
                    "freigegeben_durch", "genehmigt_von", "genehmigt_durch", "freigabe_durch", "approuve_par",
                    "approuvee_par", "aprobado_por", "aprobada_por", "goedgekeurd_door", "approvato_da",
                    "aprovado_por", "signed_off_by", "sign_off"),
    "last_reviewed": ("last_reviewed", "reviewed", "last_review", "last_review_date", "reviewed_on", "review_date",
                      "last_reviewed_on", "reviewed_date", "date_reviewed", "last_reviewed_date", "last_updated",
                      "updated", "last_revised", "revised", "revised_on", "date_of_last_review",
                      "zuletzt_uberpruft", "zuletzt_geprueft", "zuletzt_gepruft", "letzte_uberprufung",
                      "letzte_ueberpruefung", "letzte_prufung", "uberpruft_am", "gepruft_am", "aktualisiert",
                      "zuletzt_aktualisiert", "derniere_revue", "derniere_revision", "revise_le",
                      "mis_a_jour_le", "derniere_mise_a_jour", "ultima_revision", "revisado_el",
                      "ultima_actualizacion", "actualizado", "laatst_herzien", "laatst_bijgewerkt",
                      "ultima_revisione", "ultimo_aggiornamento", "ultima_atualizacao"),
    "effective_date": ("effective_date", "effective", "effective_on", "effective_from", "date_effective",
                       "gultig_ab", "gueltig_ab", "in_kraft_seit", "in_kraft_ab", "date_d_effet",
                       "date_d_entree_en_vigueur", "en_vigueur_le", "fecha_de_vigencia", "vigente_desde",
                       "en_vigor_desde", "ingangsdatum", "van_kracht", "in_vigore_dal", "data_di_entrata_in_vigore"),
    "next_review": ("next_review", "next_review_date", "review_by", "next_review_on", "review_due",
                    "next_review_due", "nachste_uberprufung", "naechste_ueberpruefung", "nachste_prufung",
                    "wiedervorlage", "uberprufung_bis", "prochaine_revue", "prochaine_revision", "proxima_revision",
                    "volgende_herziening", "volgende_review", "prossima_revisione", "proxima_revisao"),
    "status": ("status", "document_status", "policy_status", "state", "statut", "estado", "stato", "dokumentstatus"),
    "policy": ("policy", "policy_key", "policy_id", "policy_topic", "topic"),
    "doc_type": ("doc_type", "document_type", "kind"),
}
DATE_FIELDS = ("approved_on", "last_reviewed", "effective_date", "next_review")
DOC_TYPES = ("policy", "procedure", "plan", "standard", "guideline")
# Labels read from free text ("Owner: Jane"): not the ambiguous ones.
_TEXT_FIELDS = {"owner", "version", "approved_on", "approved_by", "last_reviewed", "effective_date", "next_review",
                "status"}
# Written statuses (any of these languages) -> the status trustgap records. A "Status:" line in free text
# counts only when it starts with one of these (prose may start with "Status:" too).
STATUS_WORDS: dict[str, str] = {
    **{w: "approved" for w in ("approved", "freigegeben", "genehmigt", "verabschiedet", "approuve", "approuvee",
                               "valide", "validee", "aprobado", "aprobada", "goedgekeurd", "approvato", "approvata",
                               "aprovado", "aprovada", "signed off")},
    **{w: "published" for w in ("published", "veroffentlicht", "publie", "publiee", "publicado", "publicada",
                                "gepubliceerd", "pubblicato")},
    **{w: "active" for w in ("active", "aktiv")},
    **{w: "final" for w in ("final", "finalised", "finalized", "definitiv", "definitief", "definitivo")},
    **{w: "in effect" for w in ("effective", "in effect", "current", "gultig", "in kraft", "en vigueur", "vigente",
                                "en vigor", "van kracht", "in vigore")},
    **{w: "draft" for w in ("draft", "entwurf", "brouillon", "projet", "borrador", "concept", "bozza", "rascunho",
                            "wip", "work in progress")},
    **{w: "in review" for w in ("in review", "under review", "for review", "in prufung", "in uberprufung",
                                "in bearbeitung", "zur prufung", "zur freigabe", "en revision", "en cours de revision",
                                "en revue", "in revisione", "in beoordeling", "em revisao", "pending review")},
    **{w: "pending approval" for w in ("pending approval", "awaiting approval", "proposed", "submitted",
                                       "pending", "freigabe ausstehend", "en attente d approbation",
                                       "pendiente de aprobacion")},
    **{w: "retired" for w in ("retired", "deprecated", "superseded", "archived", "obsolete", "withdrawn",
                              "ersetzt", "archiviert", "aufgehoben", "remplace", "archive", "obsoleto")},
}
KNOWN_STATUSES = frozenset(STATUS_WORDS)
_BY_ALIAS = {norm_header(fold(a)): canon for canon, names in FIELD_ALIASES.items() for a in names}


def status_of(value: str) -> str | None:
    """The status a written value states ("Approved (v2)", "Entwurf", "In Prüfung"), or None."""
    words = fold(value).replace("_", " ")
    for n in (4, 3, 2, 1):
        head = " ".join(words.split(" ")[:n]).strip(" .,;:()[]")
        if head in STATUS_WORDS:
            return STATUS_WORDS[head]
    return None


POLICY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("acceptable_use", (r"acceptable[\s_-]+use", r"\baup\b")),
    ("code_of_conduct", (r"code[\s_-]+of[\s_-]+(business[\s_-]+)?conduct", r"\bconduct\b", r"\bethics\b")),
    ("incident_response", (r"incident",)),
    ("business_continuity", (r"business[\s_-]+continuity", r"disaster[\s_-]+recovery", r"continuity",
                             r"\bbcp\b", r"\bdrp\b", r"\bbc[\s_/-]*dr\b", r"\bbackups?\b")),
    ("vendor_management", (r"vendor", r"third[\s_-]*part(y|ies)", r"supplier")),
    ("vulnerability_management", (r"vulnerabilit", r"patch[\s_-]+management")),
    ("secure_development", (r"secure[\s_-]+(software[\s_-]+)?development", r"\bs?sdlc\b",
                            r"software[\s_-]+development", r"secure[\s_-]+coding")),
    ("change_management", (r"change[\s_-]+(management|control)",)),
    ("data_classification", (r"classification", r"data[\s_-]+handling")),
    ("data_retention", (r"retention", r"disposal", r"data[\s_-]+destruction")),
    ("privacy", (r"privacy",)),
    ("encryption", (r"encryption", r"cryptograph", r"key[\s_-]+management")),
    ("logging_monitoring", (r"logging", r"monitoring", r"audit[\s_-]+log")),
    ("access_control", (r"access[\s_-]+(control|management)", r"identity", r"password", r"authentication")),
    ("risk_management", (r"\brisk",)),
    ("information_security", (r"information[\s_-]+security", r"\binfosec\b", r"\bisms\b", r"security[\s_-]+policy")),
)
_COMPILED = tuple((key, tuple(re.compile(p, re.I) for p in pats)) for key, pats in POLICY_KEYWORDS)


def canonical_field(label: str) -> str | None:
    """The document field a label names ("Approval Date", "approved_on", "LastReviewed", "Freigegeben am"),
    or None."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", label[:80])  # camelCase PDF / custom property names
    return _BY_ALIAS.get(norm_header(fold(split))) or _BY_ALIAS.get(norm_header(fold(label[:80])))


def policy_key_from_text(*texts: str | None) -> str | None:
    """The first policy topic whose keywords appear in the first text that has any."""
    for text in texts:
        if not text:
            continue
        spaced = re.sub(r"[_\-.]+", " ", text)
        for key, patterns in _COMPILED:
            if any(p.search(spaced) for p in patterns):
                return key
    return None


def explicit_policy_key(value: object) -> str | None:
    """A ``policy:`` value as a known key ("access_control", "Access Control" -> access_control)."""
    if not isinstance(value, str) or not value.strip():
        return None
    norm = norm_header(value)
    if norm in POLICY_KEYS:
        return norm
    return policy_key_from_text(value)


def doc_type_from(value: object, title: str) -> str:
    if isinstance(value, str) and value.strip().lower() in DOC_TYPES:
        return value.strip().lower()
    words = set(re.findall(r"[a-z]+", title.lower()))
    for kind in ("plan", "procedure", "standard", "guideline"):
        if kind in words or kind + "s" in words:
            return kind
    return "policy"


def title_from_filename(path: str) -> str:
    stem = PurePosixPath(path.replace("\\", "/")).stem
    words = re.sub(r"[_\-.]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else path


def labelled_values(lines: Iterable[str], limit: int = 120) -> dict[str, str]:
    """``Label: value`` pairs (or two-column table rows) in the first ``limit`` lines, by canonical field."""
    out: dict[str, str] = {}
    for _, label, raw in label_values(lines, limit):
        canon = canonical_field(label)
        value = raw.strip()
        if canon == "status" and status_of(value) is None:
            continue
        if canon in _TEXT_FIELDS and value and canon not in out:
            out[canon] = value
    return out


def table_values(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Two-cell table rows (label, value) of a document control table, by canonical field."""
    out: dict[str, str] = {}
    for label, value in rows:
        canon = canonical_field(label)
        if canon in _TEXT_FIELDS and value.strip() and canon not in out:
            out[canon] = value.strip()
    return out


def as_date(value: Any) -> date | None:
    """A date from a metadata value; None when absent; DateParseError when it is not a date."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        raise DateParseError(f"not a date: {value!r}")
    try:
        return parse_date(value)
    except DateParseError:
        month = _month_only(value)
        if month is None:
            raise
        return month


_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"), start=1)}


def _month_only(value: Any) -> date | None:
    """'March 2027', 'Mar 2027', '2027-03', '03/2027' -> the first day of that month (documents often give
    review dates to the month; the first day is the conservative reading for staleness)."""
    text = str(value).strip().lower().rstrip(".")
    m = re.fullmatch(r"([a-z]{3,9})\.?,?\s+(\d{4})", text)
    if m:
        month = next((n for name, n in _MONTHS.items() if name.startswith(m.group(1)) and len(m.group(1)) >= 3),
                     None)
        return date(int(m.group(2)), month, 1) if month else None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})", text)
    if m:
        year, mon = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        return date(int(year), int(mon), 1) if 1 <= int(mon) <= 12 else None
    return None


def text_value(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = str(value)
    s = str(value).strip()
    return s or None


def resolve_status(status: str | None, approved_on: date | None, approved_flag: bool | None,
                   approved_by: str | None, has_metadata: bool) -> str | None:
    """Status as written (lower-cased); else "approved" when an approval is recorded; else "draft" when the
    document carries metadata but no approval; else None (the source does not say)."""
    if status:
        return status_of(status) or status.strip().lower()
    if approved_on is not None or approved_flag is True or approved_by:
        return "approved"
    if approved_flag is False or has_metadata:
        return "draft"
    return None


def merge(primary: Mapping[str, Any], *fallbacks: Mapping[str, Any]) -> dict[str, Any]:
    """Field values from ``primary``, gaps filled from the fallbacks in order."""
    out = dict(primary)
    for fb in fallbacks:
        for k, v in fb.items():
            if out.get(k) in (None, "") and v not in (None, ""):
                out[k] = v
    return out
