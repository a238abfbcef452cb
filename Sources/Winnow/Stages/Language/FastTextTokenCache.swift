import Foundation
import Synchronization

/// A per-thread memo of the input rows each token contributes, so a repeated token costs a hash and a look-up
/// instead of its n-grams' hashes and prune-index look-ups (fastText recomputes them every time).
///
/// The rows are exactly those the dictionary gives, in the same order, so predictions do not change. Each thread
/// keeps its own (a document is processed on one thread, without suspension points), found through a pthread key;
/// once full (32,768 tokens) it keeps what it has: the tokens seen first are mostly the frequent ones (BBC news has
/// 65,553 distinct tokens; the 16,000 most frequent make 91% of its 854,490), and clearing it cost more than it
/// won back. The storage is raw memory of fixed size, about 5 MB a thread and model.
final class FastTextTokenCache {
    private static let slotCount = 1 << 16
    private static let entryCapacity = 1 << 15
    private static let tokenPoolCapacity = 1 << 19
    private static let rowPoolCapacity = 1 << 20
    /// Longer tokens are not memoised (they rarely repeat).
    static let longestToken = 64

    private let slots = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
    private let hashes = UnsafeMutablePointer<UInt32>.allocate(capacity: entryCapacity)
    private let tokenStarts = UnsafeMutablePointer<Int32>.allocate(capacity: entryCapacity + 1)
    private let rowStarts = UnsafeMutablePointer<Int32>.allocate(capacity: entryCapacity + 1)
    private let isWord = UnsafeMutablePointer<Bool>.allocate(capacity: entryCapacity)
    private let tokenPool = UnsafeMutablePointer<UInt8>.allocate(capacity: tokenPoolCapacity)
    private let rowPool = UnsafeMutablePointer<Int32>.allocate(capacity: rowPoolCapacity)
    private var entries = 0

    private init() {
        slots.initialize(repeating: -1, count: Self.slotCount)
        tokenStarts[0] = 0
        rowStarts[0] = 0
    }

    deinit {
        for pointer in [
            UnsafeMutableRawPointer(slots), UnsafeMutableRawPointer(hashes), UnsafeMutableRawPointer(tokenStarts),
            UnsafeMutableRawPointer(rowStarts), UnsafeMutableRawPointer(isWord), UnsafeMutableRawPointer(tokenPool),
            UnsafeMutableRawPointer(rowPool),
        ] {
            pointer.deallocate()
        }
    }

    /// The memoised rows of `token` and whether it is a word (labels contribute nothing), or nil.
    @inline(__always)
    func rows(of token: UnsafeBufferPointer<UInt8>, hash: UInt32) -> (rows: UnsafeBufferPointer<Int32>, isWord: Bool)? {
        var slot = Int(hash) & (Self.slotCount - 1)
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return nil }
            let start = Int(tokenStarts[entry])
            if hashes[entry] == hash, Int(tokenStarts[entry + 1]) - start == token.count,
                memcmp(tokenPool + start, token.baseAddress!, token.count) == 0
            {
                let rowStart = Int(rowStarts[entry])
                return (
                    UnsafeBufferPointer(start: rowPool + rowStart, count: Int(rowStarts[entry + 1]) - rowStart),
                    isWord[entry]
                )
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
    }

    /// Memoises a token's rows, unless the token is longer than `longestToken` or the cache is full.
    func insert(_ token: UnsafeBufferPointer<UInt8>, hash: UInt32, rows: UnsafeBufferPointer<Int32>, isWord: Bool) {
        guard token.count <= Self.longestToken else { return }
        guard entries < Self.entryCapacity, Int(tokenStarts[entries]) + token.count <= Self.tokenPoolCapacity,
            Int(rowStarts[entries]) + rows.count <= Self.rowPoolCapacity
        else { return }
        let tokenStart = Int(tokenStarts[entries]), rowStart = Int(rowStarts[entries])
        (tokenPool + tokenStart).update(from: token.baseAddress!, count: token.count)
        if let base = rows.baseAddress { (rowPool + rowStart).update(from: base, count: rows.count) }
        hashes[entries] = hash
        self.isWord[entries] = isWord
        tokenStarts[entries + 1] = Int32(tokenStart + token.count)
        rowStarts[entries + 1] = Int32(rowStart + rows.count)
        var slot = Int(hash) & (Self.slotCount - 1)
        while slots[slot] >= 0 { slot = (slot + 1) & (Self.slotCount - 1) }
        slots[slot] = Int32(entries)
        entries += 1
    }

    /// The calling thread's cache for the model with serial number `model`.
    static func forCurrentThread(model: Int) -> FastTextTokenCache {
        let holder = threadCaches.value
        if let cache = holder.caches.first(where: { $0.model == model })?.cache { return cache }
        // A thread seldom serves more than a model or two; forget the oldest beyond four.
        if holder.caches.count == 4 { holder.caches.removeFirst() }
        let cache = FastTextTokenCache()
        holder.caches.append((model, cache))
        return cache
    }

    /// Serial numbers that tell models apart for the life of the process (an address could be reused).
    static let serials = Atomic<Int>(0)

    private final class ThreadCaches {
        var caches: [(model: Int, cache: FastTextTokenCache)] = []
    }

    private static let threadCaches = PerThread { ThreadCaches() }
}
