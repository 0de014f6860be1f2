"""Search benchmark: build and query 20 000 and then 100 000 generated bilingual records with Whoosh,
and the same corpus and queries with tantivy (``pip install -e .[bench]``) as a local reference.

    .venv/bin/python benchmarks/search.py [--records 20000 100000] [--queries 3] [--skip-tantivy]

Queries are timed by kind, including queries as visitors type them (no spaces, dynasty and reign
words, hall and type names, English synonyms) and zero-hit queries with their suggestions.

Prints: build time and records/s, p50/p95 latency of a mixed query set (with facets),
the first query after opening the index, index size on disk, peak memory, the tantivy ratio,
recall@10 of the judged query set (tests/search/judged_queries.yaml; the judged fixture items
are mixed into the corpus), the time to reject the malformed queries of the unit tests and to
run a many-prefix query (bounded work, timed here rather than in unit tests), and the load
average before and after (the figures are only comparable at similar load).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks.support import children_cpu, loadavg, percentile  # noqa: E402

import ingest.plugins  # noqa: E402,F401  (the built-in media kinds: the fixture documents ask them for stills)
from search import analysis, query as qm  # noqa: E402
from search.documents import FACET_FIELDS, index_fields  # noqa: E402

PERIODS = [("商代", "Shang", (-1600, -1046)), ("西周", "Western Zhou", (-1046, -771)), ("春秋", "Spring and Autumn", (-770, -476)),
           ("战国", "Warring States", (-475, -221)), ("秦", "Qin", (-221, -207)), ("西汉", "Western Han", (-206, 8)),
           ("东汉", "Eastern Han", (25, 220)), ("唐代", "Tang", (618, 907)), ("北宋", "Northern Song", (960, 1127)),
           ("南宋", "Southern Song", (1127, 1279)), ("元代", "Yuan", (1271, 1368)), ("明代", "Ming", (1368, 1644)),
           ("清代", "Qing", (1644, 1911)), ("民国", "Republican", (1912, 1949)), ("现代", "Modern", (1949, 2020))]
MATERIALS = [("青铜", "bronze"), ("铜", "copper"), ("瓷", "porcelain"), ("陶", "pottery"), ("玉", "jade"), ("纸本", "paper"),
             ("绢本", "silk"), ("木", "wood"), ("漆", "lacquer"), ("银", "silver"), ("金", "gold"), ("铁", "iron")]
OBJECTS = [("鼎", "ding cauldron", "vessel"), ("簋", "gui food vessel", "vessel"), ("爵", "jue wine cup", "vessel"),
           ("觚", "gu goblet", "vessel"), ("壶", "hu wine jar", "vessel"), ("编钟", "chime bells", "instrument"),
           ("铜镜", "mirror", "mirror"), ("瓶", "vase", "ceramic"), ("碗", "bowl", "ceramic"), ("盘", "dish", "ceramic"),
           ("山水图", "landscape painting", "painting"), ("花鸟图", "bird-and-flower painting", "painting"),
           ("手卷", "handscroll", "calligraphy"), ("印章", "seal", "seal"), ("钱币", "coin", "coin"), ("佛像", "Buddha statue", "sculpture")]
DECOR = [("兽面纹", "taotie mask"), ("云雷纹", "cloud-and-thunder pattern"), ("蟠螭纹", "interlaced dragons"),
         ("缠枝莲纹", "lotus scrolls"), ("龙纹", "dragon"), ("凤纹", "phoenix"), ("海兽葡萄纹", "sea beasts and grapes"),
         ("素面", "plain"), ("错金银", "gold and silver inlay"), ("青花", "blue-and-white")]
PLACES = [("铜陵", "Tongling"), ("安阳", "Anyang"), ("西安", "Xi'an"), ("景德镇", "Jingdezhen"), ("苏州", "Suzhou"),
          ("湖州", "Huzhou"), ("池州", "Chizhou"), ("洛阳", "Luoyang"), ("扬州", "Yangzhou"), ("上海", "Shanghai")]
CREATORS = [("佚名", "anonymous"), ("王翚", "Wang Hui"), ("文徵明", "Wen Zhengming"), ("吴镇", "Wu Zhen"),
            ("唐寅", "Tang Yin"), ("沈周", "Shen Zhou"), ("董其昌", "Dong Qichang")]
ZH_SENT = ["此器造型端庄，纹饰精美，为{p}{m}器之代表作。", "出土于{pl}，保存完好，{d}清晰可辨。", "器身铸有铭文，记载了祭祀与赏赐之事。",
           "其工艺体现了当时高超的铸造水平，反映出礼制的严格。", "原为私人收藏，后捐赠入藏本馆。", "表面有绿锈，局部修复，整体完整。",
           "{pl}地区的传统技艺在此得到充分体现。", "此类器物多用于宴饮与祭祀场合。", "底部有款识，字体工整。", "通体施釉，釉色莹润。"]
EN_SENT = ["This {m} {o} of the {p} period is decorated with {d}.", "It was excavated at {pl} and is well preserved.",
           "An inscription on the body records a ritual offering and a royal gift.",
           "The casting shows the high level of craftsmanship of its time.", "Formerly in a private collection, it was donated to the museum.",
           "The surface has a green patina with some restoration.", "Such objects were used at banquets and ancestral sacrifices.",
           "A reign mark is written on the base in regular script.", "The glaze is even and lustrous throughout."]
MUSEUMS = [("copper", ["bronze-vessels", "mirrors", "coins", "mining"]), ("art", ["paintings", "ceramics", "calligraphy"]),
           ("ich", ["crafts", "music", "theatre"])]
#: Museum and hall titles (the documents carry them as ``names``, as search.documents.place_names does).
TITLES = {"copper": ("铜陵数字铜博物馆", "Tongling Digital Copper Museum"), "art": ("市美术馆", "City Art Museum"),
          "ich": ("非遗馆", "ICH Hall"), "bronze-vessels": ("青铜容器", "Bronze Vessels"), "mirrors": ("铜镜", "Mirrors"),
          "coins": ("钱币", "Coins"), "mining": ("矿冶", "Mining and Smelting"), "paintings": ("绘画", "Painting"),
          "ceramics": ("陶瓷", "Ceramics"), "calligraphy": ("书法", "Calligraphy"), "crafts": ("传统技艺", "Traditional Crafts"),
          "music": ("传统音乐", "Traditional Music"), "theatre": ("传统戏剧", "Traditional Theatre")}
#: Reigns as the Palace Museum's catalogue writes a period, without years (one Ming or Qing record in four).
REIGNS = {"明代": ["明洪武", "明永乐", "明宣德", "明成化", "明嘉靖", "明万历", "明崇祯"],
          "清代": ["清顺治", "清康熙", "清雍正", "清乾隆年间", "清嘉庆", "清道光", "清光绪"]}
ICH_CATS = ["传统技艺", "传统音乐", "传统戏剧", "传统美术", "民俗", "曲艺"]
ICH_LEVELS = ["国家级", "省级", "市级", "县级"]


def lm(zh=None, en=None):
    out = {}
    if zh:
        out["zh"] = [zh]
    if en:
        out["en"] = [en]
    return out


def generate(n: int, seed: int = 7):
    rnd = random.Random(seed)
    for i in range(n):
        p = rnd.choice(PERIODS)
        m = rnd.choice(MATERIALS)
        o = rnd.choice(OBJECTS)
        d = rnd.choice(DECOR)
        pl = rnd.choice(PLACES)
        cr = rnd.choice(CREATORS)
        museum, halls = rnd.choice(MUSEUMS)
        chinese = i % 2 == 0
        fill = dict(p=p[0], m=m[0], d=d[0], pl=pl[0], o=o[0])
        efill = dict(p=p[1], m=m[1], d=d[1], pl=pl[1], o=o[1])
        zh_desc = "".join(rnd.choice(ZH_SENT).format(**fill) for _ in range(rnd.randint(4, 10) if chinese else rnd.randint(0, 2)))
        en_desc = " ".join(rnd.choice(EN_SENT).format(**efill) for _ in range(rnd.randint(1, 3) if chinese else rnd.randint(4, 9)))
        start = rnd.randint(p[2][0], p[2][1])
        kinds = rnd.random()
        hall = rnd.choice(halls)
        reign = rnd.choice(REIGNS[p[0]]) if p[0] in REIGNS and rnd.random() < 0.25 else None
        doc = {
            "id": f"bench-{i:06d}", "museum": museum, "hall": hall, "section": None,
            "names": {"zh": [TITLES[museum][0], TITLES[hall][0]], "en": [TITLES[museum][1], TITLES[hall][1]]},
            "title": lm(f"{p[0]}{d[0]}{m[0]}{o[0]}", f"{p[1]} {m[1]} {o[1]} with {d[1]}"),
            "description": lm(zh_desc or None, en_desc or None),
            "object_type": "ich" if museum == "ich" else o[2], "accession_number": f"ACC-{i:06d}",
            "date_start": None if reign else start, "date_end": None if reign else min(p[2][1], start + rnd.randint(0, 50)),
            "thumbnail": None if kinds < 0.6 else f"{i:064x}", "transcript": [], "updated": "2026-01-01T00:00:00+00:00",
            "material": lm(*m), "period": lm(reign or p[0], p[1]), "creator": lm(*cr), "place": lm(*pl), "dimensions": lm(f"高{rnd.randint(5, 80)}厘米"),
            "has_image": kinds >= 0.6, "has_3d": 0.9 < kinds, "has_video": museum == "ich" and kinds > 0.5,
            "has_audio": museum == "ich" and kinds > 0.7,
        }
        if museum == "ich":
            doc.update(ich_category=lm(rnd.choice(ICH_CATS)), ich_level=lm(rnd.choice(ICH_LEVELS)), region=lm(*pl))
        yield doc


def fixture_documents():
    """The judged fixture catalogue's documents (built through the real catalogue and item_document)."""
    sys.path.insert(0, str(ROOT / "tests" / "search"))
    from conftest import build_catalogue, make_db  # type: ignore

    from search.sync import iter_visible_documents

    tmp = Path(tempfile.mkdtemp(prefix="jinshi-bench-cat-"))
    db = make_db(tmp)
    build_catalogue(db)
    docs = list(iter_visible_documents(db))
    db.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return docs


