import Synchronization

/// A flag set from outside a run (a signal handler) and polled by the runner between batches: when set, the runner
/// stops reading, finishes the batches in flight and returns a summary marked interrupted.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isSet: Bool { flag.load(ordering: .relaxed) }

    public func set() { flag.store(true, ordering: .relaxed) }
}
