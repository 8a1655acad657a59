"""Tables inside documents that are evidence of their own: retention schedules and records of processing.

* A **retention schedule** table (in a retention policy, standard or schedule, or any document): a data
  class column ("Data class", "Record type", "Datenkategorie", "Catégorie de données") and a retention
  column ("Retention", "Retention period", "Keep for", "Aufbewahrungsfrist", "Durée de conservation"),
  optionally the disposal method and the system. One :class:`~trustgap.facts.RetentionRule` per row;
  the period in days when it is a fixed period ("7 years", "400 days", "24 Monate", "30 days after contract
  end"), else None with the text kept ("for the duration of the contract", "indefinitely").
* A **record of processing activities** (GDPR Art. 30) written as a table: the activity column
  ("Processing activity", "Verarbeitungstätigkeit", "Traitement", "Actividad de tratamiento") with at least
  two of purpose, lawful basis, data categories, data subjects, recipients, transfers, safeguard, retention.
  One :class:`~trustgap.facts.ProcessingActivity` per row; an empty lawful basis or safeguard stays None
  (the record does not state it), a transfer column saying "No" / "None" gives no transfers.

Headers are compared without accents, case or punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from trustgap.evidence.parsers._doc_text import DocBody, Table
from trustgap.evidence.parsers._document_fields import fold
from trustgap.facts import ProcessingActivity, RetentionRule, Src

_RETENTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "data_class": ("data class", "data classes", "data category", "data type", "record type", "records",
                   "category", "information type", "data", "data set", "dataset", "record", "document type",
                   "datenkategorie", "datenart", "daten", "kategorie", "categorie de donnees", "type de donnees",
                   "categoria de datos", "tipo de datos", "gegevenscategorie", "soort gegevens", "categoria di dati"),
    "period": ("retention", "retention period", "keep for", "kept for", "retained for", "retention time",
               "how long", "period", "aufbewahrungsfrist", "aufbewahrung", "speicherdauer", "loschfrist",
               "duree de conservation", "conservation", "plazo de conservacion", "conservacion", "periodo de retencion",
               "bewaartermijn", "periodo di conservazione"),
    "disposal": ("disposal", "disposal method", "deletion", "deletion method", "destruction", "how disposed",
                 "method of disposal", "loschung", "loschmethode", "vernichtung", "suppression",
                 "methode de suppression", "destruction method", "eliminacion", "metodo de eliminacion",
                 "vernietiging", "smaltimento"),
    "system": ("system", "systems", "location", "storage", "where stored", "stored in", "speicherort", "ablage",
               "emplacement", "ubicacion", "opslaglocatie"),
}
_ROPA_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("processing activity", "activity", "processing", "process", "name of processing", "processing operation",
             "verarbeitungstatigkeit", "verarbeitung", "traitement", "activite de traitement", "finalite du traitement",
             "actividad de tratamiento", "tratamiento", "verwerkingsactiviteit", "attivita di trattamento"),
    "purpose": ("purpose", "purposes", "purpose of processing", "zweck", "zwecke", "finalite", "finalidad",
                "doel", "doeleinden", "finalita"),
    "lawful_basis": ("lawful basis", "legal basis", "legal ground", "basis", "rechtsgrundlage", "base legale",
                     "base juridica", "base legal", "rechtsgrond", "grondslag", "base giuridica"),
    "data_categories": ("data categories", "personal data categories", "categories of personal data",
                        "personal data", "data", "datenkategorien", "kategorien personenbezogener daten",
                        "categories de donnees", "categorias de datos", "categorieen persoonsgegevens"),
    "data_subjects": ("data subjects", "categories of data subjects", "subjects", "betroffene",
                      "betroffene personen", "kategorien betroffener personen", "personnes concernees",
                      "interesados", "betrokkenen"),
    "recipients": ("recipients", "recipient", "shared with", "processors", "third parties", "empfanger",
                   "destinataires", "destinatarios", "ontvangers", "destinatari"),
    "transfers": ("third country transfer", "third country transfers", "transfers", "transfer",
                  "international transfers", "transfer outside eea", "transfers outside the eea", "drittland",
                  "drittlandubermittlung", "ubermittlung in drittlander", "transferts", "transfert hors ue",
                  "transferencias internacionales", "doorgifte", "trasferimenti"),
    "transfer_safeguard": ("transfer safeguard", "safeguard", "safeguards", "transfer mechanism", "mechanism",
                           "garantien", "geeignete garantien", "garanties", "garantias", "waarborgen", "garanzie"),
    "retention": ("retention", "retention period", "speicherdauer", "loschfrist", "duree de conservation",
                  "plazo de conservacion", "bewaartermijn"),
    "owner": ("owner", "responsible", "verantwortlich", "responsable", "eigenaar"),
}
_NO = frozenset({"", "no", "none", "n/a", "na", "-", "nein", "keine", "non", "aucun", "aucune", "ninguna", "ninguno",
                 "nee", "geen", "nessuno"})
_PERIOD = re.compile(r"(\d{1,4})[ \t]*(years?|yrs?|months?|weeks?|days?|jahre?n?|monate?n?|wochen?|tage?n?|ans?|"
                     r"annees?|mois|semaines?|jours?|anos?|meses|semanas|dias|jaar|jaren|maanden|weken|dagen|"
                     r"anni|mesi|settimane|giorni)(?![a-z])")
_UNIT_DAYS = ((("year", "yr", "jahr", "an", "jaar", "anni", "ano"), 365),
              (("month", "monat", "mois", "mes", "maand"), 30),
              (("week", "woche", "semaine", "semana", "weken", "settiman"), 7),
              (("day", "tag", "jour", "dia", "dag", "giorn"), 1))


def _label(cell: str) -> str:
    return " ".join(fold(cell).replace("_", " ").replace("/", " ").strip(" :*.#").split())


def _columns(header: tuple[str, ...], names: dict[str, tuple[str, ...]]) -> dict[str, int]:
    cols: dict[str, int] = {}
    labels = [_label(c) for c in header]
    for field, aliases in names.items():
        for k, label in enumerate(labels):
            if label in aliases and k not in cols.values():
                cols[field] = k
                break
    return cols


def period_days(text: str) -> int | None:
    """Days of a fixed retention period ("7 years" -> 2555, "24 Monate" -> 720, "400 days"); None otherwise."""
    low = fold(text[:200])
    m = _PERIOD.search(low)
    if m is None:
        return None
    unit = m.group(2)
    per = next((days for prefixes, days in _UNIT_DAYS if unit.startswith(prefixes)), None)
    return int(m.group(1)) * per if per else None


def _cells(table: Table, n: int, cols: dict[str, int]) -> dict[str, str]:
    row = table.rows[n]
    return {f: row[k].strip() for f, k in cols.items() if k < len(row) and row[k].strip()}


def retention_rules(body: DocBody, src: Callable[[str], Src]) -> list[RetentionRule]:
    out: list[RetentionRule] = []
    for table in body.tables:
        cols = _columns(table.rows[0], _RETENTION_COLUMNS)
        if "data_class" not in cols or "period" not in cols or "lawful_basis" in _columns(table.rows[0], _ROPA_COLUMNS):
            continue
        for n in range(1, len(table.rows)):
            cells = _cells(table, n, cols)
            if not cells.get("data_class") or not cells.get("period"):
                continue
            out.append(RetentionRule(src=src(body.where(table.line_of(n))), data_class=cells["data_class"],
                                     period_days=period_days(cells["period"]), period_text=cells["period"],
                                     disposal=cells.get("disposal"), system=cells.get("system")))
    return out


def _items(value: str | None) -> tuple[str, ...]:
    if not value or fold(value) in _NO:
        return ()
    return tuple(p.strip() for p in re.split(r"[;,\n]", value[:1000]) if p.strip())


def _transfers(value: str | None) -> tuple[str, ...]:
    """"Yes (United States)" -> ("United States",); "No" -> (); "USA; India" -> ("USA", "India")."""
    if not value or fold(value) in _NO:
        return ()
    inner = re.search(r"\(([^()]{1,200})\)", value)
    head = fold(value.split("(")[0]).strip()
    if inner and head in ("yes", "ja", "oui", "si", "sí"):
        return _items(inner.group(1))
    if head in ("yes", "ja", "oui", "si"):
        return ("unspecified",)
    return _items(value)


def processing_activities(body: DocBody, src: Callable[[str], Src]) -> list[ProcessingActivity]:
    out: list[ProcessingActivity] = []
    for table in body.tables:
        cols = _columns(table.rows[0], _ROPA_COLUMNS)
        described = {"purpose", "lawful_basis", "data_categories", "data_subjects", "recipients", "transfers",
                     "transfer_safeguard"} & set(cols)
        if "name" not in cols or len(described) < 2 or "lawful_basis" not in cols and "purpose" not in cols:
            continue
        for n in range(1, len(table.rows)):
            c = _cells(table, n, cols)
            if not c.get("name"):
                continue
            safeguard = c.get("transfer_safeguard")
            basis = c.get("lawful_basis")
            fields: dict[str, Any] = {
                "purpose": c.get("purpose"),
                "lawful_basis": None if basis is None or fold(basis) in _NO else basis,
                "data_categories": _items(c.get("data_categories")),
                "data_subjects": _items(c.get("data_subjects")),
                "recipients": _items(c.get("recipients")),
                "transfers": _transfers(c.get("transfers")),
                "transfer_safeguard": None if safeguard is None or fold(safeguard) in _NO else safeguard,
                "retention": c.get("retention"),
                "owner": c.get("owner"),
            }
            out.append(ProcessingActivity(src=src(body.where(table.line_of(n))), name=c["name"], **fields))
    return out


_ROPA_TITLE = re.compile(r"\brecords? of processing|\bropa\b|\bprocessing (?:register|inventory|records?)\b|"
                         r"verzeichnis (?:von|der) verarbeitungstatigkeiten|verarbeitungsverzeichnis|"
                         r"\bregistre des (?:activites de )?traitements?|"
                         r"\bregistro de (?:las )?actividades de tratamiento|"
                         r"\bverwerkingsregister|\bregistro dei trattamenti")


def is_processing_register(title: str | None) -> bool:
    """The document is a record of processing activities itself (not a policy containing one)."""
    return bool(title) and bool(_ROPA_TITLE.search(" ".join(fold(title or "").split())))