QUERIES = [
    ("word", "青铜", None), ("word", "bronze", None), ("word", "mirror", None), ("word", "瓷", None), ("word", "inscription", None),
    ("phrase", '"bronze mirror"', None), ("phrase", '"green patina"', None), ("phrase", '"青花"', None),
    ("fielded", "material:青铜", None), ("fielded", "creator:文徵明", None), ("fielded", "period:唐", None),
    ("fielded", "date:-1046..-771", None), ("fielded", "place:景德镇 瓶", None),
    ("facet", "青铜", {"museum": ["copper"]}), ("facet", "bowl", {"material": ["瓷"]}), ("facet", "*", {"has_3d": ["true"]}),
    ("facet", "dragon", {"period": ["明"], "object_type": ["ceramic"]}),
    ("pinyin", "qingtong", None), ("pinyin", "tongjing", None), ("pinyin", "qt", None),
    ("zh2", "铜镜", None), ("zh2", "山水", None), ("zh2", "铭文", None), ("zh2", "祭祀", None), ("zh2", "铜陵", None),
    ("mixed", "bronze 鼎", None), ("bool", "(mirror OR 铜镜) NOT 唐代", None), ("prefix", "porc*", None),
    # as visitors type them (issue 9): no spaces, dynasty and reign words, hall and type names, English synonyms
    ("nospace", "唐代铜镜", None), ("nospace", "明清瓷瓶", None), ("nospace", "商代青铜鼎", None), ("nospace", "清代山水图", None),
    ("dynasty", "汉代", None), ("dynasty", "明清", None), ("dynasty", "万历", None), ("dynasty", "period:明", None),
    ("dynasty", "date:1600..1610", None),
    ("names", "书法", None), ("names", "painting", None), ("names", "青铜容器", None),
    ("synonym", "copper alloy", None), ("synonym", "镜", None),
]
#: Queries that find nothing: timed with their suggestions (search.suggest), reported apart.
ZERO_QUERIES = [("zero", "独角兽", None), ("zero", "qintong", None), ("zero", "青铜 独角兽", None), ("zero", "mirorr", None)]
#: Single characters and substrings that cross jieba's words (character unigrams); timed and
#: reported apart so the headline p50/p95 stay comparable with earlier runs of QUERIES.
SUBSTRING_QUERIES = [
    ("zh1", "鼎", None), ("zh1", "镜", None), ("zh1", "铜", None), ("zh1", "瓷", None),
    ("substr", "纹青铜", None), ("substr", "代兽面", None), ("substr", "铜鼎", None), ("substr", "面纹青铜鼎", None),
]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def bench_whoosh(docs, total, workdir: Path, rounds: int, judged):
    from search.whoosh_backend import WhooshIndex

    path = workdir / "whoosh"
    index = WhooshIndex(path)
    t0, cpu0, kids0 = time.perf_counter(), time.process_time(), children_cpu()
    count = index.rebuild(iter(docs), total=total)
    build = time.perf_counter() - t0
    build_cpu = (time.process_time() - cpu0, children_cpu() - kids0)
    size = du(path)
    index.close()
    index = WhooshIndex(path)
    parsed = [(kind, qm.parse_query(q, f)) for kind, q, f in QUERIES + SUBSTRING_QUERIES]
    index.search(parsed[0][1])  # open the reader and the facet table once (cold start reported separately)
    cold = time.perf_counter()
    index.close()
    index = WhooshIndex(path)
    index.search(parsed[0][1])
    cold = time.perf_counter() - cold
    lat: dict[str, list[float]] = {}
    cpu: list[float] = []  # CPU ms of the headline queries: what a busy machine's wall clock hides
    headline = {kind for kind, _q, _f in QUERIES}
    for _ in range(rounds):
        for (kind, q) in parsed:
            t, c = time.perf_counter(), time.process_time()
            index.search(q)
            lat.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            if kind in headline:
                cpu.append((time.process_time() - c) * 1000)
    from search.suggest import search_with_suggestions

    names = {"hall": {h: {"zh": [z], "en": [e]} for h, (z, e) in TITLES.items()}}
    zero = [qm.parse_query(q, f) for _k, q, f in ZERO_QUERIES]
    for _ in range(rounds):
        for q in zero:
            t = time.perf_counter()
            found = search_with_suggestions(index, q, names)
            lat.setdefault("zero", []).append((time.perf_counter() - t) * 1000)
            assert found.total == 0 or q.text == "qintong", q.text
    recall = recall_at_10(lambda text: [h.id for h in index.search(qm.parse_query(text, per_page=10)).hits], judged)
    t = time.perf_counter()
    index.search(qm.parse_query("ab* OR bc* OR ca* OR de* OR ea* OR ta* OR ti*"))
    prefixes = time.perf_counter() - t
    index.close()
    return dict(count=count, build=build, size=size, lat=lat, cold=cold, recall=recall, prefixes=prefixes,
                build_cpu=build_cpu, cpu=cpu)


