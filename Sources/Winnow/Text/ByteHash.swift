import CProseScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 64-bit hashes of byte ranges, for telling words, lines and paragraphs of one document apart: 8 bytes at a time,
/// each mixed by a multiply and a shift (a bijection, so two words of up to 8 bytes never collide). Not stable
/// across versions; nothing stores them.
///
/// Written by hand: FNV-1a one byte at a time made the statistics' word, line and paragraph hashing ≈ 40% of the
/// stage (≈ 25 MB/s for all of `stats`); this runs at several hundred MB/s.
enum ByteHash {
    static let empty: UInt64 = finish(seed, count: 0)
    static let seed: UInt64 = WINNOW_BYTE_HASH_SEED
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    static func of(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var hash = seed
        forEachChunk(bytes, range) { hash = Mixer.combine(hash, $0) }
        return finish(hash, count: range.count)
    }

    static func of(_ string: String) -> UInt64 {
        var string = string
        return string.withUTF8 { of($0, 0..<$0.count) }
    }

    /// The hash of a word as written and, when it is ASCII, of its lower-case form (else nil: the caller lowers it).
    @inline(__always)
    static func ofWord(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (UInt64, UInt64?) {
        var hash = seed, lower = seed, ascii = true
        forEachChunk(bytes, range) { chunk in
            hash = Mixer.combine(hash, chunk)
            if chunk & highBits != 0 { ascii = false }
            lower = Mixer.combine(lower, winnow_ascii_lower(chunk))
        }
        return (finish(hash, count: range.count), ascii ? finish(lower, count: range.count) : nil)
    }

    /// Calls `body` with the bytes of `range` as little-endian 64-bit words, the last one zero-padded.
    @inline(__always)
    private static func forEachChunk(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (UInt64) -> Void)
    {
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var position = range.lowerBound
        while position + 8 <= range.upperBound {
            body(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
            position += 8
        }
        let rest = range.upperBound - position
        guard rest > 0 else { return }
        if position + 8 <= bytes.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            body(word & (UInt64.max >> UInt64(64 - 8 * rest)))
        } else {
            var word: UInt64 = 0
            for index in 0..<rest { word |= UInt64(bytes[position + index]) << UInt64(8 * index) }
            body(word)
        }
    }

    /// The length folded in last (C's `winnow_hash_finish`, as the C scan does).
    @inline(__always)
    static func finish(_ hash: UInt64, count: Int) -> UInt64 {
        winnow_hash_finish(hash, UInt64(truncatingIfNeeded: count))
    }
}
