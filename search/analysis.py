"""Text analysis shared by every backend, so Whoosh and Elasticsearch match alike.

Text is normalised in Python and handed to the engines as whitespace-separated tokens:

* traditional Chinese is converted to simplified (OpenCC ``t2s``), so 青銅 finds 青铜;
* Chinese runs are segmented with jieba (``cut_for_search`` when indexing, which also emits
  the shorter dictionary words inside long ones; precise ``cut`` for queries);
* Latin words are lower-cased, accents and pinyin tone marks are stripped, and English words
  are stemmed (Porter);
* titles also get pinyin tokens for their Chinese words: the toneless word (``qingtong``),
  its syllables (``qing``, ``tong``) and, for words of two characters or more, initials (``qt``);
* Chinese text is indexed a second time as character unigrams (:func:`char_tokens`, the
  ``*_chars`` index fields), with a gap (:data:`GAP`) between runs so no phrase crosses
  punctuation or Latin words. A Chinese query run then matches as its jieba words *or* as the
  exact character sequence (a phrase over the unigrams, see :func:`search.query.expand`): any
  substring of a title or description is found even where jieba cuts query and text differently
  (镜 in 四乳四虺镜, 弦纹铜镜 in 四乳弦纹铜镜), and whole-word matches, which score in both, rank higher.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

_lock = threading.Lock()
_ready = False

#: A run of CJK ideographs, a Latin/digit word, or anything else (ignored).
_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff]+(?:[.'’-][0-9A-Za-z\u00c0-\u024f]+)*)")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TONE_DIGITS = re.compile(r"(?<=[a-z])[1-5]")

#: Version of the analysis: an index whose sync marker records another one is rebuilt (search.sync).
VERSION = 3
#: In a ``*_chars`` field's analysed text, the token that separates runs: no position, a gap of
#: :data:`GAP_POSITIONS` positions (Whoosh: search.whoosh_schema.GapTokenizer; Elasticsearch: the
#: runs are sent as array values, whose ``position_increment_gap`` is the same).
GAP = "|"
GAP_POSITIONS = 100

STOPWORDS = frozenset(
    "a an and are as at be by for from in is it of on or the to with was were this that".split()
)


def _init() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        for word in _static_words():
            if word not in jieba.dt.FREQ or not jieba.dt.FREQ[word]:
                jieba.add_word(word)
        _ready = True


def _static_words() -> list[str]:
    """jieba's user dictionary, part of the analysis: period names as visitors write them (唐代, 明清,
    汉代), reign eras (万历) and the controlled vocabulary (search/vocabulary.yaml)."""
    from exhibits import eras
    from search import vocabulary

    table = eras.table()
    words: list[str] = []
    for zh in table.periods:
        words.append(zh)
        if len(zh) == 1:
            words.extend((zh + "代", zh + "朝"))
    words.extend(table.groups)
    words.extend(era.name for era in table.eras if era.name not in table.common_words)
    words.extend(vocabulary.all_words())
    return [w for w in dict.fromkeys(words) if len(w) > 1 and _HAN_RUN.fullmatch(w)]


_added: set[str] = set()


def add_words(words) -> bool:
    """Add the catalogue's own names (museum, hall and section titles) to jieba's dictionary, so a
    query typed without spaces keeps them whole. Returns True when a word was new (cached analyses
    are then forgotten)."""
    _init()
    import jieba

    new = False
    with _lock:
        for word in words:
            word = to_simplified((word or "").strip())
            if 1 < len(word) <= 16 and _HAN_RUN.fullmatch(word) and word not in _added:
                _added.add(word)
                if not jieba.dt.FREQ.get(word):
                    jieba.add_word(word)
                    new = True
        if new:
            _analyze_short.cache_clear()
            _search_words.cache_clear()
            _words.cache_clear()
            _title_pinyin.cache_clear()
    return new


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional():
    """A pattern matching text OpenCC t2s would change (most simplified text does not need it)."""
    import os

    import opencc

    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    chars: set[str] = set()
    with open(os.path.join(folder, "TSCharacters.txt"), encoding="utf-8") as fh:
        for line in fh:
            key, value = line.rstrip("\n").split("\t", 1)
            if key != value.split(" ")[0]:
                chars.add(key)
    phrases: set[str] = set()
    with open(os.path.join(folder, "TSPhrases.txt"), encoding="utf-8") as fh:
        for line in fh:
            key, value = line.rstrip("\n").split("\t", 1)
            if key != value.split(" ")[0] and not set(key) & chars:
                phrases.add(key)
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    # a set lookup a character is several times faster than a regex class of thousands of characters
    return frozenset(c for c in chars if len(c) == 1), (re.compile(alternatives) if alternatives else None)


@lru_cache(maxsize=256)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (other characters pass through).

    Cached for a few recent texts: indexing one document converts its title and texts several times
    (words, characters, pinyin, sort key).
    """
    if not text or not _HAN.search(text):
        return text
    chars, phrases = _traditional()
    if chars.isdisjoint(text) and (phrases is None or not phrases.search(text)):
        return text
    return _converter().convert(text)


