"""Search quality: recall@10 of the judged query set on the fixture catalogue."""
from search.query import parse_query

THRESHOLD = 0.9


def test_recall_at_10(built_index, judged):
    scores = []
    misses = []
    for case in judged:
        got = [h.id for h in built_index.search(parse_query(case["q"], per_page=10)).hits]
        score = len(set(got) & set(case["relevant"])) / len(case["relevant"])
        scores.append(score)
        if score < 1:
            misses.append((case["q"], got))
    recall = sum(scores) / len(scores)
    assert recall >= THRESHOLD, (recall, misses)
