"""A risk map kept in the cache folder changes how fast a render is, never its bytes: a kept
map is the map drawing gives, a damaged or foreign entry is drawn again, and a map for other
risks is never taken for this one."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpia.document._risk_map import _FORMAT, MapPoint, _drawn, _kept, risk_map_png

FILLS = {"low": "DCEFE0", "medium": "FFF1C7", "high": "F9D6D5"}
POINTS = (
    MapPoint("R1", (3, 4), (2, 2)),
    MapPoint("R2", (2, 3), (2, 3)),
    MapPoint("R3", (4, 4), (1, 3)),
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DPIA_CACHE_DIR", str(folder))
    _kept.cache_clear()
    yield folder
    _kept.cache_clear()


def _drawing(points: tuple[MapPoint, ...] = POINTS) -> bytes:
    return _drawn(points, tuple(sorted(FILLS.items())))


def _map(points: tuple[MapPoint, ...] = POINTS) -> bytes:
    """The map as a new process gets it: from the cache folder when an entry is there."""
    _kept.cache_clear()
    return risk_map_png(points, FILLS)


def _entry(cache: Path) -> Path:
    (entry,) = cache.glob("risk-maps-*/map-*")
    return entry


def test_a_kept_map_is_the_drawn_map_and_is_read_again(cache: Path) -> None:
    drawn = _drawing()
    assert _map() == drawn
    entry = _entry(cache)
    assert entry.read_bytes().endswith(drawn)
    assert entry.stat().st_mode & 0o077 == 0
    assert _map() == drawn


def _forged(entry: Path, body: bytes) -> None:
    """Rewrite the entry whole, its header right, as a user who can write the folder could."""
    header = entry.read_bytes().partition(b"\n")[0]
    key = header.split(b" ")[2]
    digest = hashlib.sha256(body).hexdigest().encode()
    entry.write_bytes(b"%s %s %s\n%s" % (_FORMAT, key, digest, body))


def test_a_damaged_entry_is_drawn_again_and_rewritten_whole(cache: Path) -> None:
    drawn = _map()
    entry = _entry(cache)
    whole = entry.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole[:-1] + b"\0", whole.partition(b"\n")[0]):
        entry.write_bytes(damaged)
        assert _map() == drawn
        assert entry.read_bytes() == whole
    _forged(entry, b"not a picture")
    assert _map() == drawn


def test_an_entry_others_could_write_is_not_read(cache: Path) -> None:
    drawn = _map()
    entry = _entry(cache)
    other = _drawing((MapPoint("R9", (1, 1), (1, 1)),))
    _forged(entry, other)
    entry.chmod(0o600)
    assert _map() == other
    entry.chmod(0o666)
    assert _map() == drawn


def test_other_risks_are_kept_under_another_name(cache: Path) -> None:
    first = _map()
    moved = (MapPoint("R1", (3, 4), (2, 1)), *POINTS[1:])
    second = _map(moved)
    assert second != first
    assert second == _drawing(moved)
    assert len(list(cache.glob("risk-maps-*/map-*"))) == 2


def test_a_cache_folder_that_cannot_be_made_only_costs_drawing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("DPIA_CACHE_DIR", str(blocked / "cache"))
    _kept.cache_clear()
    assert _map() == _drawing()
    _kept.cache_clear()
