"""Which policy topics a document covers, and how sure that is, from what it says (not its file name).

In order of strength (the basis is kept in ``Document.topic_basis``):

1. ``explicit``: its metadata names the topic (``policy: access_control``);
2. ``title``: every topic its title names: "Data Classification and Encryption Standard" covers both; a
   longer name wins over the words inside it ("Third-Party Risk Management" is about vendors, not risk
   management), and "information security" qualifying another topic ("Information Security Incident
   Management") is not a topic of its own;
3. ``purpose``: when the title names none ("ISMS-POL-07", "Security Standard"), the topics its purpose or
   scope section names;
4. ``text``: when nothing above names one, the topic whose vocabulary clearly dominates the text (at least
   :data:`MIN_DENSITY_HITS` mentions and twice the next topic's);
5. ``section: <heading> (<where>)``: a chapter of a wider document whose heading is the topic ("4. Access
   Control", "Encryption of data at rest and in transit") and whose text uses the topic's vocabulary: a
   covered section, not the document's primary topic.

When the content names no topic and has no title of its own, the file name is read as the title it stands
for (basis ``file name``). Titles and headings are read in English, German, French, Spanish, Dutch and
Italian, compared without accents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trustgap.evidence.parsers._doc_text import DocBody, Heading
from trustgap.evidence.parsers._document_fields import fold

MIN_DENSITY_HITS = 5
MIN_SECTION_WORDS = 12
MIN_SECTION_HITS = 2

# topic -> phrases (regular expressions over folded text: lower case, no accents, "-" and "'" as spaces).
# Title phrases name the topic; VOCABULARY adds the words its text uses.
TITLE_PHRASES: dict[str, tuple[str, ...]] = {
    "acceptable_use": (r"\bacceptable use", r"\baup\b", r"nutzungsrichtlinie", r"\bit nutzung",
                       r"\bcharte informatique", r"\buso aceptable", r"\bgebruiksbeleid",
                       r"\buse of (?:it|company) (?:assets|resources|systems)"),
    "code_of_conduct": (r"\bcode of (?:business )?conduct", r"\bconduct\b", r"\bethics\b", r"verhaltenskodex",
                        r"\bcode de (?:conduite|deontologie)", r"\bcodigo de conducta", r"\bgedragscode",
                        r"\bcodice (?:etico|di condotta)"),
    "incident_response": (r"\bincident", r"sicherheitsvorfall", r"vorfallmanagement", r"\bvorfall",
                          r"\breponse aux incidents", r"\brespuesta a incidentes", r"\bincidentrespons",
                          r"\bbreach (?:response|notification)"),
    "business_continuity": (r"\bbusiness continuity", r"\bdisaster recovery", r"\bcontinuity", r"\bbcp\b", r"\bdrp\b",
                            r"\bbc ?/? ?dr\b", r"\bbackups?\b", r"\bbackup and (?:recovery|restore)",
                            r"notfall", r"geschaftsfortfuhrung", r"wiederanlauf", r"datensicherung",
                            r"\bcontinuite d activite", r"\bplan de reprise", r"\bcontinuidad de(?:l)? negocio",
                            r"\bbedrijfscontinuiteit", r"\bcontinuita operativa"),
    "vendor_management": (r"\bvendors?\b", r"\bthird part(?:y|ies)(?: risk)?", r"\bsuppliers?(?: risk)?",
                          r"\bvendor risk", r"\bsubprocessors?", r"\bservice providers?", r"lieferanten",
                          r"dienstleister", r"\bfournisseurs?", r"\bprestataires?", r"\bproveedores",
                          r"\bleveranciers", r"\bfornitori", r"\boutsourcing"),
    "vulnerability_management": (r"\bvulnerabilit", r"\bpatch(?:ing)? management", r"\bpatching\b",
                                 r"schwachstellen", r"patchmanagement", r"\bvulnerabilites", r"\bvulnerabilidades",
                                 r"\bkwetsbaarheden"),
    "secure_development": (r"\bsecure (?:software )?development", r"\bs?sdlc\b", r"\bsoftware development",
                           r"\bsecure coding", r"\bsecure engineering", r"\bsichere (?:software)?entwicklung",
                           r"softwareentwicklung", r"\bdeveloppement securise", r"\bdesarrollo seguro",
                           r"\bveilige ontwikkeling", r"\bapplication security"),
    "change_management": (r"\bchange (?:management|control)", r"\brelease management", r"anderungsmanagement",
                          r"\bchange management", r"\bgestion des changements", r"\bgestion de(?:l)? cambios?",
                          r"\bwijzigingsbeheer", r"\bgestione (?:delle )?modifiche"),
    "data_classification": (r"\bclassification", r"\bdata handling", r"\binformation handling",
                            r"klassifizierung", r"klassifikation", r"\bclasificacion", r"\bclassificatie",
                            r"\bclassificazione"),
    "data_retention": (r"\bretention", r"\bdisposal", r"\bdata destruction", r"\bdata deletion", r"aufbewahrung",
                       r"loschkonzept", r"loschung", r"\bconservation des donnees", r"\bretencion",
                       r"\bbewaartermijn", r"\bconservazione"),
    "privacy": (r"\bprivacy", r"\bdata protection", r"\bpersonal data", r"datenschutz", r"\bprotection des donnees",
                r"\bdonnees personnelles", r"\bvie privee", r"\bproteccion de datos", r"\bprivacidad",
                r"\bgegevensbescherming", r"\bprotezione dei dati", r"\bgdpr\b", r"\bdsgvo\b"),
    "encryption": (r"\bencryption", r"\bcryptograph", r"\bkey management", r"verschlusselung", r"kryptograph",
                   r"\bchiffrement", r"\bcryptographie", r"\bcifrado", r"\bcriptografia", r"\bversleuteling",
                   r"\bcrittografia"),
    "logging_monitoring": (r"\blogging", r"\bmonitoring", r"\baudit logs?", r"protokollierung", r"uberwachung",
                           r"\bjournalisation", r"\bsurveillance", r"\bregistro de eventos", r"\bmonitorizacion",
                           r"\blogbeheer"),
    "access_control": (r"\baccess (?:control|management)", r"\bidentity and access", r"\bidentity management",
                       r"\bpasswords?\b", r"\bauthentication", r"\buser access", r"\bprivileged access",
                       r"zugriffs(?:kontrolle|steuerung|verwaltung|management)", r"zugangs(?:kontrolle|steuerung)",
                       r"berechtigung", r"passwort", r"\bcontrole d acces", r"\bgestion des acces",
                       r"\bcontrol de acceso", r"\btoegangs(?:beheer|controle)", r"\bcontrollo (?:degli )?accessi"),
    "risk_management": (r"\brisk", r"risiko", r"\brisques?\b", r"\bgestion des risques", r"\briesgos?\b",
                        r"\brisicos?\b", r"\brischi"),
    "processing_specification": (r"\bprocessing specifications?", r"\bprocessing integrity",
                                 r"\bdata processing (?:specification|standard|rules)", r"\bsystem specification",
                                 r"verarbeitungsspezifikation"),
    "information_security": (r"\binformation security", r"\binfosec\b", r"\bisms\b", r"\bsecurity policy",
                             r"informationssicherheit", r"\bsecurite de l information",
                             r"\bseguridad de la informacion", r"\binformatiebeveiliging",
                             r"\bsicurezza delle informazioni", r"\bcybersecurity policy"),
}

# the words a topic's text uses (in addition to its title phrases)
VOCABULARY: dict[str, tuple[str, ...]] = {
    "acceptable_use": (r"\bpersonal use", r"\bcompany (?:devices|equipment|assets)", r"\bprohibited",
                       r"\bacceptable"),
    "code_of_conduct": (r"\bconflicts? of interest", r"\bharassment", r"\bbribery", r"\bwhistleblow", r"\bintegrity"),
    "incident_response": (r"\bescalat", r"\bcontainment", r"\beradicat", r"\bseverity", r"\bpost incident",
                          r"\bpostmortem", r"\btabletop", r"\bon call"),
    "business_continuity": (r"\brto\b", r"\brpo\b", r"\brecovery time", r"\brecovery point", r"\bfailover",
                            r"\brestore", r"\brecovery", r"\boutage", r"\bredundan"),
    "vendor_management": (r"\bsoc 2 report", r"\bdue diligence", r"\bdpa\b", r"\bcontract", r"\bonboarding of"),
    "vulnerability_management": (r"\bcve\b", r"\bcvss", r"\bscan", r"\bremediat", r"\bpenetration test",
                                 r"\bcritical (?:and|or) high"),
    "secure_development": (r"\bcode review", r"\bowasp", r"\bstatic analysis", r"\bsast\b", r"\bdependency",
                           r"\bsecrets? scanning", r"\bthreat model"),
    "change_management": (r"\bpull requests?", r"\bapprov", r"\bdeploy", r"\bemergency change", r"\brollback",
                          r"\bcab\b", r"\bchange request"),
    "data_classification": (r"\bconfidential\b", r"\brestricted\b", r"\binternal\b", r"\bpublic\b", r"\blabel",
                            r"\bsensitiv"),
    "data_retention": (r"\bdelet", r"\bpurg", r"\bdestroy", r"\bkept for", r"\bretained"),
    "privacy": (r"\bdata subjects?", r"\bconsent", r"\blawful basis", r"\bcontroller", r"\bprocessor"),
    "encryption": (r"\bencrypt", r"\btls\b", r"\baes\b", r"\bkms\b", r"\bat rest", r"\bin transit", r"\bkeys?\b",
                   r"\bcertificate"),
    "logging_monitoring": (r"\blogs?\b", r"\bsiem\b", r"\balert", r"\baudit trail", r"\bmonitor"),
    "access_control": (r"\bleast privilege", r"\bmfa\b", r"\bmulti factor", r"\bprovision", r"\bdeprovision",
                       r"\baccess reviews?", r"\bsingle sign on", r"\bsso\b", r"\brole based", r"\baccess rights",
                       r"\baccess\b"),
    "risk_management": (r"\blikelihood", r"\bimpact\b", r"\brisk register", r"\btreatment", r"\brisk appetite",
                        r"\bmitigat"),
    "processing_specification": (r"\binputs?\b", r"\boutputs?\b", r"\bvalidation", r"\breconcil", r"\bbatch"),
    "information_security": (r"\bsecurity\b", r"\bconfidentiality", r"\bintegrity", r"\bavailability"),
}

_TITLE = {k: tuple(re.compile(p) for p in v) for k, v in TITLE_PHRASES.items()}
_TEXT = {k: tuple(re.compile(p) for p in (*TITLE_PHRASES[k], *VOCABULARY.get(k, ()))) for k in TITLE_PHRASES}
_PURPOSE_HEADINGS = frozenset({
    "purpose", "scope", "purpose and scope", "scope and purpose", "introduction", "overview", "objective",
    "objectives", "policy statement", "zweck", "geltungsbereich", "anwendungsbereich", "zweck und geltungsbereich",
    "ziel", "ziele", "einleitung", "objet", "champ d application", "objectif", "objectifs", "proposito", "alcance",
    "objetivo", "doel", "reikwijdte", "toepassingsgebied", "scopo", "ambito di applicazione",
})
_FILLER = frozenset({
    "and", "&", "of", "the", "for", "policy", "policies", "standard", "standards", "procedure", "procedures",
    "management", "requirements", "controls", "control", "guidelines", "rules", "plan", "program", "programme",
    "process", "processes", "und", "der", "die", "das", "et", "de", "des", "la", "le", "les", "y", "del", "en",
    "van", "het", "e", "di", "della", "a", "an", "to", "in", "on", "with", "our", "at",
})


def _spaced(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("/", " / ").replace(".", " ").split())


def title_topics(title: str | None) -> list[str]:
    """Every topic a title names, in the order it names them (see the module docstring)."""
    if not title:
        return []
    text = _spaced(title[:300])
    spans: list[tuple[int, int, str]] = []
    for topic, patterns in _TITLE.items():
        for p in patterns:
            spans.extend((m.start(), m.end(), topic) for m in p.finditer(text))
    chosen: list[tuple[int, int, str]] = []
    for start, end, topic in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):  # longest first
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, topic))
    chosen.sort()
    topics: list[str] = []
    for n, (_, end, topic) in enumerate(chosen):
        if topic == "information_security" and n + 1 < len(chosen) and text[end:chosen[n + 1][0]].strip() == "":
            continue  # "information security incident management": the qualifier of the next topic
        if topic not in topics:
            topics.append(topic)
    return topics


def _content_words(text: str) -> list[str]:
    return [w for w in _spaced(text).split() if w not in _FILLER and not re.fullmatch(r"[\d.()/:-]+", w)]


def heading_topic(text: str) -> str | None:
    """The one topic a section heading is about ("4. Access Control", "Encryption of data at rest"), when
    most of its words (leaving out "and", "policy", "management" ...) are that topic's; None for "Roles",
    "Communication with vendors" or a heading naming two topics."""
    topics = title_topics(text)
    if len(topics) != 1:
        return None
    spaced = _spaced(text[:300])
    words = spaced.split()
    content = {n for n, w in enumerate(words) if w not in _FILLER and not re.fullmatch(r"[\d.()/:-]+", w)}
    if not content:
        return None
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    covered: set[int] = set()
    for p in _TEXT[topics[0]]:
        for m in p.finditer(spaced):
            covered.update(n for n, at in enumerate(starts) if m.start() <= at < m.end())
    return topics[0] if len(covered & content) * 5 >= len(content) * 3 else None


def hits(text: str, topic: str) -> int:
    """Mentions of a topic's title phrases and vocabulary in a text."""
    return _count(_spaced(text), topic)


