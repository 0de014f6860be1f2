"""A tiny TIFF directory reader for Jinshi's pyramidal JPEG TIFFs.

It reads the image file directories (classic TIFF and BigTIFF) of a pyramid written
by :func:`media.images.make_pyramid`: one IFD per level, each tiled and JPEG-compressed
with shared ``JPEGTables``. :meth:`Level.raw_tile` returns one tile as a complete JPEG
file by splicing the tables into the tile's abbreviated stream — no decoding at all.
"""
from __future__ import annotations

import os
import sys
import struct
from array import array
from dataclasses import dataclass, field
from pathlib import Path

# TIFF tags used here
WIDTH, LENGTH, COMPRESSION, PHOTOMETRIC = 256, 257, 259, 262
STRIP_OFFSETS, SAMPLES, STRIP_COUNTS = 273, 277, 279
TILE_WIDTH, TILE_LENGTH, TILE_OFFSETS, TILE_COUNTS, JPEG_TABLES = 322, 323, 324, 325, 347

_TYPES = {1: ("B", 1), 2: ("B", 1), 3: ("H", 2), 4: ("I", 4), 6: ("b", 1), 7: ("B", 1),
          8: ("h", 2), 9: ("i", 4), 16: ("Q", 8), 17: ("q", 8), 13: ("I", 4)}
_WANTED = {WIDTH, LENGTH, COMPRESSION, PHOTOMETRIC, STRIP_OFFSETS, SAMPLES, STRIP_COUNTS,
           TILE_WIDTH, TILE_LENGTH, TILE_OFFSETS, TILE_COUNTS, JPEG_TABLES}
_JFIF = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
# Adobe APP14 with transform=0: the components are RGB, not YCbCr
_ADOBE_RGB = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x00"


class TiffError(ValueError):
    pass