#: The malformed queries of tests/search/test_analysis_query.py: each must be rejected quickly.
MALFORMED = ['"unbalanced', "(a", "a)", "((a)", "AND", "a OR", "NOT", "foo:bar", "date:abc", "date:5..1", "**", "*a",
             "a*b", "x" * 10_000, "(" * 50 + "a" + ")" * 50, " ".join(["a"] * 200), "title:", "a\x00b",
             "(a+)+$ [a-z]{1000}", ".*.*.*=", "what? (a|b)+ \\d{99}"]


def bench_malformed() -> float:
    """The slowest parse of a malformed (or regex-like) query, in ms."""
    worst = 0.0
    for text in MALFORMED:
        t = time.perf_counter()
        try:
            qm.parse_query(text)
        except qm.QueryError:
            pass
        worst = max(worst, time.perf_counter() - t)
    return worst * 1000


def recall_at_10(run, judged):
    """recall@10 of every judged query, and of each ``set`` of them (``original``: those without one)."""
    scores: dict[str, list[float]] = {}
    for j in judged:
        got = run(j["q"])[:10]
        score = len(set(got) & set(j["relevant"])) / len(j["relevant"])
        scores.setdefault("all", []).append(score)
        scores.setdefault(j.get("set", "original"), []).append(score)
    return {name: sum(v) / len(v) for name, v in scores.items()}


