"""Find items by code or by words, across frameworks or within one, ranked and paged.

A query that looks like a code (one token with a dot, dash or digit: ``CCSS.Math.Content.1.G``,
``2.A.1.a``, ``15-1252.00``) is first matched as a case-blind code prefix, exact code first;
anything else, or a code-like query that matches no code, is a word search. Word search uses
the index migration 0003 built: PostgreSQL full-text search (english stemming, ranked by
``ts_rank`` with codes weighted above statements above keywords and notes), or SQLite FTS5
(porter stemming, ranked by ``bm25`` with the same column weights); at most
:data:`CANDIDATES` matches are ranked. Each word of four letters or more matches as a stemmed prefix on both:
"health" finds "Healthcare", "nursing" finds "nurse" (both stem to "nurs"), as a teacher typing
into a search box expects; shorter words match whole (:data:`PREFIX_FROM`). Retired items are
left out unless asked for.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from competencies.labels import Label, label_columns, readable
from competencies.models import Framework, Item
from competencies.paging import Page, bounds

__all__ = ["Hit", "by_code", "by_words", "case_blind_code", "looks_like_code", "search"]

_CODE = re.compile(r"^\S*[.\-_\d]\S*$")
_WORD = re.compile(r"\w+")

# bm25 weights per FTS5 column, in the order migration 0003 declares them:
# human_coding_scheme, full_statement, abbreviated_statement, keywords, notes.
_SQLITE_WEIGHTS = "10.0, 2.0, 2.0, 1.0, 0.5"

_FTS = table("item_search", column("rowid"))
"""The FTS5 table of migration 0003 (SQLite only); the ORM does not model it."""

PREFIX_FROM = 4
"""Words this long or longer also match as prefixes; a shorter one ("a", "of", "the") matches
only itself, in any of its forms: as a prefix it would expand to thousands of words in SQLite's
index (FTS5 keeps no stop words) and slow every query holding it, for matches nobody meant."""

CANDIDATES = 1000
"""The most matches a word search ranks. Ranking costs time per match: a word that most items
hold ("using") would otherwise rank tens of thousands of rows for one page. Past this many,
the first ones found are ranked and the page says more follow: narrow the words."""


@dataclasses.dataclass(frozen=True)
class Hit:
    item_id: int
    identifier: str
    code: str | None
    statement: str
    retired: bool
    framework_identifier: str
    framework_title: str
    item_type: str | None = None
    abbreviated: str | None = None
    occupation: str | None = None
    occupation_title: str | None = None

    def readable(self) -> tuple[str | None, Label]:
        """The code to show (None: none) and the text a person reads (see competencies.labels)."""
        return readable(self.code, self.statement, self.item_type, self.abbreviated,
                        self.occupation, self.occupation_title)


def looks_like_code(query: str) -> bool:
    return bool(_CODE.match(query.strip()))


def search(session: Session, query: str, *, framework_id: int | None = None,
           include_retired: bool = False, limit: int = 20, offset: int = 0) -> Page[Hit]:
    """Items matching ``query`` by code prefix if it looks like a code, else by words."""
    query = query.strip()
    if looks_like_code(query):
        found = by_code(session, query, framework_id=framework_id,
                        include_retired=include_retired, limit=limit, offset=offset)
        if found.entries or offset:
            return found
    return by_words(session, query, framework_id=framework_id, include_retired=include_retired,
                    limit=limit, offset=offset)


def by_code(session: Session, prefix: str, *, framework_id: int | None = None,
            include_retired: bool = False, limit: int = 20, offset: int = 0) -> Page[Hit]:
    """Items whose code starts with ``prefix`` (any case), in code order: the exact code first,
    then the codes below it, depth first (``1.G.A``, ``1.G.A.1``, ``1.G.A.2``…)."""
    limit, offset = bounds(limit, offset)
    prefix = prefix.strip()
    if not prefix:
        return Page([], offset, limit, False)
    pattern = _escape_like(prefix.lower()) + "%"
    code = case_blind_code(session)
    if session.get_bind().dialect.name == "postgresql":
        matches = code.like(pattern, escape="\\")
    else:
        # SQLite's LIKE is case-blind already, and uses ix_item_code_nocase only on a bare column.
        matches = Item.human_coding_scheme.like(pattern, escape="\\")
    # The order is the index's own, so a page stops reading after ``limit`` rows.
    conditions = _filters([matches], framework_id, include_retired)
    rows = session.execute(
        _hits().where(*conditions).order_by(code, Item.id).limit(limit + 1).offset(offset))
    return Page.of([Hit(*row) for row in rows], offset, limit)


def case_blind_code(session: Session) -> ColumnElement[Any]:
    """The item code as migration 0003 indexes it for case-blind lookups on this database;
    compare it with a lower-case value."""
    if session.get_bind().dialect.name == "postgresql":
        return func.lower(Item.human_coding_scheme).collate("C")  # ix_item_code_lower
    return Item.human_coding_scheme.collate("NOCASE")  # ix_item_code_nocase


def by_words(session: Session, words: str, *, framework_id: int | None = None,
             include_retired: bool = False, limit: int = 20, offset: int = 0) -> Page[Hit]:
    """Items whose code, statements, keywords or notes hold every word (stemmed), best first."""
    limit, offset = bounds(limit, offset)
    terms = _WORD.findall(words)
    if not terms:
        return Page([], offset, limit, False)
    if session.get_bind().dialect.name == "postgresql":
        rows = _postgres_words(session, terms, framework_id, include_retired, limit + 1, offset)
    else:
        rows = _sqlite_words(session, terms, framework_id, include_retired, limit + 1, offset)
    return Page.of([Hit(*row) for row in rows], offset, limit)


def _postgres_words(session: Session, terms: list[str], framework_id: int | None,
                    include_retired: bool, limit: int, offset: int) -> Sequence[Any]:
    # search_vector is the generated column of migration 0003; the ORM does not model it.
    vector: ColumnElement[Any] = literal_column("item.search_vector")
    # "word:*" is a stemmed prefix; \w+ terms hold none of to_tsquery's operators (& | ! : ' ( )).
    words = " & ".join(term + (":*" if len(term) >= PREFIX_FROM else "") for term in terms)
    query = func.to_tsquery(literal_column("'english'::regconfig"), words)
    candidates = (
        select(Item.id.label("id"), func.ts_rank(vector, query).label("rank"))
        .where(*_filters([vector.op("@@")(query)], framework_id, include_retired))
        .limit(CANDIDATES).subquery("candidates"))
    # ts_rank: higher is better.
    return _ranked_page(session, candidates, True, limit, offset, {})


def _sqlite_words(session: Session, terms: list[str], framework_id: int | None,
                  include_retired: bool, limit: int, offset: int) -> Sequence[Any]:
    # Each term quoted: FTS5 then reads it as a word, never as query syntax (AND, NEAR, col:);
    # the star makes it a prefix, stemmed by the porter tokenizer first.
    match = " ".join(f'"{term}"' + ("*" if len(term) >= PREFIX_FROM else "") for term in terms)
    # bm25() exists only in the query that MATCHes, so the candidates are ranked in there.
    candidates = (
        select(_FTS.c.rowid.label("id"),
               literal_column(f"bm25(item_search, {_SQLITE_WEIGHTS})").label("rank"))
        .select_from(_FTS).join(Item, Item.id == _FTS.c.rowid)
        .where(text("item_search MATCH :match"), *_filters([], framework_id, include_retired))
        .limit(CANDIDATES).subquery("candidates"))
    # bm25: lower (more negative) is better.
    return _ranked_page(session, candidates, False, limit, offset, {"match": match})


def _ranked_page(session: Session, candidates: Subquery, higher_is_better: bool,
                 limit: int, offset: int, params: dict[str, Any]) -> Sequence[Any]:
    # The page is cut from the ranked ids before anything is joined, so the item and framework
    # rows are read for one page only, by primary key.
    rank = candidates.c.rank.desc() if higher_is_better else candidates.c.rank
    page = (select(candidates.c.id, candidates.c.rank).order_by(rank, candidates.c.id)
            .limit(limit).offset(offset).subquery("page"))
    best = page.c.rank.desc() if higher_is_better else page.c.rank
    return session.execute(
        _hits().join(page, page.c.id == Item.id).order_by(best, Item.id), params).all()


def _hits() -> Any:
    return (select(Item.id, Item.identifier, Item.human_coding_scheme, Item.full_statement,
                   Item.retired, Framework.identifier, Framework.title, *label_columns())
            .join(Framework, Framework.id == Item.framework_id))


def _filters(conditions: list[ColumnElement[bool]], framework_id: int | None,
             include_retired: bool) -> list[ColumnElement[bool]]:
    if framework_id is not None:
        conditions.append(Item.framework_id == framework_id)
    if not include_retired:
        conditions.append(Item.retired.is_(False))
    return conditions


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
