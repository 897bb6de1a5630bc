"""A Unix ``compress`` (.Z, LZW) encoder for the tests of the decoder in cnn_numpy/data/lzw.py:
width changes, CLEAR codes and the padding after them, as real .Z files have them."""
from __future__ import annotations

from cnn_numpy.data.lzw import CLEAR


class CodeWriter:
    """Packs LZW codes as ``compress`` does: groups of 8 codes of the current width, the rest of
    a group padded with zeros when the width grows or after a CLEAR.

    It follows the decoder's view of the table to know when the width grows: the decoder adds
    one string per code except the first after a (re)start, up to ``2**max_bits`` strings.
    """

    def __init__(self, max_bits: int, block_mode: bool) -> None:
        self.out = bytearray(b"\x1f\x9d" + bytes([max_bits | (0x80 if block_mode else 0)]))
        self.max_bits = max_bits
        self.first_free = CLEAR + 1 if block_mode else CLEAR
        self.bits = 9
        self.group: list[int] = []
        self.table_size = self.first_free      # the decoder's table size before it reads the next code
        self.restarted = True                  # the next code is the first since the start or a CLEAR
        self.codes_since_clear = 0
        self.widest, self.clears = 9, 0        # for the tests to see what was exercised

    def write(self, code: int) -> None:
        self._put(code)
        self.codes_since_clear += 1
        if not self.restarted and self.table_size < 1 << self.max_bits:
            self.table_size += 1
        self.restarted = False
        if self.table_size > (1 << self.bits) - 1 and self.bits < self.max_bits:
            self._end_group()
            self.bits += 1
            self.widest = max(self.widest, self.bits)

    def clear(self) -> None:
        self._put(CLEAR)
        self._end_group()
        self.bits, self.table_size, self.restarted, self.codes_since_clear = 9, self.first_free, True, 0
        self.clears += 1

    def output(self) -> bytes:
        self._end_group(final=True)
        return bytes(self.out)

    def _put(self, code: int) -> None:
        self.group.append(code)
        if len(self.group) == 8:
            self._end_group()

    def _end_group(self, final: bool = False) -> None:
        """Write the group: all ``bits`` bytes of it, or at the very end only the bytes used."""
        if self.group:
            value = sum(code << (i * self.bits) for i, code in enumerate(self.group))
            size = (len(self.group) * self.bits + 7) // 8 if final else self.bits
            self.out += value.to_bytes(size, "little")
            self.group = []


def encode(data: bytes, max_bits: int, block_mode: bool, clear_after: int | None) -> CodeWriter:
    writer = CodeWriter(max_bits, block_mode)
    if not data:
        return writer
    table: dict[tuple[int, int], int] = {}     # (prefix code, next byte) -> code; codes < 256 are bytes
    next_code, limit = writer.first_free, 1 << max_bits
    code = data[0]
    for byte in data[1:]:
        longer = table.get((code, byte))
        if longer is not None:
            code = longer
            continue
        writer.write(code)
        if block_mode and (next_code == limit or writer.codes_since_clear == clear_after):
            writer.clear()
            table.clear()
            next_code = writer.first_free
        elif next_code < limit:
            table[(code, byte)] = next_code
            next_code += 1
        code = byte
    writer.write(code)
    return writer


def compress(data: bytes, max_bits: int = 16, block_mode: bool = True, clear_after: int | None = None) -> bytes:
    """``data`` as a .Z stream. In block mode a CLEAR is sent when the table is full and, if
    ``clear_after`` is given, also after that many codes (to put CLEARs mid-group at any width)."""
    return encode(data, max_bits, block_mode, clear_after).output()
