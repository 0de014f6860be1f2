"""The Whoosh patches are applied explicitly, and only to the whoosh-reloaded release they were
written for: on another version this test fails loudly, before private internals silently change."""
import configparser
from pathlib import Path

import whoosh
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader
from whoosh.columns import NumericColumn
from whoosh.writing import PostingPool

from search import whoosh_patches

ROOT = Path(__file__).resolve().parents[2]


def test_installed_whoosh_is_the_pinned_release():
    assert whoosh_patches.installed_version() == whoosh_patches.PINNED, (
        f"whoosh-reloaded {whoosh.versionstring()} is installed, search/whoosh_patches.py and search/whoosh_engine.py "
        f"were written for {whoosh_patches.PINNED}: check the internals they use, then move the pin")


def test_setup_cfg_pins_exactly_that_release():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    requires = [r.strip() for r in cfg["options"]["install_requires"].splitlines() if r.strip()]
    pin = ".".join(map(str, whoosh_patches.PINNED))
    assert f"whoosh-reloaded=={pin}" in requires


def test_patches_are_installed_by_opening_the_backend():
    import search.whoosh_backend  # noqa: F401  (applies them)

    assert whoosh_patches.apply() is True
    assert getattr(W3PerDocReader, "_jinshi_length_cache", False)
    assert getattr(PostingPool, "_jinshi_lean_add", False)


def test_the_internals_the_patches_and_the_engine_rely_on_exist():
    # what whoosh_patches and whoosh_engine read: a missing name means the release changed them
    for name in ("_cached_reader", "_readers"):
        assert hasattr(W3PerDocReader, name) or name == "_readers"
    for name in ("_read_data", "_goto"):
        assert hasattr(W3LeafMatcher, name)
    assert hasattr(NumericColumn, "Reader")
    for name in ("save", "add"):
        assert hasattr(PostingPool, name)


def test_another_version_is_refused_with_a_warning(monkeypatch):
    import pytest

    monkeypatch.setattr(whoosh_patches, "_applied", False)
    monkeypatch.setattr(whoosh, "__version__", (2, 8, 0))
    with pytest.warns(RuntimeWarning, match="not the pinned"):
        assert whoosh_patches.apply() is False
