"""Fixtures for the search tests: a small bilingual catalogue built directly with the models."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from exhibits.db import Database
from exhibits.models import Asset, Hall, Item, Museum, Section
from exhibits.settings import Settings

HERE = Path(__file__).parent

MUSEUMS = {
    "copper": ({"zh": ["铜陵数字铜博物馆"], "en": ["Tongling Digital Copper Museum"]},
               {"bronze-vessels": ({"zh": ["青铜容器"], "en": ["Bronze Vessels"]}, ["shang", "zhou"]),
                "mirrors": ({"zh": ["铜镜"], "en": ["Mirrors"]}, [])}),
    "art": ({"zh": ["市美术馆"], "en": ["City Art Museum"]},
            {"paintings": ({"zh": ["书画"], "en": ["Painting and Calligraphy"]}, [])}),
    "ich": ({"zh": ["非遗馆"], "en": ["ICH Hall"]},
            {"crafts": ({"zh": ["传统技艺"], "en": ["Traditional Crafts"]}, [])}),
}


def lm(zh=None, en=None):
    out = {}
    if zh:
        out["zh"] = [zh] if isinstance(zh, str) else list(zh)
    if en:
        out["en"] = [en] if isinstance(en, str) else list(en)
    return out


#: (id, museum, hall, section, title zh, title en, desc zh, desc en, object_type, period, date range,
#:  material zh/en, extra metadata, asset kinds)
RECORDS = [
    ("tl-001", "copper", "bronze-vessels", "shang", "兽面纹青铜鼎", "Bronze ding with taotie mask",
     "商代晚期青铜礼器，腹部饰兽面纹，三足。", "Late Shang ritual bronze cauldron with three legs and taotie décor.",
     "vessel", "商代晚期", (-1300, -1046), ("青铜", "bronze"), {"creator": lm("佚名", "anonymous")}, ["image", "model"]),
    ("tl-002", "copper", "bronze-vessels", "zhou", "西周青铜簋", "Western Zhou bronze gui",
     "西周早期食器，有铭文四十字。", "Early Western Zhou food vessel bearing a forty-character inscription.",
     "vessel", "西周", (-1046, -950), ("青铜", "bronze"), {}, ["image"]),
    ("tl-003", "copper", "bronze-vessels", "zhou", "春秋铜编钟", "Spring and Autumn bronze bell set",
     "春秋时期编钟一套九件，音律完整。", "A set of nine chime bells from the Spring and Autumn period, still in tune.",
     "instrument", "春秋", (-770, -476), ("青铜", "bronze"), {}, ["image", "audio"]),
    ("tl-004", "copper", "bronze-vessels", None, "战国错金银铜壶", "Warring States bronze hu inlaid with gold and silver",
     "战国时期酒器，错金银工艺精湛。", "Wine vessel of the Warring States, finely inlaid with gold and silver.",
     "vessel", "战国", (-475, -221), ("青铜", "bronze"), {}, ["image"]),
    ("tl-005", "copper", "mirrors", None, "汉代四神规矩镜", "Han dynasty TLV mirror with four spirits",
     "汉代铜镜，背饰四神与规矩纹。", "Han bronze mirror with the four spirits and TLV pattern on the back.",
     "mirror", "汉", (-206, 220), ("青铜", "bronze"), {}, ["image"]),
    ("tl-006", "copper", "mirrors", None, "唐代海兽葡萄镜", "Tang mirror with sea beasts and grapes",
     "唐代铜镜，海兽葡萄纹，工艺繁复。", "Tang dynasty bronze mirror decorated with lions and grapevines.",
     "mirror", "唐", (618, 907), ("青铜", "bronze"), {}, ["image"]),
    ("tl-007", "copper", "bronze-vessels", "shang", "商代铜爵", "Shang bronze jue wine cup",
     "商代饮酒器，流尾分明。", "Shang bronze tripod wine cup with spout and tail.",
     "vessel", None, (-1500, -1300), ("青铜", "bronze"), {}, []),
    ("tl-008", "copper", "bronze-vessels", None, "铜陵出土铜锭", "Copper ingot excavated in Tongling",
     "铜陵古矿冶遗址出土的铜锭，见证了采冶历史。", "A copper ingot from the ancient Tongling mines and smelting sites.",
     "ingot", "春秋", (-700, -500), ("铜", "copper"), {"place": lm("铜陵", "Tongling")}, []),
    ("tl-009", "copper", "mirrors", None, "宋代湖州镜", "Song dynasty Huzhou mirror",
     "北宋湖州铸镜，素面带铭。", "Plain Northern Song mirror from Huzhou with a maker's inscription.",
     "mirror", "北宋", (960, 1127), ("铜", "copper"), {"place": lm("湖州", "Huzhou")}, []),
    ("tl-010", "copper", "bronze-vessels", None, "明代宣德炉", "Ming Xuande incense burner",
     "明代宣德年间铜香炉。", "Bronze incense burner of the Xuande reign, Ming dynasty.",
     "vessel", "明", (1426, 1435), ("铜", "copper"), {}, ["image", "model"]),
    ("art-001", "art", "paintings", None, "山水图", "Landscape",
     "清代山水画，水墨设色，描绘江南景色。", "Qing dynasty ink landscape of the Jiangnan region.",
     "painting", "清", (1700, 1750), ("纸本", "paper"), {"creator": lm("王翚", "Wang Hui")}, ["image"]),
    ("art-002", "art", "paintings", None, "行书诗卷", "Poem in running script",
     "明代书法手卷，行书自作诗。", "Ming dynasty handscroll of the artist's own poems in running script.",
     "calligraphy", "明", (1500, 1550), ("绢本", "silk"), {"creator": lm("文徵明", "Wen Zhengming")}, ["image"]),
    ("art-003", "art", "paintings", None, "墨竹图", "Ink bamboo",
     "元代墨竹，笔力遒劲。", "Yuan dynasty painting of bamboo in ink.",
     "painting", "元", (1300, 1350), ("纸本", "paper"), {"creator": lm("吴镇", "Wu Zhen")}, []),
    ("art-004", "art", "paintings", None, "青花瓷瓶", "Blue-and-white porcelain vase",
     "清代景德镇青花瓷瓶，绘缠枝莲纹。", "Qing blue-and-white porcelain vase from Jingdezhen with lotus scrolls.",
     "ceramic", "清", (1662, 1722), ("瓷", "porcelain"), {"place": lm("景德镇", "Jingdezhen")}, ["image"]),
    ("art-005", "art", "paintings", None, "民国月份牌", "Republican-era calendar poster",
     "民国时期上海月份牌广告画。", "Shanghai calendar poster advertisement of the Republican era.",
     "print", "民国", (1930, 1935), ("纸", "paper"), {"place": lm("上海", "Shanghai")}, []),
    ("ich-001", "ich", "crafts", None, "铜陵白姜制作技艺", "Tongling white ginger making",
     "铜陵白姜的传统腌制技艺，以嫩姜为原料。", "The traditional pickling craft of Tongling white ginger.",
     "ich", None, (None, None), None,
     {"ich_category": lm("传统技艺", "traditional craftsmanship"), "ich_level": lm("国家级", "national"),
      "inheritor": lm("张三", "Zhang San"), "region": lm("铜陵", "Tongling")}, ["video"]),
    ("ich-002", "ich", "crafts", None, "铜雕技艺", "Copper carving",
     "铜雕是以铜为材料的雕刻技艺，锻打成型。", "Copper carving: hammering and chasing sheet copper into relief.",
     "ich", None, (None, None), ("铜", "copper"),
     {"ich_category": lm("传统美术", "traditional fine arts"), "ich_level": lm("省级", "provincial"),
      "inheritor": lm("李四", "Li Si"), "region": lm("铜陵", "Tongling")}, ["video", "audio"]),
    ("ich-003", "ich", "crafts", None, "牛歌", "Cattle songs",
     "当地农民在耕作时所唱的民歌。", "Folk songs sung by farmers while ploughing with oxen.",
     "ich", None, (None, None), None,
     {"ich_category": lm("传统音乐", "traditional music"), "ich_level": lm("市级", "municipal"),
      "region": lm("枞阳", "Zongyang")}, ["audio"]),
    ("ich-004", "ich", "crafts", None, "傩戏", "Nuo opera",
     "傩戏是戴面具表演的古老戏剧，用于驱邪纳福。", "Nuo is an ancient masked opera performed to drive away evil.",
     "ich", None, (None, None), None,
     {"ich_category": lm("传统戏剧", "traditional theatre"), "ich_level": lm("国家级", "national"),
      "region": lm("池州", "Chizhou")}, ["video"]),
    ("tl-011", "copper", "bronze-vessels", "shang", "青銅觚", "Bronze gu goblet",
     "商代青銅酒器，喇叭口。", "Shang bronze wine goblet with a trumpet mouth.",
     "vessel", "商", (-1250, -1100), ("青銅", "bronze"), {}, []),
    ("tl-012", "copper", "mirrors", None, "铜镜拓片", "Rubbing of a bronze mirror",
     "现代拓片，纸本。", "Modern ink rubbing on paper of a bronze mirror back.",
     "rubbing", "现代", (1980, 1980), ("纸", "paper"), {}, []),
]

#: Items present in the catalogue but not visible (must never be found).
HIDDEN = [
    ("tl-900", "pending", True, "未完成的鼎", "Unfinished ding"),
    ("tl-901", "ready", False, "草稿青铜鼎", "Draft bronze ding"),
]


def build_catalogue(db: Database) -> None:
    with db.session() as s:
        halls, sections, museums = {}, {}, {}
        for mpos, (mslug, (mtitle, mhalls)) in enumerate(MUSEUMS.items()):
            museum = Museum(slug=mslug, title=mtitle, summary={}, position=mpos)
            s.add(museum)
            museums[mslug] = museum
            for hpos, (hslug, (htitle, secs)) in enumerate(mhalls.items()):
                hall = Hall(slug=hslug, title=htitle, summary={}, position=hpos, museum=museum)
                s.add(hall)
                halls[hslug] = hall
                for spos, sslug in enumerate(secs):
                    sec = Section(slug=sslug, title=lm(sslug, sslug), summary={}, position=spos, hall=hall)
                    s.add(sec)
                    sections[(hslug, sslug)] = sec
        s.flush()
        for pos, rec in enumerate(RECORDS):
            (iid, mslug, hslug, sslug, tzh, ten, dzh, den, otype, period, (ds, de), material, extra, kinds) = rec
            meta = dict(extra)
            if period:
                meta["period"] = lm(period)
            if material:
                meta["material"] = lm(*material)
            item = Item(id=iid, museum=museums[mslug], hall=halls[hslug], section=sections.get((hslug, sslug)),
                        title=lm(tzh, ten), description=lm(dzh, den), metadata_=meta, object_type=otype,
                        date_start=ds, date_end=de, accession_number=f"ACC-{iid.upper()}", state="ready",
                        publication="published", position=pos)
            for apos, kind in enumerate(kinds):
                item.assets.append(Asset(sha256=f"{iid}-{kind}".ljust(64, "0")[:64], kind=kind, role="main",
                                         mime="application/octet-stream", filename=f"{iid}.{kind}", size=1,
                                         info={}, position=apos))
            if iid == "ich-001":
                item.assets.append(Asset(sha256=f"{iid}-tr".ljust(64, "0")[:64], kind="transcript", role="transcript",
                                         mime="text/vtt", filename=f"{iid}.zh.transcript.vtt", size=1, language="zh",
                                         info={"cues": [{"start": 0.0, "end": 4.0, "text": "先把原料洗净切片"},
                                                        {"start": 4.0, "end": 9.0, "text": "然后用盐腌制七天，这是祖传的秘方"}]},
                                         position=99))
            s.add(item)
        for iid, state, published, tzh, ten in HIDDEN:
            s.add(Item(id=iid, museum=museums["copper"], title=lm(tzh, ten), description={}, metadata_={},
                       state=state, publication="published" if published else "draft"))


def make_db(path: Path) -> Database:
    return Database.from_settings(Settings(home=path).resolved())


@pytest.fixture(scope="session")
def catalogue_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalogue")
    db = make_db(path)
    build_catalogue(db)
    yield db
    db.dispose()


def _backends():
    names = ["whoosh"]
    if os.environ.get("JINSHI_TEST_ELASTICSEARCH_URL"):
        names.append("elasticsearch")
    return names


@pytest.fixture(scope="session", params=_backends())
def built_index(request, catalogue_db, tmp_path_factory):
    """The fixture catalogue indexed by each backend (Whoosh always; Elasticsearch when configured)."""
    from search.sync import rebuild_from_catalogue

    if request.param == "whoosh":
        from search.whoosh_backend import WhooshIndex

        index = WhooshIndex(tmp_path_factory.mktemp("index"))
    else:
        from search.es_backend import ElasticsearchIndex

        index = ElasticsearchIndex(os.environ["JINSHI_TEST_ELASTICSEARCH_URL"],
                                   prefix=f"jinshi-test-{os.getpid()}", refresh=True)
    rebuild_from_catalogue(catalogue_db, index)
    yield index
    if request.param == "elasticsearch":
        index.drop()
    index.close()


@pytest.fixture(scope="session")
def judged():
    return yaml.safe_load((HERE / "judged_queries.yaml").read_text(encoding="utf-8"))