def has_han(text: str) -> bool:
    return bool(_HAN.search(text or ""))


def fold(word: str) -> str:
    """Lower-case and strip accents/tone marks: ``Qīngtóng`` → ``qingtong``."""
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in word if not unicodedata.combining(c)).replace("ü", "v")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    from whoosh.lang.porter import stem as porter

    return porter(word) if word.isalpha() and len(word) > 3 else word


@lru_cache(maxsize=100_000)
def _latin(word: str) -> tuple[str, ...]:
    """A Latin word's tokens (cached: a catalogue's words repeat, in every record)."""
    word = fold(word).replace("’", "'")
    return tuple(stem(part) for part in _LATIN_PARTS.split(word) if part and part not in STOPWORDS)


_LATIN_PARTS = re.compile(r"[.'-]")


@lru_cache(maxsize=20_000)
def _words(run: str) -> tuple[str, ...]:
    """jieba's words of a Chinese run (query mode: titles for pinyin, and queries), cached as below."""
    import jieba

    return tuple(jieba.lcut(run))


@lru_cache(maxsize=50_000)
def _search_words(run: str) -> tuple[str, ...]:
    """jieba's index-time words of a Chinese run. Cached: runs (the text between punctuation marks)
    repeat across a catalogue (materials, periods, set phrases), and jieba is pure Python; forgotten
    when :func:`add_words` changes the dictionary."""
    import jieba

    return tuple(jieba.lcut_for_search(run))


def tokens(text: str, for_query: bool = False) -> list[str]:
    """Normalised tokens of mixed Chinese/English text."""
    if not text:
        return []
    _init()

    text = to_simplified(text)
    out: list[str] = []
    for match in _RUN.finditer(text):
        han, latin = match.groups()
        if han:
            out.extend(_words(han) if for_query else _search_words(han))
        else:
            out.extend(_latin(latin))
    return out


def analyze(text: str) -> str:
    """Index-time analysis, as the whitespace-joined string both engines store."""
    if len(text) <= 48:
        return _analyze_short(text)
    return " ".join(tokens(text))


@lru_cache(maxsize=200_000)
def _analyze_short(text: str) -> str:
    # profile values (materials, periods, places, names) repeat across a catalogue
    return " ".join(tokens(text))


def char_tokens(text: str) -> str:
    """Index-time character unigrams of the Chinese runs of ``text`` (simplified), runs separated by GAP."""
    if not text or not _HAN.search(text):
        return ""
    return f" {GAP} ".join(" ".join(run) for run in _HAN_RUN.findall(to_simplified(text)))


def is_han_run(text: str) -> bool:
    """True when ``text`` is one run of Chinese characters (no spaces, Latin or punctuation)."""
    return bool(text) and _HAN_RUN.fullmatch(text) is not None


def query_words(text: str) -> list[str]:
    """Query-time jieba words of a Chinese run (simplified), with the user dictionary."""
    _init()

    return list(_words(to_simplified(text)))


def query_runs(text: str) -> list[tuple[str, list[str]]]:
    """The runs of a query word, in order: ``(run, jieba words)`` for a Chinese run (simplified),
    ``("", tokens)`` for a Latin one."""
    if not text:
        return []
    _init()

    out: list[tuple[str, list[str]]] = []
    for match in _RUN.finditer(to_simplified(text)):
        han, latin = match.groups()
        if han:
            out.append((han, list(_words(han))))
        else:
            toks = _latin(latin)
            if toks:
                out.append(("", list(toks)))
    return out


@lru_cache(maxsize=100_000)
def _pinyin_of(word: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


def pinyin_syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a Chinese word (青铜 → qing, tong)."""
    return tuple(s.replace("ü", "v") for s in _pinyin_of(word) if s)


def pinyin_tokens(text: str) -> list[str]:
    """Pinyin tokens of the Chinese words in ``text`` (for titles)."""
    if not text or not has_han(text):
        return []
    return list(_title_pinyin(text))


@lru_cache(maxsize=64)
def _title_pinyin(text: str) -> tuple[str, ...]:
    # a document's title is read twice (its pinyin field and its sort key)
    _init()
    out: list[str] = []
    for match in _RUN.finditer(to_simplified(text)):
        han = match.group(1)
        if not han:
            continue
        for word in _words(han):
            syllables = [s.replace("ü", "v") for s in _pinyin_of(word) if s]
            if not syllables:
                continue
            out.extend(syllables)
            if len(syllables) > 1:
                out.append("".join(syllables))
                out.append("".join(s[0] for s in syllables))
    return tuple(out)


def pinyin_query_token(word: str) -> str | None:
    """A Latin query word as the pinyin index would hold it (tones and tone digits removed)."""
    folded = _TONE_DIGITS.sub("", fold(word))
    if folded.isascii() and folded.isalpha():
        return folded
    return None


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first request."""
    tokens("青铜器")
    _traditional()
