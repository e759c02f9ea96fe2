"""Parse untrusted XML without letting it reach the network, the disk or the memory limit.

The parser never resolves entities, never loads a DTD and never fetches anything; on top of
that, a document whose DOCTYPE declares entities is refused outright (the "billion laughs"
bomb and external entities such as ``file:///etc/passwd`` both need one), and the size is
checked before lxml sees a byte.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_ENTITY_NAME = re.compile(rb"<!ENTITY\s+(?:%\s+)?([^\s\"'>]+)")


class UnsafeXml(ValueError):
    """The document was refused before anything in it was read."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def parse_xml(source: bytes | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """The root element; :class:`UnsafeXml` for a refused document, ``ValueError`` for one that is not XML."""
    if isinstance(source, Path):
        size = source.stat().st_size
        if size > max_bytes:
            raise UnsafeXml(f"{source.name} is {size:,} bytes, over the {max_bytes:,} byte limit")
        data = source.read_bytes()
    else:
        data = source
    if len(data) > max_bytes:
        raise UnsafeXml(f"the document is {len(data):,} bytes, over the {max_bytes:,} byte limit")
    _refuse_declared_entities(data)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        if "amplification" in str(error) or "entity" in str(error).lower():
            raise UnsafeXml(f"entity expansion refused by the parser: {error}") from None
        raise ValueError(f"not well-formed XML: {error}") from None
    if root is None:
        raise ValueError("the document is empty")
    _refuse_entities(root)
    return root


def _refuse_declared_entities(data: bytes) -> None:
    """Refuse before parsing: a DOCTYPE with ``<!ENTITY`` is how every entity attack begins."""
    # Dropping NUL bytes makes the check see UTF-16 documents too.
    text = data if data.isascii() or b"\x00" not in data[:4] else data.replace(b"\x00", b"")
    if b"<!DOCTYPE" in text and b"<!ENTITY" in text:
        names = sorted({name.decode("ascii", "replace") for name in _ENTITY_NAME.findall(text)})
        raise UnsafeXml(f"the DOCTYPE declares entities ({', '.join(names)}); documents with entities are refused")


def _refuse_entities(root: etree._Element) -> None:
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    # lxml-stubs lag lxml: DTD.iterentities and DocInfo.system_url exist since lxml 2.x/3.x.
    entities = list(dtd.iterentities()) if dtd is not None else []  # type: ignore[attr-defined]
    if entities:
        names = ", ".join(sorted({entity.name or "?" for entity in entities}))
        raise UnsafeXml(f"the DOCTYPE declares entities ({names}); documents with entities are refused")
    if docinfo.system_url or docinfo.public_id:  # type: ignore[attr-defined]
        raise UnsafeXml("the DOCTYPE points at an external DTD; such documents are refused")
    # An entity reference that survived unresolved means a declaration we did not see.
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise UnsafeXml("the document uses entity references; documents with entities are refused")