# ---------------------------------------------------------------- tantivy reference


def bench_tantivy(docs, workdir: Path, rounds: int, judged):
    import tantivy

    from multiprocessing import get_context

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in ("title", "title_py", "meta", "text", "transcript", *qm.CHAR_FIELDS.values(), "f_material", "f_period", "f_creator", "f_place",
                 "f_dimensions", "f_ich_category", "f_ich_level", "f_inheritor", "f_region"):
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace",
                          index_option="position" if name in qm.POSITIONAL else "freq")
    for name in set(FACET_FIELDS.values()) | {"section", "accession_number", "title_sort"}:
        sb.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    sb.add_integer_field("date_start", indexed=True, fast=True)
    sb.add_integer_field("date_end", indexed=True, fast=True)
    sb.add_text_field("stored", stored=True, index_option="basic", tokenizer_name="raw")
    schema = sb.build()
    path = workdir / "tantivy"
    path.mkdir()
    ix = tantivy.Index(schema, path=str(path))
    writer = ix.writer(heap_size=512_000_000, num_threads=2)
    t0 = time.perf_counter()
    with get_context("fork").Pool(os.cpu_count() or 1) as pool:  # the same Python analysis as Whoosh, in parallel
        for fields in pool.imap(index_fields, iter(docs), chunksize=64):
            d = tantivy.Document()
            for k, v in fields.items():
                if v is None or v == "" or v == []:
                    continue
                if k in ("date_start", "date_end"):
                    d.add_integer(k, int(v))
                elif isinstance(v, list):
                    for x in v:
                        d.add_text(k, x)
                elif k in qm.CHAR_FIELDS.values():  # one value a run, as the ES backend sends them
                    for run in str(v).split(f" {analysis.GAP} "):
                        d.add_text(k, run)
                else:
                    d.add_text(k, str(v))
            writer.add_document(d)
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - t0
    ix.reload()
    size = du(path)
    searcher = ix.searcher()

    def compile_t(node):
        Occur = tantivy.Occur
        Q = tantivy.Query
        if isinstance(node, qm.MatchAll):
            return Q.all_query()
        if isinstance(node, qm.And):
            subs = [(Occur.Must, compile_t(c)) for c in node.children if not isinstance(c, qm.Not)]
            subs += [(Occur.MustNot, compile_t(c.child)) for c in node.children if isinstance(c, qm.Not)]
            if all(o == Occur.MustNot for o, _ in subs):
                subs.append((Occur.Must, Q.all_query()))
            return Q.boolean_query(subs)
        if isinstance(node, qm.Or):
            return Q.boolean_query([(Occur.Should, compile_t(c)) for c in node.children])
        if isinstance(node, qm.Not):
            return Q.boolean_query([(Occur.Must, Q.all_query()), (Occur.MustNot, compile_t(node.child))])
        if isinstance(node, qm.DateRange):
            lo, hi = node.start if node.start is not None else -(2**31), node.end if node.end is not None else 2**31
            return Q.boolean_query([
                (Occur.Must, Q.range_query(schema, "date_start", tantivy.FieldType.Integer, -(2**31), hi)),
                (Occur.Must, Q.range_query(schema, "date_end", tantivy.FieldType.Integer, lo, 2**31))])
        return groups_t(qm.expand(node))

    def groups_t(expansion):
        Occur = tantivy.Occur
        Q = tantivy.Query
        groups = []
        for alternatives in expansion:
            subs = []
            for c in alternatives:
                if isinstance(c, qm.AllOf):
                    subs.append((Occur.Should, groups_t(c.groups)))
                    continue
                if c.prefix:
                    q = Q.regex_query(schema, c.field, __import__("re").escape(c.tokens[0]) + ".*")
                elif len(c.tokens) > 1:
                    q = Q.phrase_query(schema, c.field, list(c.tokens), slop=c.slop - 1)  # tantivy counts like Lucene: 0 = adjacent
                else:
                    q = Q.term_query(schema, c.field, c.tokens[0])
                subs.append((Occur.Should, Q.boost_query(q, c.boost)))
            groups.append((Occur.Must, Q.boolean_query(subs)))
        return Q.boolean_query(groups) if groups else Q.empty_query()

    def run(sq: qm.SearchQuery):
        q = compile_t(sq.tree)
        if sq.filters:
            subs = [(tantivy.Occur.Must, q)]
            for name, values in sq.filters.items():
                subs.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, tantivy.Query.term_query(schema, FACET_FIELDS[name], v)) for v in values])))
            q = tantivy.Query.boolean_query(subs)
        result = searcher.search(q, sq.per_page)
        aggs = {name: {"terms": {"field": field, "size": 30}} for name, field in FACET_FIELDS.items()}
        facets = searcher.aggregate(q, aggs)
        ids = [json.loads(searcher.doc(addr)["stored"][0])["title"] and searcher.doc(addr)["id"][0] for _s, addr in result.hits]
        return ids, facets

    parsed = [(kind, qm.parse_query(q, f)) for kind, q, f in QUERIES + SUBSTRING_QUERIES]
    lat: dict[str, list[float]] = {}
    for _ in range(rounds):
        for kind, q in parsed:
            t = time.perf_counter()
            run(q)
            lat.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    recall = recall_at_10(lambda text: run(qm.parse_query(text, per_page=10))[0], judged)
    return dict(count=len(docs), build=build, size=size, lat=lat, recall=recall)


