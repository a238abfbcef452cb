import CProseScan

/// Byte tests on eight bytes at once ("SIMD within a register"), for the hot scanning loops: the JSON string
/// scanner and writer, `clean`'s line pass, the NFC quick check and `stats`' word runs. Each test is exact about *whether* a word holds
/// a matching byte (used only to decide whether the word needs a closer, byte-by-byte look).
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Eight bytes at `offset`, little-endian, unaligned.
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Non-zero when some byte of `word` equals `byte`.
    @inline(__always)
    static func contains(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highBits
    }

    /// Non-zero when some byte of `word` is below `limit` (`limit` ≤ 128).
    @inline(__always)
    static func containsBelow(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highBits
    }

    /// Non-zero when some byte of `word` is not ASCII.
    @inline(__always)
    static func containsNonASCII(_ word: UInt64) -> UInt64 { word & highBits }

    /// The high bit set in each byte of `word` that lies in `low...high` (both ASCII), and nothing else: C's
    /// `winnow_in_range` (CProseScan.h), which the C word scan uses too.
    @inline(__always)
    static func inRange(_ word: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 { winnow_in_range(word, low, high) }
}
