import CProseScan

/// The 64-bit mixing steps the hashes and hash tables are built from, each defined once (there were five copies).
///
/// Not used for what is stored: the dedup index's 2-bit sketches keep their own mix (`DedupIndex.sketch`), since saved
/// index files hold them.
enum Mixer {
    /// 2⁶⁴ / φ, odd: the multiplier of `combine` and SplitMix64's increment.
    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Folds `value` into `hash` by a multiply and a shift (for a fixed hash, a bijection of the value): one step of
    /// hashing a sequence — `ByteHash`'s eight bytes at a time, the statistics' n-gram keys. It is C's
    /// `winnow_hash_mix`, so that the C word scan and Swift agree bit for bit.
    @inline(__always)
    static func combine(_ hash: UInt64, _ value: UInt64) -> UInt64 { winnow_hash_mix(hash, value) }

    /// SplitMix64's finaliser: every input bit reaches every output bit (keys and table places from values with
    /// structure, such as a band and its key, or a source's hash and a line's).
    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next number of the SplitMix64 sequence at `state` (MinHash's permutations, `PerfectHashSet`'s multipliers).
    @inline(__always)
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= golden
        return finalize(state)
    }
}
