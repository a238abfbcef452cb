/// A growable array of plain values in memory it owns and frees: no reference counting and no copy-on-write
/// checks in the loops that run once per word. Written by hand because `Array`'s uniqueness checks, retains and
/// releases took ≈ 12% of the `stats` stage.
struct RawArray<Element: BitwiseCopyable>: ~Copyable {
    private(set) var count = 0
    private var capacity: Int
    private var base: UnsafeMutablePointer<Element>

    init(capacity: Int) {
        self.capacity = max(capacity, 8)
        base = .allocate(capacity: self.capacity)
    }

    /// `count` elements whose values are undefined until written (plain values: any bits are a value).
    init(uninitializedCount count: Int) {
        self.init(capacity: count)
        self.count = count
    }

    init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit { base.deallocate() }

    subscript(index: Int) -> Element {
        @inline(__always) get {
            precondition(UInt(bitPattern: index) < UInt(count), "RawArray index out of range")
            return base[index]
        }
        @inline(__always) set {
            precondition(UInt(bitPattern: index) < UInt(count), "RawArray index out of range")
            base[index] = newValue
        }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Keeps the first `newCount` elements.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    /// Makes room for `extra` more elements without another allocation.
    mutating func reserve(_ extra: Int) {
        while capacity - count < extra { grow() }
    }

    /// The storage, for a loop that writes past `count` (within the capacity `reserve` made) and then sets it with
    /// `setCount`.
    var storage: UnsafeMutablePointer<Element> { base }

    /// Sets the count after the elements up to `newCount` were written through `storage`.
    mutating func setCount(_ newCount: Int) {
        precondition(newCount >= 0 && newCount <= capacity)
        count = newCount
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
