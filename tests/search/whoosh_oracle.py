"""The test oracle of the Whoosh engine: a query tree compiled to Whoosh's own query objects, whose
answers (documents, BM25F scores, order) search.whoosh_engine must reproduce exactly."""
from __future__ import annotations

from whoosh import query as wq

from search import query as qm
from search.documents import FACET_FIELDS

def compile_whoosh(node: qm.Node, reader) -> wq.Query:
    if isinstance(node, qm.MatchAll):
        return wq.Every()
    if isinstance(node, qm.And):
        pos = [compile_whoosh(c, reader) for c in node.children if not isinstance(c, qm.Not)]
        neg = [compile_whoosh(c.child, reader) for c in node.children if isinstance(c, qm.Not)]
        pos = pos or [wq.Every()]
        base = pos[0] if len(pos) == 1 else wq.And(pos)
        if neg:
            return wq.AndNot(base, neg[0] if len(neg) == 1 else wq.Or(neg))
        return base
    if isinstance(node, qm.Or):
        return wq.Or([compile_whoosh(c, reader) for c in node.children])
    if isinstance(node, qm.Not):
        return wq.AndNot(wq.Every(), compile_whoosh(node.child, reader))
    if isinstance(node, qm.DateRange):
        parts = []
        if node.end is not None:
            parts.append(wq.NumericRange("date_start", None, node.end))
        if node.start is not None:
            parts.append(wq.NumericRange("date_end", node.start, None))
        return parts[0] if len(parts) == 1 else wq.And(parts)
    if isinstance(node, qm.Term):
        return _groups(qm.expand(node), reader)
    raise TypeError(node)


def _groups(groups, reader) -> wq.Query:
    out = []
    for alternatives in groups:
        clauses = [_groups(c.groups, reader) if isinstance(c, qm.AllOf) else _clause(c, reader) for c in alternatives]
        clauses = [c for c in clauses if c is not None and c is not wq.NullQuery]
        out.append(wq.NullQuery if not clauses else clauses[0] if len(clauses) == 1 else wq.Or(clauses))
    if not out:
        return wq.NullQuery
    return out[0] if len(out) == 1 else wq.And(out)


def _clause(clause: qm.Clause, reader) -> wq.Query | None:
    if clause.prefix:
        words = []
        for term in reader.expand_prefix(clause.field, clause.tokens[0]):
            words.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            if len(words) >= qm.MAX_EXPANSIONS:
                break
        if not words:
            return None
        return wq.Or([wq.Term(clause.field, w) for w in words], boost=clause.boost)
    if len(clause.tokens) > 1:
        return wq.Phrase(clause.field, list(clause.tokens), slop=clause.slop, boost=clause.boost)
    return wq.Term(clause.field, clause.tokens[0], boost=clause.boost)


def filter_query(filters: dict[str, list[str]]) -> wq.Query | None:
    parts = []
    for name, values in filters.items():
        fieldname = FACET_FIELDS[name]
        terms = [wq.Term(fieldname, v) for v in values]
        parts.append(terms[0] if len(terms) == 1 else wq.Or(terms))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
