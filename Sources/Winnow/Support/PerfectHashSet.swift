import CProseScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of 64-bit hashes, looked up with a multiply, one load and one comparison: a table with a place of its
/// own for each member, found by trying multipliers (and, when none fits, a bigger table) until no two members share
/// a place. Places no member holds hold the first member, which is found at its own place anyway.
struct PerfectHashSet: Sendable {
    private let table: [UInt64]
    private let multiplier: UInt64
    private let shift: UInt64

    init(_ members: [UInt64]) {
        let distinct = Array(Set(members)).sorted()
        var bits = max(4, (distinct.count * 4).nextPowerOfTwo.trailingZeroBitCount)
        var state: UInt64 = 1
        while true {
            for _ in 0..<512 {
                let multiplier = Mixer.splitMix(&state) | 1, shift = UInt64(64 - bits)
                var table = [UInt64?](repeating: nil, count: 1 << bits)
                var fits = true
                for member in distinct {
                    let place = Int(truncatingIfNeeded: (member &* multiplier) >> shift)
                    if table[place] != nil {
                        fits = false
                        break
                    }
                    table[place] = member
                }
                if fits {
                    self.table = table.map { $0 ?? distinct.first ?? 0 }
                    self.multiplier = multiplier
                    self.shift = shift
                    return
                }
            }
            bits += 1
        }
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        table.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: (hash &* multiplier) >> shift)] == hash }
    }
}
