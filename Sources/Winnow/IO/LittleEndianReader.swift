/// The fields of a little-endian binary file read in order, with bounds checks: what the fastText model reader and the
/// dedup index reader share. A read past the end returns nil and leaves `offset` where it was, so each caller words
/// its own error (with `offset`).
struct LittleEndianReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    /// Moves past `count` bytes; returns where they start, or nil when fewer remain.
    mutating func take(_ count: Int) -> Int? {
        guard count >= 0, count <= remaining else { return nil }
        defer { offset += count }
        return offset
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        guard let at = take(MemoryLayout<T>.size) else { return nil }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    /// `count` integers in a row.
    mutating func integers<T: FixedWidthInteger>(_ count: Int, _: T.Type = T.self) -> [T]? {
        guard count >= 0, count <= remaining / MemoryLayout<T>.size, let at = take(count * MemoryLayout<T>.size) else {
            return nil
        }
        return (0..<count).map {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: at + $0 * MemoryLayout<T>.size, as: T.self))
        }
    }
}

/// The writing side of `LittleEndianReader`: integers and arrays appended little-endian.
struct LittleEndianWriter {
    private(set) var bytes: [UInt8] = []

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The count, then the integers.
    mutating func integers<T: FixedWidthInteger>(_ values: [T]) {
        integer(UInt64(values.count))
        for value in values { integer(value) }
    }

    /// The byte count, then the UTF-8 bytes.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { countedBytes(UnsafeRawBufferPointer($0)) }
    }

    /// The byte count, then the bytes.
    mutating func countedBytes(_ values: some Collection<UInt8>) {
        integer(UInt64(values.count))
        bytes.append(contentsOf: values)
    }

}

extension LittleEndianReader {
    /// What `LittleEndianWriter.integers` wrote.
    mutating func counted<T: FixedWidthInteger>(_: T.Type = T.self) -> [T]? {
        guard let count = integer(UInt64.self), count <= UInt64(remaining) else { return nil }
        return integers(Int(count), T.self)
    }

    /// What `LittleEndianWriter.string` wrote.
    mutating func string() -> String? {
        countedBytes().map { String(decoding: $0, as: UTF8.self) }
    }

    /// What `LittleEndianWriter.countedBytes` wrote, in place.
    mutating func countedBytes() -> UnsafeRawBufferPointer? {
        let start = offset
        guard let count = integer(UInt64.self), count <= UInt64(remaining), let at = take(Int(count)) else {
            offset = start
            return nil
        }
        return UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(count))])
    }
}