def report(name, r, total):
    extra = {kind for kind, _q, _f in SUBSTRING_QUERIES} | {"zero"}
    all_lat = [x for k, v in r["lat"].items() if k not in extra for x in v]
    with_extra = [x for v in r["lat"].values() for x in v]
    print(f"\n== {name} ==")
    print(f"records indexed     {r['count']:>10,}")
    print(f"build time          {r['build']:>10.1f} s   ({r['count'] / r['build']:,.0f} records/s)")
    if r.get("build_cpu"):
        main_cpu, workers_cpu = r["build_cpu"]
        print(f"build CPU           {main_cpu:>10.1f} s this process + {workers_cpu:.1f} s build workers "
              f"({r['count'] / (main_cpu + workers_cpu):,.0f} records per CPU-second; on {os.cpu_count()} idle CPUs "
              f"about {r['count'] / max(main_cpu, (main_cpu + workers_cpu) / (os.cpu_count() or 1)):,.0f} records/s)")
    print(f"index size on disk  {r['size'] / 2**20:>10.1f} MiB")
    print(f"query latency       p50 {percentile(all_lat, .5):.1f} ms   p95 {percentile(all_lat, .95):.1f} ms   "
          f"max {max(all_lat):.1f} ms  (n={len(all_lat)}, facets computed on every query)")
    if r.get("cpu"):
        print(f"query CPU           p50 {percentile(r['cpu'], .5):.1f} ms   p95 {percentile(r['cpu'], .95):.1f} ms   "
              f"(CPU time of the same queries: the wall clock on an idle machine, less I/O waits)")
    for kind, values in r["lat"].items():
        print(f"   {kind:<8} p50 {percentile(values, .5):7.1f} ms   p95 {percentile(values, .95):7.1f} ms")
    subs = [x for k, v in r["lat"].items() if k != "zero" for x in v]
    print(f"with {len(SUBSTRING_QUERIES)} single-character/substring queries (zh1, substr): p50 {percentile(subs, .5):.1f} ms   "
          f"p95 {percentile(subs, .95):.1f} ms   max {max(subs):.1f} ms  (n={len(subs)}); zero-hit queries with their "
          f"suggestions (zero) are timed apart")
    if "cold" in r:
        print(f"first query (cold)  {r['cold'] * 1000:>10.0f} ms  (opens the index and reads its date, facet and length arrays)")
    if "prefixes" in r:
        print(f"7-prefix query      {r['prefixes'] * 1000:>10.1f} ms  (ab* OR bc* OR ... each expanding to at most {qm.MAX_EXPANSIONS} terms)")
    print(f"recall@10 (judged)  {r['recall']['all']:>10.3f}  ("
          + ", ".join(f"{k} {v:.3f}" for k, v in r["recall"].items() if k != "all") + ")")
    return percentile(all_lat, .5), max(percentile(all_lat, .95), percentile(subs, .95))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, nargs="+", default=[20_000, 100_000],
                    help="corpus sizes, each built and measured in turn (default: 20000 100000)")
    ap.add_argument("--queries", type=int, default=5, help="rounds over the query set")
    ap.add_argument("--skip-tantivy", action="store_true")
    ap.add_argument("--keep", help="keep the indexes in this folder")
    args = ap.parse_args()
    analysis.warm_up()
    judged = yaml.safe_load((ROOT / "tests" / "search" / "judged_queries.yaml").read_text(encoding="utf-8"))
    fixture = fixture_documents()
    for records in args.records:
        run_size(args, records, judged, fixture)


