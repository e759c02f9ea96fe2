"""Achievement Standards Network (ASN) RDF/XML: a ``StandardDocument`` and its ``Statement``s.

A statement carries ``dcterms:description``, ``asn:statementNotation`` (the code),
``asn:statementLabel`` (its kind), ``dcterms:educationLevel`` and the tree as ``gemq:isChildOf`` /
``gemq:hasChild`` (either side may be missing; both are read). Nodes may be typed elements
(``<asn:Statement>``) or ``rdf:Description`` with an ``rdf:type``.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from competencies.formats import register_reader
from competencies.formats.case_identifiers import case_uuid
from competencies.formats.spreadsheet import untitled
from competencies.formats.xml_safety import DEFAULT_MAX_BYTES, parse_xml
from competencies.package import (
    AssociationRecord,
    AssociationType,
    Deviation,
    FrameworkPackage,
    FrameworkRecord,
    ItemRecord,
)

FORMAT = "asn-rdf"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ASN = "http://purl.org/ASN/schema/core/"
DCTERMS = "http://purl.org/dc/terms/"
DC = "http://purl.org/dc/elements/1.1/"
"""ASN documents name their title and publisher with the DC elements (``dc:title``), not dcterms."""
GEMQ = "http://purl.org/gem/qualifiers/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> FrameworkPackage:
    """Read ASN RDF/XML; a refused or unreadable document gives a fatal report, never an exception."""
    try:
        root = parse_xml(source, max_bytes=max_bytes)
    except ValueError as error:
        return _rejected("document", str(error))
    return read_root(root, name=source.name if isinstance(source, Path) else "")


def read_root(root: etree._Element, *, name: str = "") -> FrameworkPackage:
    """Read an already (safely) parsed ``rdf:RDF`` element (``name``: the file's, for a title
    when the document has none)."""
    deviations: list[Deviation] = []
    if root.tag != f"{{{RDF}}}RDF":
        return _rejected(f"line {root.sourceline}", f"root element is <{root.tag}>, not rdf:RDF")
    documents, statements, vocabulary = [], [], 0
    nodes = [node for node in root if isinstance(node.tag, str)]
    for node in nodes:
        kind = _kind(node)
        if kind == "StandardDocument":
            documents.append(node)
        elif kind == "Statement":
            statements.append(node)
        elif kind in ("Class", "Property"):
            vocabulary += 1
    if not statements:
        what = (f"it defines {vocabulary} classes and properties: a vocabulary such as the ASN application "
                "profile, not a standards document") if vocabulary else "there is nothing to import"
        return _rejected("document", f"no asn:Statement in the file; {what}", deviations)

    framework = _framework(documents, statements, deviations, name)
    ids: dict[str, str] = {}
    items: list[ItemRecord] = []
    for node in statements:
        about = node.get(f"{{{RDF}}}about", "").strip()
        where = f"line {node.sourceline}, asn:Statement"
        if not about:
            deviations.append(Deviation(where, "no rdf:about, so nothing can point at it; skipped"))
            continue
        if about in ids:
            deviations.append(Deviation(where, f"{about} appears twice; the second is skipped"))
            continue
        description = _description(node)
        if not description:
            deviations.append(Deviation(where, f"{about} has no dcterms:description; skipped"))
            continue
        ids[about] = case_uuid(about)
        items.append(ItemRecord(
            identifier=ids[about], uri=about, full_statement=description,
            human_coding_scheme=_first(node, ASN, "statementNotation"),
            item_type=_first(node, ASN, "statementLabel"),
            list_enumeration=_first(node, ASN, "listID"),
            education_levels=[_grade(_last_segment(value)) for value in _values(node, DCTERMS, "educationLevel")],
            language=_lang(node), where=where))
    document_uris = {document.get(f"{{{RDF}}}about", "") for document in documents}
    lines: dict[str, int | None] = {node.get(f"{{{RDF}}}about", ""): _line(node) for node in statements}
    # RDF may describe one resource in several places: the tree is read from every node.
    links = _tree(nodes, ids, document_uris, framework.identifier, lines, deviations)
    return FrameworkPackage(framework=framework, items=items, associations=links, deviations=deviations,
                            source_format=FORMAT)


def _framework(documents: list[etree._Element], statements: list[etree._Element],
               deviations: list[Deviation], name: str) -> FrameworkRecord:
    fallback = Path(name).stem if name else ""
    if not documents:
        deviations.append(Deviation("document", "no asn:StandardDocument; the framework is identified by "
                                    "the top statements and titled after the file"))
        tops = sorted(node.get(f"{{{RDF}}}about", "") for node in statements
                      if not _values(node, GEMQ, "isChildOf"))
        return FrameworkRecord(identifier=case_uuid(f"{FORMAT}\x1f{' '.join(tops)}"),
                               title=fallback or untitled("ASN statements", deviations))
    if len(documents) > 1:
        deviations.append(Deviation(f"line {documents[1].sourceline}", "a second StandardDocument; only the "
                                    "first names the framework"))
    document = documents[0]
    about = document.get(f"{{{RDF}}}about", "")
    jurisdiction = _first(document, ASN, "jurisdiction")
    title = _first(document, DC, "title") or _first(document, DCTERMS, "title")
    if not title:
        title = fallback or untitled("ASN standards document", deviations)
        deviations.append(Deviation(f"line {document.sourceline}", f"the StandardDocument has no dc:title; "
                                    f"titled {title!r}"))
    publisher = _first(document, DC, "publisher") or _first(document, DCTERMS, "publisher")
    return FrameworkRecord(
        identifier=case_uuid(about or f"{FORMAT}\x1f{title}"),
        uri=about or None, source_url=_first(document, DCTERMS, "source") or about or None,
        title=title,
        description=_description(document) or None, licence=_first(document, DCTERMS, "rights"),
        # The jurisdiction says whose standards these are; the publisher who issued the document.
        publisher=publisher, jurisdiction=_last_segment(jurisdiction) if jurisdiction else None,
        subjects=[_last_segment(value) for value in _values(document, DCTERMS, "subject")],
        language=_lang(document) or _first(document, DC, "language"))


def _tree(nodes: list[etree._Element], ids: dict[str, str], documents: set[str], framework_id: str,
          lines: dict[str, int | None], deviations: list[Deviation]) -> list[AssociationRecord]:
    parents: dict[str, list[str]] = {}
    for node in nodes:
        about = node.get(f"{{{RDF}}}about", "")
        for parent in _values(node, GEMQ, "isChildOf"):
            parents.setdefault(about, []).append(parent)
        for child in _values(node, GEMQ, "hasChild"):
            parents.setdefault(child, []).append(about)
    links: list[AssociationRecord] = []
    for about, identifier in ids.items():
        destinations: list[str] = []
        for parent in dict.fromkeys(parents.get(about, [])):
            if parent in ids:
                destinations.append(ids[parent])
            elif parent not in documents:
                deviations.append(Deviation(f"line {lines.get(about)}, gemq:isChildOf",
                                            f"parent {parent} is not in the file; placed at the top"))
        if not destinations:
            destinations = [framework_id]
        links.extend(AssociationRecord(identifier=case_uuid(f"{FORMAT}\x1f{identifier}\x1f{destination}"),
                                       association_type=AssociationType.IS_CHILD_OF.value,
                                       origin=identifier, destination=destination)
                     for destination in dict.fromkeys(destinations))
    return links


def _line(node: etree._Element) -> int | None:
    line = node.sourceline
    return line if isinstance(line, int) else None


def _kind(node: etree._Element) -> str:
    name = etree.QName(node)
    if name.namespace == RDF and name.localname == "Description":
        types = _values(node, RDF, "type")
        return _last_segment(types[0]) if types else ""
    return name.localname


def _values(node: etree._Element, namespace: str, name: str) -> list[str]:
    found = []
    for child in node.iterchildren(f"{{{namespace}}}{name}"):
        value = child.get(f"{{{RDF}}}resource") or (child.text or "").strip()
        if value:
            found.append(value)
    return found


def _first(node: etree._Element, namespace: str, name: str) -> str | None:
    values = _values(node, namespace, name)
    return values[0] if values else None


def _description(node: etree._Element) -> str:
    """The English description when there are several languages, else the first."""
    texts = [(child.get(XML_LANG, ""), (child.text or "").strip())
             for child in node.iterchildren(f"{{{DCTERMS}}}description")]
    english = [text for lang, text in texts if lang.lower().startswith("en") and text]
    return english[0] if english else next((text for _, text in texts if text), "")


def _lang(node: etree._Element) -> str | None:
    for child in node.iterchildren(f"{{{DCTERMS}}}description"):
        if child.get(XML_LANG):
            return child.get(XML_LANG)
    return None


def _grade(level: str) -> str:
    """ASN's education levels (``K``, ``1``, ``Pre-K``) as the CEDS codes CASE uses (``KG``, ``01``, ``PK``)."""
    if level.isdigit():
        return level.zfill(2)
    return {"k": "KG", "pre-k": "PK", "prek": "PK"}.get(level.lower(), level)


def _last_segment(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _rejected(where: str, message: str, deviations: list[Deviation] | None = None) -> FrameworkPackage:
    return FrameworkPackage(framework=FrameworkRecord(identifier="", title=""),
                            deviations=[*(deviations or []), Deviation(where, message, fatal=True)],
                            source_format=FORMAT)


register_reader(FORMAT, read, [".rdf"])
