import CMinHash
import Foundation

/// MinHash signatures and LSH band keys over 64-bit shingle hashes.
///
/// A shingle enters as the low 32 bits x of its XXH64. Permutation i maps x to `a[i] &* x &+ b[i]` (mod 2³², `a` odd:
/// a bijection); the signature is the minimum of each over the shingles (32-bit values, as rensa's and datatrove's).
/// `a` and `b` are the low 32 bits of SplitMix64 outputs seeded with `seed` (default 1): a = next | 1, b = next,
/// alternately, for i = 0, 1, … — fixed, so signatures are the same on every run and machine. The loop is C
/// (`CMinHash`, AVX2 when present). Band j's key is XXH64 of the little-endian bytes of signature values
/// j·rows ..< (j+1)·rows with seed j, cut to 32 bits (a collision only makes a candidate, which is then verified).
public struct MinHasher: Sendable, Equatable {
    public let bands: Int
    public let rows: Int
    public let seed: UInt64
    private let multipliers: [UInt32]
    private let increments: [UInt32]

    public var permutations: Int { bands * rows }

    public init(bands: Int, rows: Int, seed: UInt64 = 1) {
        self.bands = bands
        self.rows = rows
        self.seed = seed
        var state = seed
        var multipliers: [UInt32] = [], increments: [UInt32] = []
        for _ in 0..<(bands * rows) {
            multipliers.append(UInt32(truncatingIfNeeded: Mixer.splitMix(&state)) | 1)
            increments.append(UInt32(truncatingIfNeeded: Mixer.splitMix(&state)))
        }
        self.multipliers = multipliers
        self.increments = increments
    }

    /// The signature of a set of shingle hashes (all `UInt32.max` for none).
    public func signature(_ shingles: [UInt64]) -> [UInt32] { minimums(shingles, winnow_minhash32) }

    /// The signature computed without vector instructions, for tests.
    func portableSignature(_ shingles: [UInt64]) -> [UInt32] { minimums(shingles, winnow_minhash32_portable) }

    private typealias Kernel = (
        UnsafePointer<UInt32>?, Int, UnsafePointer<UInt32>?, UnsafePointer<UInt32>?, UnsafeMutablePointer<UInt32>?, Int
    ) -> Void

    private func minimums(_ shingles: [UInt64], _ kernel: Kernel) -> [UInt32] {
        let values = shingles.map { UInt32(truncatingIfNeeded: $0) }
        return [UInt32](unsafeUninitializedCapacity: permutations) { minimums, initialized in
            kernel(values, values.count, multipliers, increments, minimums.baseAddress, permutations)
            initialized = permutations
        }
    }

    /// The LSH key of each band of a signature.
    public func bandKeys(_ signature: [UInt32]) -> [UInt32] {
        signature.withUnsafeBytes { raw in
            (0..<bands).map { band in
                let slice = UnsafeRawBufferPointer(rebasing: raw[band * rows * 4..<(band + 1) * rows * 4])
                return UInt32(truncatingIfNeeded: XXHash64.hash(slice, seed: UInt64(band)))
            }
        }
    }

    /// The bands and rows (bands × rows ≤ `permutations`) that minimise the false-positive and false-negative
    /// probability areas at `threshold`, weighted equally — datasketch's `_optimal_param`.
    public static func optimalBandsAndRows(threshold: Double, permutations: Int) -> (bands: Int, rows: Int) {
        func integrate(_ f: (Double) -> Double, _ lower: Double, _ upper: Double) -> Double {
            let steps = 1000
            let width = (upper - lower) / Double(steps)
            return (0..<steps).reduce(0) { $0 + f(lower + (Double($1) + 0.5) * width) * width }
        }
        var best = (bands: 1, rows: 1), smallest = Double.infinity
        for bands in 1...permutations {
            for rows in 1...(permutations / bands) {
                let (b, r) = (Double(bands), Double(rows))
                let falsePositive = integrate({ 1 - pow(1 - pow($0, r), b) }, 0, threshold)
                let falseNegative = integrate({ 1 - (1 - pow(1 - pow($0, r), b)) }, threshold, 1)
                let error = falsePositive + falseNegative
                if error < smallest {
                    smallest = error
                    best = (bands, rows)
                }
            }
        }
        return best
    }
}
