import Foundation

/// Runs a `BatchReader` on a thread of its own and keeps up to `capacity` batches ready for the runner.
///
/// Reading is blocking I/O plus zlib's inflate, which must not occupy a thread of Swift's cooperative pool: on
/// a 2-core machine that pool has two threads, and a reader among them left the workers idle (1.4 of 2 CPUs busy,
/// and `--jobs 2` no faster than `--jobs 1`). On its own thread the reader stays ahead of the workers while they
/// run, and the runner `await`s batches without blocking. Back-pressure holds: the thread waits while `capacity`
/// batches are unclaimed, or while the unclaimed ones hold `byteBudget` input bytes (large records).
///
/// One of the four `@unchecked Sendable` types (README, "Why a reader thread"): every mutable field is guarded by `condition`.
final class ReadAhead: @unchecked Sendable {
    /// What the reader had done when a batch was handed out, for progress and the summary.
    struct Progress: Sendable {
        var filesDone = 0
        var compressedBytes = 0
        var problems: [InputProblem] = []
    }

    private let condition = NSCondition()
    private let capacity: Int
    private let byteBudget: Int
    private var ready: [RawBatch] = []
    private var readyBytes = 0
    private var finished = false
    private var stopped = false
    private var waiting: CheckedContinuation<RawBatch?, Never>?
    private var latest = Progress()
    /// Used only on the reader thread once it has started.
    private let reader: BatchReader

    /// Takes over `reader`: from now on only the reader thread touches it.
    init(reader: BatchReader, capacity: Int, byteBudget: Int = .max) {
        self.capacity = max(1, capacity)
        self.byteBudget = byteBudget
        self.reader = reader
        let thread = Thread { [self] in self.produce() }
        thread.name = "winnow-reader"
        thread.start()
    }

    /// The reader's progress as of the latest batch (final once `next` has returned nil).
    var progress: Progress {
        condition.lock()
        defer { condition.unlock() }
        return latest
    }

    /// The next batch in input order, or nil at the end of the input (or after `stop`).
    func next() async -> RawBatch? {
        await withCheckedContinuation { continuation in
            condition.lock()
            if !ready.isEmpty {
                let batch = ready.removeFirst()
                readyBytes -= batch.bytes.count
                condition.signal()
                condition.unlock()
                continuation.resume(returning: batch)
            } else if finished || stopped {
                condition.unlock()
                continuation.resume(returning: nil)
            } else {
                waiting = continuation
                condition.unlock()
            }
        }
    }

    /// Asks the reader to stop after the batch it is reading; batches not yet claimed are dropped.
    func stop() {
        condition.lock()
        stopped = true
        ready.removeAll()
        readyBytes = 0
        let continuation = waiting
        waiting = nil
        condition.signal()
        condition.unlock()
        continuation?.resume(returning: nil)
    }

    private func produce() {
        while true {
            condition.lock()
            while (ready.count >= capacity || readyBytes >= byteBudget) && !stopped { condition.wait() }
            let stop = stopped
            condition.unlock()
            if stop { break }

            let batch = reader.next()
            condition.lock()
            latest = Progress(
                filesDone: reader.filesDone, compressedBytes: reader.compressedBytesRead, problems: reader.problems)
            var continuation: CheckedContinuation<RawBatch?, Never>?
            if let batch {
                if let waiter = waiting {
                    waiting = nil
                    continuation = waiter
                } else if !stopped {
                    ready.append(batch)
                    readyBytes += batch.bytes.count
                }
            } else {
                finished = true
                continuation = waiting
                waiting = nil
            }
            condition.unlock()
            continuation?.resume(returning: batch)
            if batch == nil { break }
        }
    }
}