@dataclass
class Level:
    width: int
    height: int
    tile_width: int
    tile_height: int
    compression: int
    photometric: int
    samples: int
    offsets: array
    counts: array
    jpeg_tables: bytes = b""
    _prefix: bytes = field(default=b"", repr=False)

    @property
    def across(self) -> int:
        return -(-self.width // self.tile_width)

    @property
    def down(self) -> int:
        return -(-self.height // self.tile_height)

    @property
    def can_copy_tiles(self) -> bool:
        return self.compression == 7 and self.photometric in (1, 2, 6) and bool(self.offsets)

    def jpeg_prefix(self) -> bytes:
        """SOI + APPn + the shared quantisation/Huffman tables, ready to prepend to a tile."""
        if not self._prefix:
            tables = self.jpeg_tables
            if tables[:2] == b"\xff\xd8":
                tables = tables[2:]
            if tables[-2:] == b"\xff\xd9":
                tables = tables[:-2]
            app = _ADOBE_RGB if self.photometric == 2 else _JFIF
            self._prefix = b"\xff\xd8" + app + tables
        return self._prefix

    def raw_tile(self, fd: int, col: int, row: int, height: int | None = None) -> bytes:
        """Tile (col, row) as a JPEG file; ``height`` crops a bottom-edge tile without decoding."""
        index = row * self.across + col
        data = os.pread(fd, self.counts[index], self.offsets[index])
        if data[:2] != b"\xff\xd8" or len(data) != self.counts[index]:
            raise TiffError("tile is not a JPEG stream")
        body = data[2:]
        if height is not None and height != self.tile_height:
            body = _patch_sof_height(body, height)
        return self.jpeg_prefix() + body


def _patch_sof_height(body: bytes, height: int) -> bytes:
    """Rewrite the frame height: a decoder then stops after the rows it needs."""
    pos = 0
    n = len(body)
    while pos + 4 <= n:
        if body[pos] != 0xFF:
            raise TiffError("bad JPEG marker")
        marker = body[pos + 1]
        if marker in (0xC0, 0xC1, 0xC2):
            return body[: pos + 5] + struct.pack(">H", height) + body[pos + 7:]
        if marker == 0xDA:
            break
        length = struct.unpack_from(">H", body, pos + 2)[0]
        pos += 2 + length
    raise TiffError("no SOF marker in tile")


@dataclass
class Pyramid:
    path: Path
    levels: list[Level]
    mtime_ns: int = 0

    @property
    def width(self) -> int:
        return self.levels[0].width

    @property
    def height(self) -> int:
        return self.levels[0].height


def _read_ifds(handle, size: int, max_ifds: int = 64) -> list[dict]:
    head = handle.read(16)
    if head[:2] == b"II":
        end = "<"
    elif head[:2] == b"MM":
        end = ">"
    else:
        raise TiffError("not a TIFF file")
    magic = struct.unpack(end + "H", head[2:4])[0]
    if magic == 42:
        big = False
        offset = struct.unpack(end + "I", head[4:8])[0]
    elif magic == 43:
        big = True
        offset = struct.unpack(end + "Q", head[8:16])[0]
    else:
        raise TiffError("not a TIFF file")
    count_fmt, entry_size, next_fmt = ("Q", 20, "Q") if big else ("H", 12, "I")
    inline = 8 if big else 4
    ifds = []
    seen = set()
    while offset and len(ifds) < max_ifds:
        if offset in seen or offset + 2 > size:
            raise TiffError("bad IFD offset")
        seen.add(offset)
        handle.seek(offset)
        csize = struct.calcsize(count_fmt)
        (count,) = struct.unpack(end + count_fmt, handle.read(csize))
        if count > 4096:
            raise TiffError("implausible IFD")
        raw = handle.read(count * entry_size + struct.calcsize(next_fmt))
        if len(raw) < count * entry_size + struct.calcsize(next_fmt):
            raise TiffError("IFD runs past the end of the file")
        tags = {}
        for i in range(count):
            entry = raw[i * entry_size:(i + 1) * entry_size]
            if big:
                tag, typ, n = struct.unpack(end + "HHQ", entry[:12])
                value_field = entry[12:20]
            else:
                tag, typ, n = struct.unpack(end + "HHI", entry[:8])
                value_field = entry[8:12]
            if tag not in _WANTED or typ not in _TYPES:
                continue
            code, width = _TYPES[typ]
            nbytes = n * width
            if nbytes <= inline:
                data = value_field[:nbytes]
            else:
                (pointer,) = struct.unpack(end + ("Q" if big else "I"), value_field)
                if pointer + nbytes > size:
                    raise TiffError("tag data runs past the end of the file")
                here = handle.tell()
                handle.seek(pointer)
                data = handle.read(nbytes)
                handle.seek(here)
            if typ in (7, 1, 2) and tag == JPEG_TABLES:
                tags[tag] = bytes(data)
                continue
            values = array(code if code != "Q" else "Q")
            values.frombytes(data)
            if (end == ">") != (sys.byteorder == "big") and width > 1:
                values.byteswap()
            tags[tag] = values
        ifds.append(tags)
        (offset,) = struct.unpack(end + next_fmt, raw[count * entry_size:])
    return ifds


def _first(tags: dict, tag: int, default: int = 0) -> int:
    value = tags.get(tag)
    return int(value[0]) if value is not None and len(value) else default


def check_tiff_extents(path: Path) -> str | None:
    """None if every strip/tile of the first image lies inside the file, else the problem."""
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as handle:
            ifds = _read_ifds(handle, size, max_ifds=1)
    except (TiffError, struct.error) as error:
        return str(error) or "bad TIFF structure"
    if not ifds:
        return "no image in TIFF"
    tags = ifds[0]
    offsets = tags.get(TILE_OFFSETS) or tags.get(STRIP_OFFSETS)
    counts = tags.get(TILE_COUNTS) or tags.get(STRIP_COUNTS)
    if offsets is None or counts is None or len(offsets) != len(counts):
        return "missing image data"
    for offset, count in zip(offsets, counts):
        if offset + count > size:
            return "image data runs past the end of the file"
    return None


def open_pyramid(path: Path) -> Pyramid:
    path = Path(path)
    st = os.stat(path)
    with open(path, "rb") as handle:
        ifds = _read_ifds(handle, st.st_size)
    levels = []
    for tags in ifds:
        level = Level(
            width=_first(tags, WIDTH),
            height=_first(tags, LENGTH),
            tile_width=_first(tags, TILE_WIDTH),
            tile_height=_first(tags, TILE_LENGTH),
            compression=_first(tags, COMPRESSION, 1),
            photometric=_first(tags, PHOTOMETRIC, 2),
            samples=_first(tags, SAMPLES, 1),
            offsets=tags.get(TILE_OFFSETS, array("I")),
            counts=tags.get(TILE_COUNTS, array("I")),
            jpeg_tables=tags.get(JPEG_TABLES, b""),
        )
        if levels and (level.width > levels[-1].width or level.height > levels[-1].height):
            break  # not a reduced-resolution level (e.g. a thumbnail or a new page)
        levels.append(level)
    if not levels or levels[0].width <= 0:
        raise TiffError("no image in TIFF")
    return Pyramid(path=path, levels=levels, mtime_ns=st.st_mtime_ns)