def _count(spaced: str, topic: str) -> int:
    return sum(1 for p in _TEXT[topic] for _ in p.finditer(spaced))


def _section_text(body: DocBody, h: Heading, headings: list[Heading], limit: int = 400) -> str:
    later = [x.index for x in headings if x.index > h.index and x.level <= h.level]
    end = min([*later, h.index + limit, len(body.lines)])
    return "\n".join(body.lines[h.index + 1:end])


_PURPOSE_WORDS = re.compile(r"\b(?:this|the)[ \t]+(?:policy|document|standard|plan|procedure|guideline)\b|"
                            r"\b(?:purpose|scope|defines|sets out|describes|establishes|governs|covers)\b")


def purpose_text(body: DocBody) -> str:
    """The purpose / scope section; without one, the first paragraph after the title when it reads as a
    purpose statement ("This policy defines ...")."""
    headings = list(body.headings)
    for h in headings:
        if _spaced(re.sub(r"^[\d.\s]+", "", h.text)) in _PURPOSE_HEADINGS:
            return _section_text(body, h, headings, 40)
    start = headings[0].index + 1 if headings and headings[0].index < 5 else 0
    para: list[str] = []
    for line in body.lines[start:start + 60]:
        s = line.strip()
        if (not s and para) or s.startswith("#") or (para and body.unit == "paragraph"):
            break
        if s and not s.startswith("|") and ":" not in s[:30]:
            para.append(s)
    text = " ".join(para)[:2000]
    return text if _PURPOSE_WORDS.search(_spaced(text)) else ""


