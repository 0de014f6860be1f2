"""The query model and its parser, shared by every backend.

Query language (documented on the search page, :data:`HELP`)::

    青铜 鼎              words (all must match; Chinese is segmented, 青銅 = 青铜, pinyin qingtong / qt)
    镜  弦纹铜镜         Chinese also matches inside words: any character or run of characters of a
                         title or text (whole words rank higher)
    "bronze ding"        a phrase
    material:青铜        field:value on a profile field (see FIELDS); field:"a phrase"; field:(a OR b)
    period:商  商代       a period name: its text, or a date range overlapping the dynasty's years
    date:-1046..-771     date range (years; negative = BCE); date:1368.. or date:..-221 or date:1644
    bron*                prefix (at least 2 characters; limited expansions)
    a OR b, a AND b, NOT a, -a, (grouping)
    *                    everything (useful with facet filters)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Union

from search import analysis, periods, vocabulary
from search.errors import QueryError

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 40
MAX_DEPTH = 8
MAX_PAGE = 500
MAX_PER_PAGE = 100
#: Largest number of index terms a prefix expands to.
MAX_EXPANSIONS = 64

#: Profile fields searchable as field:value (analysed text).
TEXT_FIELDS = (
    "title", "description", "material", "period", "creator", "place", "dimensions",
    "ich_category", "ich_level", "inheritor", "region", "transcript",
)
#: Fields matched exactly (slugs, codes).
KEYWORD_FIELDS = ("museum", "hall", "section", "object_type", "accession_number", "id")
FIELDS = TEXT_FIELDS + KEYWORD_FIELDS + ("date",)
#: Facets: name → index field of keyword values.
FACETS = (
    "museum", "hall", "object_type", "material", "period", "ich_category", "ich_level",
    "has_3d", "has_video", "has_audio",
)
SORTS = ("relevance", "date", "-date", "title")

#: Default-field search: index field → boost.
DEFAULT_FIELDS = {"title": 4.0, "meta": 1.5, "text": 1.0}
PINYIN_BOOST = 2.0
#: Index fields that keep positions (phrases); in the others a phrase is all of its words.
POSITIONAL = frozenset({"title", "meta", "text", "transcript",
                        "title_chars", "meta_chars", "text_chars", "transcript_chars"})

HELP = __doc__.split("::", 1)[1].strip("\n")


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Term:
    """Words in a field (None = the default fields)."""

    field: str | None
    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class DateRange:
    start: int | None
    end: int | None


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    child: "Node"


@dataclass(frozen=True)
class MatchAll:
    pass


Node = Union[Term, DateRange, And, Or, Not, MatchAll]


@dataclass
class SearchQuery:
    text: str
    tree: Node
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def highlight_terms(self) -> list[str]:
        """Normalised tokens of the words the query asks for (not negated), for snippets."""
        out: list[str] = []

        def walk(node: Node, negated: bool) -> None:
            if isinstance(node, Term) and not negated and node.field in (None, "title", "description", "transcript"):
                for run, words in analysis.query_runs(node.text):
                    # a Chinese run matches as a whole substring too (the unigram fields)
                    out.extend(([run] if run and len(words) > 1 else []) + words)
            elif isinstance(node, (And, Or)):
                for child in node.children:
                    walk(child, negated)
            elif isinstance(node, Not):
                walk(node.child, not negated)

        walk(self.tree, False)
        return list(dict.fromkeys(t for t in out if t))


# ---------------------------------------------------------------- lexing

_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "＂": '"', "：": ":", "　": " ", "－": "-"})
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_RANGE = re.compile(r"^(-?\d{1,5})?(\.\.)?(-?\d{1,5})?$")
_OPERATORS = {"AND", "OR", "NOT", "&&", "||"}


@dataclass
class _Tok:
    kind: str  # 'word', 'phrase', 'lpar', 'rpar', 'field', 'op', 'minus'
    value: str
    pos: int


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            toks.append(_Tok("lpar", c, i)); i += 1
        elif c == ")":
            toks.append(_Tok("rpar", c, i)); i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError(f'Unbalanced quote at position {i + 1}: close the phrase with ".', i)
            toks.append(_Tok("phrase", text[i + 1:end], i)); i = end + 1
        elif c in "-+!" and i + 1 < n and not text[i + 1].isspace() and not (c == "-" and text[i + 1].isdigit() and toks and toks[-1].kind == "field"):
            if c in "-!":
                toks.append(_Tok("minus", c, i))
            i += 1
        else:
            m = _FIELD.match(text, i)
            if m and m.group(1).lower() in FIELDS:
                toks.append(_Tok("field", m.group(1).lower(), i)); i = m.end()
                continue
            if m and m.end() < n and not text[m.end()].isspace() and text[m.end():m.end() + 2] != "//":
                raise QueryError(
                    f"Unknown field “{m.group(1)}” at position {i + 1}. Fields: {', '.join(FIELDS)}.", i)
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            word = text[i:j]
            toks.append(_Tok("op" if word in _OPERATORS else "word", word, i))
            i = j
    return toks


# ---------------------------------------------------------------- parsing


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.clauses = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.toks:
            return MatchAll()
        node = self.or_expr(0)
        tok = self.peek()
        if tok is not None:
            if tok.kind == "rpar":
                raise QueryError(f"Unbalanced parenthesis at position {tok.pos + 1}: “)” without “(”.", tok.pos)
            raise QueryError(f"Unexpected “{tok.value}” at position {tok.pos + 1}.", tok.pos)
        return node

    def or_expr(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise QueryError(f"The query nests too deeply (at most {MAX_DEPTH} levels of parentheses).")
        parts = [self.and_expr(depth)]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in ("OR", "||"):
            self.take()
            if self.peek() is None or self.peek().kind == "rpar":
                raise QueryError(f"“OR” at position {tok.pos + 1} needs something after it.", tok.pos)
            parts.append(self.and_expr(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, depth: int) -> Node:
        parts = [self.unary(depth)]
        while (tok := self.peek()) is not None and not (tok.kind == "rpar" or (tok.kind == "op" and tok.value in ("OR", "||"))):
            if tok.kind == "op" and tok.value in ("AND", "&&"):
                self.take()
                nxt = self.peek()
                if nxt is None or nxt.kind == "rpar" or (nxt.kind == "op" and nxt.value in ("AND", "OR", "&&", "||")):
                    raise QueryError(f"“AND” at position {tok.pos + 1} needs something after it.", tok.pos)
            parts.append(self.unary(depth))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Node:
        tok = self.peek()
        if tok is None:
            raise QueryError("The query ends where a word was expected.")
        if (tok.kind == "op" and tok.value == "NOT") or tok.kind == "minus":
            self.take()
            if self.peek() is None:
                raise QueryError(f"“{tok.value}” at position {tok.pos + 1} needs something after it.", tok.pos)
            return Not(self.unary(depth))
        return self.primary(depth)

    def count(self) -> None:
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QueryError(f"The query has too many terms (at most {MAX_CLAUSES}).")

    def primary(self, depth: int) -> Node:
        tok = self.take()
        if tok.kind == "lpar":
            if self.peek() is None:
                raise QueryError(f"Unbalanced parenthesis at position {tok.pos + 1}: “(” is never closed.", tok.pos)
            if self.peek().kind == "rpar":
                raise QueryError(f"Empty parentheses at position {tok.pos + 1}.", tok.pos)
            node = self.or_expr(depth + 1)
            end = self.peek()
            if end is None or end.kind != "rpar":
                raise QueryError(f"Unbalanced parenthesis at position {tok.pos + 1}: “(” is never closed.", tok.pos)
            self.take()
            return node
        if tok.kind == "rpar":
            raise QueryError(f"Unbalanced parenthesis at position {tok.pos + 1}: “)” without “(”.", tok.pos)
        if tok.kind == "phrase":
            self.count()
            return _term(None, tok.value, phrase=True, pos=tok.pos)
        if tok.kind == "field":
            return self.fielded(tok, depth)
        if tok.kind == "op":
            raise QueryError(f"“{tok.value}” at position {tok.pos + 1} needs a word before it.", tok.pos)
        self.count()
        return _word(None, tok.value, tok.pos)

    def fielded(self, tok: _Tok, depth: int) -> Node:
        name = tok.value
        value = self.peek()
        if value is None or value.kind in ("rpar", "op") or value.pos != tok.pos + len(name) + 1 and value.kind != "lpar":
            raise QueryError(f"“{name}:” at position {tok.pos + 1} needs a value, e.g. {name}:…", tok.pos)
        if value.kind == "lpar":
            self.take()
            inner = self.or_expr(depth + 1)
            end = self.peek()
            if end is None or end.kind != "rpar":
                raise QueryError(f"Unbalanced parenthesis at position {value.pos + 1}: “(” is never closed.", value.pos)
            self.take()
            return _refield(inner, name)
        self.take()
        self.count()
        if name == "date":
            return _date(value.value, value.pos)
        return _word(name, value.value, value.pos, phrase=value.kind == "phrase")


def _refield(node: Node, name: str) -> Node:
    if isinstance(node, Term):
        if node.field is not None:
            raise QueryError(f"A field inside {name}:( … ) cannot name another field.")
        if name == "date":
            return _date(node.text, 0)
        return _word(name, node.text, 0, phrase=node.phrase)
    if isinstance(node, And):
        return And(tuple(_refield(c, name) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(_refield(c, name) for c in node.children))
    if isinstance(node, Not):
        return Not(_refield(node.child, name))
    if isinstance(node, MatchAll):
        raise QueryError(f"“*” cannot be used inside {name}:( … ).")
    return node


def _term(fieldname: str | None, text: str, phrase: bool = False, pos: int = 0) -> Node:
    if fieldname in KEYWORD_FIELDS:
        if fieldname == "object_type":  # any variant of a controlled value: object_type:镜 = object_type:mirror
            text = vocabulary.canonical("object_type", analysis.to_simplified(text.strip()))
        return Term(fieldname, text.strip(), phrase=phrase)
    if not analysis.tokens(text, for_query=True) and not analysis.pinyin_query_token(text or "-"):
        if phrase:
            raise QueryError(f"The phrase at position {pos + 1} has no searchable words.", pos)
        return MatchAll() if fieldname is None else Term(fieldname, text)
    return Term(fieldname, text, phrase=phrase)


def _word(fieldname: str | None, text: str, pos: int, phrase: bool = False) -> Node:
    if phrase:
        node = _term(fieldname, text, phrase=True, pos=pos)
        if fieldname == "period":
            return _period(text, node)
        return node
    if "*" in text:
        if text == "*" and fieldname is None:
            return MatchAll()
        stem = text[:-1]
        if not text.endswith("*") or "*" in stem or len(stem) < 2:
            raise QueryError(
                f"Wildcards are allowed only at the end of a word of at least 2 characters (e.g. bron*), at position {pos + 1}.", pos)
        return Term(fieldname, stem, prefix=True)
    node = _term(fieldname, text, pos=pos)
    if fieldname == "period":
        return _period(text, node)
    if fieldname is None:
        years = periods.free_text_range(text)
        if years is not None:
            return Or((node, DateRange(*years)))
        split = _split_periods(text)
        if split is not None:
            return Or((node, split))
    return node


def _split_periods(text: str) -> Node | None:
    """A Chinese query typed without spaces that names a period among other words (唐代铜镜, 明清瓷器,
    万历青花): the period words match their text or their years, the other words as typed."""
    simplified = analysis.to_simplified(text)
    if not analysis.is_han_run(simplified):
        return None
    words = analysis.query_words(simplified)
    if len(words) < 2:
        return None
    parts: list[Node] = []
    pending = ""
    found = False
    for word in words:
        years = periods.free_text_range(word)
        if years is None:
            pending += word
            continue
        if pending:
            parts.append(_term(None, pending))
            pending = ""
        parts.append(Or((Term(None, word), DateRange(*years))))
        found = True
    if pending:
        parts.append(_term(None, pending))
    if not found:
        return None
    return And(tuple(parts))


def _period(text: str, node: Node) -> Node:
    years = periods.period_range(text)
    if years is None:
        return node
    return Or((node, DateRange(*years)))


def _date(text: str, pos: int) -> Node:
    m = _RANGE.match(text.strip())
    if not m or not (m.group(1) or m.group(3)) or (m.group(1) and m.group(3) and not m.group(2)):
        years = periods.period_range(text)
        if years is not None:
            return DateRange(*years)
        raise QueryError(f"Cannot read the date “{text}” at position {pos + 1}; write date:-1046..-771, date:1368.., or date:1644.", pos)
    start = int(m.group(1)) if m.group(1) else None
    end = int(m.group(3)) if m.group(3) else None
    if not m.group(2):
        end = start
    if start is not None and end is not None and start > end:
        raise QueryError(f"The date range at position {pos + 1} ends before it starts.", pos)
    return DateRange(start, end)


def _simplify(node: Node) -> Node:
    if isinstance(node, (And, Or)):
        kids = [_simplify(c) for c in node.children]
        if isinstance(node, And):
            kids = [k for k in kids if not isinstance(k, MatchAll)] or [MatchAll()]
        elif any(isinstance(k, MatchAll) for k in kids):
            return MatchAll()
        flat: list[Node] = []
        for k in kids:
            flat.extend(k.children if type(k) is type(node) else [k])
        return flat[0] if len(flat) == 1 else type(node)(tuple(flat))
    if isinstance(node, Not):
        return Not(_simplify(node.child))
    return node


def parse_query(
    text: str | None,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> SearchQuery:
    """Parse the query language; raises :class:`QueryError` with a user-facing message."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"The query is too long ({len(text)} characters; at most {MAX_QUERY_LENGTH}).")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise QueryError("The query contains control characters.")
    if sort not in SORTS:
        raise QueryError(f"Unknown sort “{sort}”; use one of {', '.join(SORTS)}.")
    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        raise QueryError("page and per_page must be whole numbers.") from None
    if not 1 <= page <= MAX_PAGE:
        raise QueryError(f"page must be between 1 and {MAX_PAGE}.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"per_page must be between 1 and {MAX_PER_PAGE}.")
    clean: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if name not in FACETS:
            raise QueryError(f"Unknown filter “{name}”; filters: {', '.join(FACETS)}.")
        values = [v for v in ([values] if isinstance(values, str) else values) if v]
        if len(values) > 20 or any(len(v) > 200 for v in values):
            raise QueryError(f"Too many or too long values for filter “{name}”.")
        if name in vocabulary.FACETS:
            values = [vocabulary.canonical(name, analysis.to_simplified(v.strip())) for v in values]
        if values:
            clean[name] = list(dict.fromkeys(values))
    tree = _simplify(_Parser(_lex(text.translate(_FULLWIDTH))).parse())
    if _only_negative(tree):
        tree = And((MatchAll(), tree)) if isinstance(tree, Not) else And((MatchAll(),) + tree.children)
    return SearchQuery(text=text, tree=tree, filters=clean, sort=sort, page=page, per_page=per_page)


def _only_negative(node: Node) -> bool:
    return isinstance(node, Not) or (isinstance(node, And) and all(isinstance(c, Not) for c in node.children))


# ---------------------------------------------------------------- expansion shared by backends


@dataclass(frozen=True)
class Clause:
    """One token alternative: match ``tokens`` (a phrase when several) in index ``field``."""

    field: str
    tokens: tuple[str, ...]
    boost: float = 1.0
    prefix: bool = False
    slop: int = 1


@dataclass(frozen=True)
class AllOf:
    """An alternative that is itself an AND of ORs (the jieba words of a Chinese run)."""

    groups: tuple[tuple[Clause, ...], ...]


Alternative = Union[Clause, AllOf]

#: Word field → its character-unigram field (search.analysis.char_tokens) and that field's boost
#: relative to the word field's: a substring match scores there only, a whole-word match in both.
CHAR_FIELDS = {"title": "title_chars", "meta": "meta_chars", "text": "text_chars", "transcript": "transcript_chars"}
CHAR_BOOST = 0.5


def expand(term: Term) -> list[list[Alternative]]:
    """A term as AND-of-ORs of index clauses (identical for every backend).

    Each inner list is one query token's alternatives across index fields. A Chinese run is one
    such list: its jieba words in the word fields (an :class:`AllOf` when there are several) or
    its exact character sequence as a phrase over the ``*_chars`` unigram fields.
    """
    if term.field in KEYWORD_FIELDS:
        value = term.text.lower() if term.field == "accession_number" else term.text
        return [[Clause(term.field, (value,), prefix=term.prefix)]]
    fields = DEFAULT_FIELDS if term.field is None else _FIELD_MAP[term.field]
    chars = {CHAR_FIELDS[f]: boost * CHAR_BOOST for f, boost in fields.items() if f in CHAR_FIELDS}
    toks = analysis.tokens(term.text, for_query=True)
    pinyin = pinyin_alternative(term)
    if term.phrase and len(toks) > 1 and all(f in POSITIONAL for f in fields):
        slop = 2 if analysis.has_han(term.text) else 1
        group: list[Alternative] = [Clause(f, tuple(toks), boost, slop=slop) for f, boost in fields.items()]
        runs = analysis.query_runs(term.text)
        if chars and all(run for run, _words in runs):  # an all-Chinese phrase: also its characters, adjacent
            group.extend(_char_clauses("".join(run for run, _words in runs), chars))
        return [group]
    groups: list[list[Alternative]] = []
    if term.prefix:
        word = analysis.fold(analysis.to_simplified(term.text))
        groups.append([Clause(f, (word,), boost, prefix=True) for f, boost in fields.items()])
        if pinyin and "title" in fields:
            groups[0].append(Clause("title_py", (pinyin,), PINYIN_BOOST, prefix=True))
        return groups
    for run, words in analysis.query_runs(term.text):
        if not run or not chars:
            for tok in words:
                groups.append([Clause(f, (tok,), boost) for f, boost in fields.items()])
            continue
        if len(words) == 1:
            group = [Clause(f, (words[0],), boost) for f, boost in fields.items()]
        else:
            group = [AllOf(tuple(tuple(Clause(f, (w,), boost) for f, boost in fields.items()) for w in words))]
        group.extend(_char_clauses(run, chars))
        groups.append(group)
    if pinyin and "title" in fields:
        py = Clause("title_py", (pinyin,), PINYIN_BOOST)
        if len(groups) == 1:
            groups[0].append(py)
        else:  # e.g. qīng-tóng split by the English analysis: the whole word as pinyin, or its parts
            groups = [[py]] if not groups else groups
            groups[0].append(py)
    if not groups and pinyin:
        groups.append([Clause("title_py", (pinyin,), PINYIN_BOOST)])
    return groups


def _char_clauses(run: str, chars: dict[str, float]) -> list[Clause]:
    """The characters of a Chinese run, adjacent and in order (slop 1), in each unigram field."""
    return [Clause(f, tuple(run), boost, slop=1) for f, boost in chars.items()]


def pinyin_alternative(term: Term) -> str | None:
    if term.phrase or analysis.has_han(term.text):
        return None
    return analysis.pinyin_query_token(term.text)


_FIELD_MAP: dict[str, dict[str, float]] = {
    "title": {"title": 1.0},
    "description": {"text": 1.0},
    "transcript": {"transcript": 1.0},
    **{name: {f"f_{name}": 1.0} for name in TEXT_FIELDS if name not in ("title", "description", "transcript")},
}


def walk_terms(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, (And, Or)):
        for child in node.children:
            yield from walk_terms(child)
    elif isinstance(node, Not):
        yield from walk_terms(node.child)
