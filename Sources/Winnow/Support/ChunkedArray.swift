/// An append-only array kept in chunks of 65,536 elements: growing never copies what is there, and the unused
/// room is at most one chunk — so an index of millions of documents costs its size, not up to three times it (an
/// `Array` doubles, and holds old and new storage while it copies).
struct ChunkedArray<Element: FixedWidthInteger & Sendable>: Sendable {
    private static var chunkShift: Int { 16 }
    private static var chunkSize: Int { 1 << chunkShift }
    private var chunks: [[Element]] = []
    private(set) var count = 0

    init() {}

    init(_ elements: [Element]) {
        append(contentsOf: elements)
    }

    var memoryBytes: Int { chunks.count * Self.chunkSize * MemoryLayout<Element>.size }
    var last: Element? { count == 0 ? nil : self[count - 1] }

    subscript(index: Int) -> Element {
        get { chunks[index >> Self.chunkShift][index & (Self.chunkSize - 1)] }
        set { chunks[index >> Self.chunkShift][index & (Self.chunkSize - 1)] = newValue }
    }

    mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element {
        for element in elements { append(element) }
    }

    /// The elements in `range`, copied out.
    func elements(_ range: Range<Int>) -> [Element] { range.map { self[$0] } }

    /// Calls `body` with each chunk's elements as raw bytes, in order.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        for chunk in chunks { try chunk.withUnsafeBytes(body) }
    }
}