def _purpose_topics(text: str) -> list[str]:
    """Topics a purpose statement is about: "This policy sets out how access to systems is granted and
    reviewed" -> access_control. Only topics named by their title phrases count, most mentioned first."""
    spaced = _spaced(text)
    counts = {t: sum(1 for p in _TITLE[t] for _ in p.finditer(spaced)) for t in _TITLE}
    named = sorted((t for t, c in counts.items() if c), key=lambda t: -counts[t])
    if len(named) > 1 and "information_security" in named:
        named.remove("information_security")
    return named[:2]


def dominant_topic(text: str) -> str | None:
    spaced = _spaced(text[:200_000])  # folded once for all the topics
    counts = sorted(((_count(spaced, t), t) for t in _TEXT), reverse=True)
    (first, topic), (second, _) = counts[0], counts[1]
    return topic if first >= MIN_DENSITY_HITS and first >= 2 * second else None


def document_topics(*, explicit: Iterable[str], title: str | None, title_is_file_name: bool, body: DocBody,
                    extra_titles: Iterable[str | None] = (), file_title: str | None = None,
                    ) -> tuple[tuple[str, ...], dict[str, str]]:
    """(topics, basis per topic): the primary topics first, then the covered sections."""
    basis: dict[str, str] = {}

    def add(topics: Iterable[str], how: str) -> None:
        for t in topics:
            basis.setdefault(t, how)

    add(explicit, "explicit")
    if not title_is_file_name:
        add(title_topics(title), "title")
    for extra in extra_titles:
        if not basis:
            add(title_topics(extra), "title")
    if not basis:
        add(_purpose_topics(purpose_text(body)), "purpose")
    if not basis:
        add([t for t in [dominant_topic(body.text)] if t], "text")
    if not basis and title_is_file_name and file_title:
        add(title_topics(file_title), "file name")
    primary = list(basis)
    headings = list(body.headings)
    for h in headings[1:] if headings and headings[0].index < 5 else headings:
        topic = heading_topic(h.text)
        if topic is None or topic in basis:
            continue
        section = _section_text(body, h, headings)
        if len(section.split()) >= MIN_SECTION_WORDS and hits(section, topic) >= MIN_SECTION_HITS:
            basis[topic] = f"section: {h.text} ({body.where(h.index)})"
    sections = [t for t in basis if t not in primary]
    return tuple(primary + sections), basis
