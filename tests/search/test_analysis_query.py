"""Shared analysis and the query language."""
import pytest

from search import analysis, periods
from search.errors import QueryError
from search.query import MAX_CLAUSES, MAX_DEPTH, MAX_QUERY_LENGTH, And, DateRange, MatchAll, Not, Or, Term, parse_query


def test_traditional_and_simplified_analyse_alike():
    assert analysis.tokens("青銅器") == analysis.tokens("青铜器")
    assert analysis.tokens("編鐘", for_query=True) == ["编钟"]


def test_pinyin_tokens_full_syllables_initials():
    toks = analysis.pinyin_tokens("青铜鼎")
    assert {"qingtong", "qing", "tong", "qt", "ding"} <= set(toks)
    assert analysis.pinyin_query_token("qīngtóng") == "qingtong"
    assert analysis.pinyin_query_token("qing1tong2") == "qingtong"


def test_english_stemming_and_mixed_text():
    assert analysis.tokens("Bronze mirrors") == analysis.tokens("bronze mirror")
    assert analysis.tokens("bronze 鼎", for_query=True) == ["bronz", "鼎"]


def test_periods():
    assert periods.canonical("商代") == periods.canonical("Shang dynasty") == "商"
    assert periods.free_text_period("商") is None  # too ambiguous as a bare word
    assert periods.free_text_period("商代") == "商"
    assert periods.query_range("商") == (-1600, -1047)


def test_parse_structures():
    assert parse_query("").tree == MatchAll()
    assert parse_query("*").tree == MatchAll()
    assert parse_query("date:-1046..-771").tree == DateRange(-1046, -771)
    assert parse_query("date:1368..").tree == DateRange(1368, None)
    tree = parse_query("a OR (b AND NOT c)").tree
    assert isinstance(tree, Or) and isinstance(tree.children[1], And) and isinstance(tree.children[1].children[1], Not)
    assert parse_query('"bronze ding"').tree == Term(None, "bronze ding", phrase=True)
    tree = parse_query("period:商").tree
    assert isinstance(tree, Or) and DateRange(-1600, -1047) in tree.children
    assert parse_query("title:（鼎 OR 簋）").tree == Or((Term("title", "鼎"), Term("title", "簋")))


@pytest.mark.parametrize("bad", [
    '"unbalanced', "(a", "a)", "((a)", "AND", "a OR", "NOT", "foo:bar", "date:abc", "date:5..1", "**", "*a", "a*b",
    "x" * 10_000, "(" * 50 + "a" + ")" * 50, " ".join(["a"] * 200), "title:", "a\x00b",
])
def test_malformed_queries_give_clear_errors(bad):
    with pytest.raises(QueryError) as info:
        parse_query(bad)
    assert info.value.message and len(info.value.message) < 400


@pytest.mark.parametrize("bad,limit", [
    ("x" * 10_000, f"at most {MAX_QUERY_LENGTH}"),
    ("(" * 50 + "a" + ")" * 50, f"at most {MAX_DEPTH} levels"),
    (" ".join(["a"] * 200), f"at most {MAX_CLAUSES}"),
])
def test_oversized_queries_are_rejected_by_their_limit_before_analysis(bad, limit, monkeypatch):
    # the bound on work, deterministically: the error names the limit, and a too long query never
    # reaches the text analysis (benchmarks/search.py times the whole malformed set)
    calls = []
    real = analysis.tokens
    monkeypatch.setattr(analysis, "tokens", lambda *a, **k: calls.append(a) or real(*a, **k))
    with pytest.raises(QueryError) as info:
        parse_query(bad)
    assert limit in info.value.message
    if len(bad) > MAX_QUERY_LENGTH:
        assert calls == []
    else:
        assert len(calls) <= MAX_CLAUSES + 1


@pytest.mark.parametrize("kwargs", [dict(per_page=101), dict(per_page=0), dict(page=0), dict(page="x"), dict(sort="random"),
                                    dict(filters={"nope": ["x"]})])
def test_bad_parameters(kwargs):
    with pytest.raises(QueryError):
        parse_query("鼎", **kwargs)


@pytest.mark.parametrize("text, error", [("(a+)+$ [a-z]{1000}", False), (".*.*.*=", True), ("what? (a|b)+ \\d{99}", False)])
def test_regex_like_input_is_plain_text_or_a_clear_error(text, error, monkeypatch):
    # no regular expression is ever compiled from user input
    import re

    compiled = []
    real = re._compile  # what re.compile, re.match, re.split... all go through
    monkeypatch.setattr(re, "_compile", lambda pattern, *a, **k: compiled.append(pattern) or real(pattern, *a, **k))
    if error:  # a wildcard where none is allowed: the message says so
        with pytest.raises(QueryError, match="Wildcards"):
            parse_query(text)
    else:
        assert parse_query(text).tree is not None
    assert not [p for p in compiled if isinstance(p, str) and any(part in p for part in text.split())]


def test_a_name_added_to_the_dictionary_is_not_hidden_by_cached_analyses():
    """Runs' words are cached (index, query and pinyin); a catalogue name added later must still be whole."""
    from search import analysis

    run = "羡鱼铜坊铸器所"  # nobody's word: jieba splits it
    assert run not in analysis.query_words(run) and run not in analysis.tokens(run)
    before_pinyin = analysis.pinyin_tokens(run)
    assert analysis.add_words([run])
    assert analysis.query_words(run) == [run]
    assert run in analysis.tokens(run)
    assert run in [r for r, _words in analysis.query_runs(run)] and analysis.query_runs(run)[0][1] == [run]
    assert analysis.pinyin_tokens(run) != before_pinyin  # the whole word's joined syllables now
