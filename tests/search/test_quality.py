"""Search quality: recall@10 of the judged query set on the fixture catalogue."""
from search.query import parse_query

THRESHOLD = 0.9


def _recall(index, cases):
    scores, misses = [], []
    for case in cases:
        got = [h.id for h in index.search(parse_query(case["q"], per_page=10)).hits]
        score = len(set(got) & set(case["relevant"])) / len(case["relevant"])
        scores.append(score)
        if score < 1:
            misses.append((case["q"], got))
    return sum(scores) / len(scores), misses


def test_recall_at_10(built_index, judged):
    recall, misses = _recall(built_index, judged)
    assert recall >= THRESHOLD, (recall, misses)


def test_recall_of_queries_as_visitors_type_them(built_index, judged):
    """No spaces, dynasty words, hall and type names, English synonyms (the ``typed`` set)."""
    recall, misses = _recall(built_index, [c for c in judged if c.get("set") == "typed"])
    assert recall >= 0.95, (recall, misses)
