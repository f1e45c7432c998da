#!/usr/bin/env python3
"""Writes the tray icon variants (idle, syncing, error) into icons/ from icons/64x64.png.

The syncing and error variants carry a coloured dot in the lower right corner so the state is
visible at tray size. Standard library only (zlib + struct), so it runs on any build machine.
Run from the repository root: python3 scripts/make-tray-icons.py
"""

import struct
import sys
import zlib
from pathlib import Path

SOURCE = Path("icons/64x64.png")
VARIANTS = {
    "tray.png": None,
    "tray-syncing.png": (0x25, 0x63, 0xEB),  # blue
    "tray-error.png": (0xDC, 0x26, 0x26),  # red
}


def read_rgba(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour != 6 or interlace != 0:
        sys.exit("expected an 8-bit RGBA, non-interlaced PNG")
    raw, stride, bpp = zlib.decompress(idat), width * 4, 4
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(line)
        prev = line
    return width, height, rows


def write_rgba(path, width, height, rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    path.write_bytes(png)


def with_dot(width, height, rows, rgb):
    rows = [bytearray(r) for r in rows]
    radius = width * 0.22
    cx, cy = width - radius - 1, height - radius - 1
    for y in range(height):
        for x in range(width):
            d = ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) ** 0.5
            if d <= radius + 1.5:
                # A white ring keeps the dot readable on dark and light panels alike.
                colour = rgb if d <= radius else (255, 255, 255)
                rows[y][x * 4 : x * 4 + 4] = bytes((*colour, 255))
    return rows


def main():
    width, height, rows = read_rgba(SOURCE)
    for name, rgb in VARIANTS.items():
        out = rows if rgb is None else with_dot(width, height, rows, rgb)
        write_rgba(Path("icons") / name, width, height, out)
        print(f"icons/{name}")


if __name__ == "__main__":
    main()
