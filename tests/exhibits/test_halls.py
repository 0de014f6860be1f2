"""The halls file: validated with line numbers, loaded again in place."""
import pytest
from sqlalchemy import select

from exhibits.halls import HallsFileError, load_halls, parse_halls
from exhibits.models import Hall, Museum, Section


def test_load_creates_museums_halls_and_sections(runtime, halls_file):
    counts = load_halls(runtime.db, halls_file)
    assert counts == {"museums": 2, "halls": 3, "sections": 2}
    with runtime.db.session() as session:
        copper = session.scalar(select(Museum).where(Museum.slug == "copper"))
        assert copper.title == {"zh": ["铜陵数字铜博物馆"], "en": ["Tongling Digital Copper Museum"]}
        assert [h.slug for h in copper.halls] == ["bronze-vessels", "mirrors"]
        assert [s.slug for s in copper.halls[0].sections] == ["shang", "zhou"]


def test_loading_again_updates_in_place(runtime, halls_file, tmp_path):
    load_halls(runtime.db, halls_file)
    changed = halls_file.read_text(encoding="utf-8").replace("Bronze Vessels", "Ritual Bronze Vessels")
    changed = changed.replace("          - slug: zhou\n            title: {zh: 周代青铜器, en: Zhou Bronzes}\n", "")
    path = tmp_path / "again.yaml"
    path.write_text(changed, encoding="utf-8")
    load_halls(runtime.db, path)
    with runtime.db.session() as session:
        assert session.scalar(select(Hall).where(Hall.slug == "bronze-vessels")).title["en"] == ["Ritual Bronze Vessels"]
        assert len(session.scalars(select(Museum)).all()) == 2
        assert len(session.scalars(select(Hall)).all()) == 3
        # a section left out of the file is kept (items may point at it), never duplicated
        assert sorted(s.slug for s in session.scalars(select(Section))) == ["shang", "zhou"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("museums:\n  - slug: Bad Slug\n    title: {zh: 馆}\n", "line 2: museum slug 'Bad Slug'"),
        ("museums:\n  - slug: a\n", "line 2: missing title"),
        ("museums:\n  - slug: a\n    title: {zh: 馆}\n    halls:\n      - slug: h\n        title: {en: H}\n  - slug: b\n    title: {zh: 乙}\n    halls:\n      - slug: h\n        title: {en: H2}\n",
         "line 10: hall 'h' is already defined on line 5"),
        ("museums: [\n", "not valid YAML"),
        ("", "the file is empty"),
        ("halls: []\n", "missing top-level 'museums'"),
        ("museums:\n  - slug: a\n    title: {zh: 馆}\n    halls: {slug: x}\n", "line 4: halls must be a list"),
    ],
)
def test_invalid_files_are_refused_with_line_numbers(text, expected):
    with pytest.raises(HallsFileError) as info:
        parse_halls(text, "halls.yaml")
    assert expected in str(info.value)


def test_refused_file_changes_nothing(runtime, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("museums:\n  - slug: ok\n    title: {zh: 馆}\n  - slug: NOT OK\n    title: {zh: 馆}\n", encoding="utf-8")
    with pytest.raises(HallsFileError):
        load_halls(runtime.db, bad)
    with runtime.db.session() as session:
        assert session.scalars(select(Museum)).all() == []


def test_cli_halls_load(cli, halls_file, tmp_path):
    result = cli("halls", "load", str(halls_file))
    assert result.exit_code == 0, result.output
    assert "2 museums, 3 halls, 2 sections" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("museums:\n  - slug: x\n", encoding="utf-8")
    result = cli("halls", "load", str(bad))
    assert result.exit_code == 1
    assert "line 2: missing title" in result.output


def test_a_misspelt_key_is_named_with_its_line_and_the_likely_key():
    text = """\
museums:
  - slug: copper
    title: {zh: 铜博物馆, en: Copper}
    hals:
      - slug: mirrors
        title: {zh: 铜镜}
  - slug: ich
    titel: {zh: 非遗馆}
    halls:
      - slug: crafts
        title: {zh: 技艺}
        sections:
          - slug: carving
            title: {zh: 铜雕}
            colour: red
"""
    with pytest.raises(HallsFileError) as info:
        parse_halls(text)
    assert info.value.problems == [
        "line 4: unknown key 'hals' in a museum; did you mean 'halls'?",
        "line 8: unknown key 'titel' in a museum; did you mean 'title'?",
        "line 7: missing title (a mapping like {zh: ..., en: ...})",
        "line 15: unknown key 'colour' in a section (known keys: slug, title, summary)",
    ]