def run_size(args, records: int, judged, fixture) -> None:
    """Build and measure one corpus size: ``records`` generated documents and the judged fixture."""
    target = 50 if records <= 20_000 else 100
    print(f"\n######## {records:,} records ########")
    t = time.perf_counter()
    docs = fixture + list(generate(records))
    gen = time.perf_counter() - t
    zh_chars = sum(len("".join(d["description"].get("zh", [""]))) for d in docs[:2000]) / 2000
    en_words = sum(len(" ".join(d["description"].get("en", [""])).split()) for d in docs[:2000]) / 2000
    print(f"corpus: {len(docs):,} records ({records:,} generated + {len(docs) - records} judged fixture items), "
          f"half Chinese-primary; mean description {zh_chars:.0f} zh chars + {en_words:.0f} en words; generated in {gen:.1f}s")
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; load average at start "
          + loadavg())
    workdir = Path(args.keep) / str(records) if args.keep else Path(tempfile.mkdtemp(prefix="jinshi-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        w = bench_whoosh(docs, len(docs), workdir, args.queries, judged)
        me, kids = peak_mb()
        wp50, wp95 = report("Whoosh (jinshi default)", w, len(docs))
        print(f"peak memory         {me:>10.0f} MiB (this process, incl. the generated corpus)   {kids:.0f} MiB (largest build worker)")
        print(f"malformed queries   {bench_malformed():>10.1f} ms  (slowest rejection of the unit tests' malformed set)")
        if not args.skip_tantivy:
            t_ = bench_tantivy(docs, workdir, args.queries, judged)
            tp50, tp95 = report("tantivy (reference, same analysis and queries)", t_, len(docs))
            me2, kids2 = peak_mb()
            print(f"peak memory         {me2:>10.0f} MiB (process so far)")
            print(f"\nratio Whoosh/tantivy: build time {w['build'] / t_['build']:.1f}x, p50 {wp50 / tp50:.1f}x, "
                  f"p95 {wp95 / tp95:.1f}x, size {w['size'] / t_['size']:.1f}x")
        print("load average at end " + loadavg())
        print(f"\ntargets at {records:,}: build ≥ 1000 records/s → {'met' if w['count'] / w['build'] >= 1000 else 'NOT met'}; "
              f"p95 ≤ {target} ms → {'met' if wp95 <= target else 'NOT met'}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
