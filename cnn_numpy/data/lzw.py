"""Decompress the Unix ``compress`` format (``.Z`` files): LZW with growing code widths.

The format, as written by ``compress`` and read by ``uncompress`` and ``gzip -d``:

* a 3-byte header: the magic number ``1f 9d``, then a flags byte whose low 5 bits are the
  largest code width (9..16 bits) and whose bit 0x80 is "block mode";
* then codes packed least significant bit first. They start 9 bits wide. Codes 0..255 stand
  for single bytes; every code after the first adds one string to the table (the previous
  code's string plus the first byte of this code's string), until the table holds
  ``2**max_bits`` strings. When the next string would not fit the current width, the width
  grows by one bit. In block mode, code 256 is CLEAR: the table empties and the width
  drops back to 9 bits.

The classic trap: ``compress`` writes codes in groups of 8, and a group of 8 codes of
``n`` bits is exactly ``n`` bytes. When the width changes or a CLEAR arrives, the rest of
the current group is padding: the reader skips to the end of the group, and the next code
starts the next group with the new width. Reading a whole group as one integer makes this
natural here: after a width change, the rest of that integer is simply dropped.
"""
from __future__ import annotations

from ..errors import DataError

MAGIC = b"\x1f\x9d"
BLOCK_MODE = 0x80          # flags bit: code 256 is CLEAR
MAX_BITS_MASK = 0x1F       # flags bits: the largest code width
RESERVED_FLAGS = 0x60       # flags bits with no meaning: refused
INIT_BITS = 9
CLEAR = 256


class LzwError(DataError):
    """The bytes are not a valid, complete ``.Z`` stream, or decompress to too much."""


def decompress(data: bytes, max_output: int = 64 << 20) -> bytes:
    """The bytes that the ``.Z`` stream ``data`` encodes.

    Raises LzwError for a bad header, an invalid code, a stream cut inside a code, or an
    output longer than ``max_output`` bytes (a guard against decompression bombs).
    """
    if len(data) < 3:
        raise LzwError(f"truncated .Z stream: {len(data)} bytes, shorter than the 3-byte header")
    if data[:2] != MAGIC:
        raise LzwError(f"not a .Z stream: magic number {data[:2].hex(' ')}, expected 1f 9d")
    flags = data[2]
    max_bits = flags & MAX_BITS_MASK
    block_mode = bool(flags & BLOCK_MODE)
    if flags & RESERVED_FLAGS or not INIT_BITS <= max_bits <= 16:
        raise LzwError(f"unsupported .Z header: flags byte 0x{flags:02x} (max bits must be 9 to 16)")

    first_free = CLEAR + 1 if block_mode else CLEAR
    table_limit = 1 << max_bits
    table = [bytes([i]) for i in range(256)] + [b""] * (first_free - 256)   # b"": CLEAR's slot
    out = bytearray()
    prev: bytes | None = None          # the previous code's string; None at the start and after CLEAR
    bits, pos = INIT_BITS, 3           # code width; byte offset of the next group
    while pos < len(data):
        group = data[pos:pos + bits]   # 8 codes of `bits` bits, fewer at the end of the data
        pos += bits
        value = int.from_bytes(group, "little")
        n_codes, leftover = divmod(8 * len(group), bits)
        if leftover >= 8:
            raise LzwError(f"truncated .Z stream: it ends inside a code at byte {len(data)}")
        mask = (1 << bits) - 1
        for _ in range(n_codes):
            code = value & mask
            value >>= bits
            if code == CLEAR and block_mode:
                del table[first_free:]
                prev, bits = None, INIT_BITS
                break                  # the rest of this group is padding
            if code < len(table):
                entry = table[code]
            elif code == len(table) and prev is not None:
                entry = prev + prev[:1]        # the string being defined right now (KwKwK)
            else:
                raise LzwError(f"corrupt .Z stream: invalid code {code} with {len(table)} table entries")
            if len(out) + len(entry) > max_output:
                raise LzwError(f".Z stream decompresses to more than the {max_output}-byte limit")
            out += entry
            if prev is not None and len(table) < table_limit:
                table.append(prev + entry[:1])
            prev = entry
            if len(table) > mask and bits < max_bits:
                bits += 1
                break                  # the rest of this group is padding
    return bytes(out)
