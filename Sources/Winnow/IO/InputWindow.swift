import CPlatform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open input, read through a window of decompressed bytes: lines (JSONL), whole files (text) and WARC
/// records are cut from it without copying more than the window holds.
///
/// The window grows only when one line or record is longer than it. A byte order mark at the start is read:
/// UTF-8's is skipped, UTF-16's (LE or BE) switches the input to a `UTF16Transcoder`, so everything downstream sees
/// UTF-8. A fault in the stream (a truncated or corrupt gzip member) ends the input; what was read before it is
/// still handed out, and `failure` says what happened and where.
final class InputWindow {
    let path: String
    let decompressor: DecompressingReader
    var format: RecordFormat
    private(set) var window: UnsafeMutableRawBufferPointer
    private(set) var start = 0
    private var scan = 0
    private(set) var end = 0
    /// 1-based line number of the byte at `start`.
    var line = 1
    private(set) var exhausted = false
    private(set) var failure: (message: String, offset: Int?)?
    private var transcoder: UTF16Transcoder?
    /// Decompressed bytes consumed before `start` (the window's offset in the input).
    private var consumedBefore = 0
    /// The longest record kept (a line, a text input, a WARC record); a longer one is dropped as it is read, and
    /// the window never grows much past this, so memory stays bounded by it whatever the input holds.
    let maximumRecordBytes: Int
    /// The window grows (doubling) to at most this: a record at the limit, a WARC header's worth and a little more.
    private var largestWindow: Int { maximumRecordBytes + Self.headerRoom }
    /// Room beyond a record for the WARC header in front of it and the terminator behind.
    static let headerRoom = (1 << 20) + 64
    private var skippedBytes = 0
    private var oversizedLine: Int?

    /// The length of the line just returned when it was longer than `maximumLineBytes` (it was returned empty).
    func takeOversizedLine() -> Int? {
        defer { oversizedLine = nil }
        return oversizedLine
    }

    /// The input's encoding when it is not UTF-8 (`utf-16le`, `utf-16be`).
    var encoding: String? { transcoder?.name }

    init(
        path: String, decompressor: DecompressingReader, format: RecordFormat, windowSize: Int,
        maximumRecordBytes: Int = 256 << 20
    ) {
        self.path = path
        self.maximumRecordBytes = maximumRecordBytes
        self.decompressor = decompressor
        self.format = format
        initialSize = windowSize
        window = UnsafeMutableRawBufferPointer(start: malloc(windowSize)!, count: windowSize)
    }

    // malloc and realloc, not `allocate`: growing a large window is glibc's mremap, in place, so a window of N bytes
    // costs N, not the 1.5 N that allocate-copy-free costs at its peak (a 2 GiB line: 615 MB RSS before, 275 after).
    deinit { free(window.baseAddress) }

    private let initialSize: Int

    /// Sets the window's size to `size` bytes (at least `end`), keeping its contents.
    private func resize(to size: Int) {
        window = UnsafeMutableRawBufferPointer(start: realloc(window.baseAddress, size)!, count: size)
    }

    /// After a record was dropped, a window that grew for it goes back to its first size.
    private func shrinkWhenEmpty() {
        guard start == end, window.count > initialSize else { return }
        consumedBefore += start
        start = 0
        end = 0
        scan = 0
        resize(to: initialSize)
    }

    /// The bytes not yet handed out.
    var pending: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: window[start..<end]) }

    /// Offset in the decompressed input of the byte at `start`.
    var offset: Int { consumedBefore + start }

    /// Reads more bytes behind `end`, moving or growing the window when it is full; returns how many.
    @discardableResult
    func fill() -> Int {
        // The UTF-16 transcoder writes whole scalars, so it needs room for four bytes (found by fuzzing: a UTF-16
        // input whose window had one to three bytes free stopped the run).
        let minimumRoom = transcoder == nil ? 1 : 4
        if start > 0 && window.count - end < minimumRoom {
            let kept = end - start
            window.baseAddress!.copyMemory(from: window.baseAddress! + start, byteCount: kept)
            scan -= start
            consumedBefore += start
            end = kept
            start = 0
        }
        if window.count - end < minimumRoom {
            // Doubling, but not far past the record limit (a 256 MB window doubled to 512 MB to find a line of 257
            // MB too long); the callers drop a record that passes the limit before the window is full.
            var size = min(window.count * 2, largestWindow)
            if size < end + minimumRoom { size = window.count * 2 }
            resize(to: size)
        }
        do {
            let room = UnsafeMutableRawBufferPointer(rebasing: window[end...])
            let count =
                try transcoder.map { try $0.read(into: room, from: decompressor) } ?? decompressor.read(into: room)
            if count == 0 { exhausted = true }
            end += count
            return count
        } catch let error as DecompressionFailure {
            failure = (error.description, error.offset)
        } catch {
            failure = ("\(error)", nil)
        }
        exhausted = true
        return 0
    }

    /// Hands out `count` bytes from `start`, counting the lines they hold.
    func consume(_ count: Int) -> UnsafeRawBufferPointer {
        let result = UnsafeRawBufferPointer(rebasing: window[start..<(start + count)])
        var newlines = 0
        var position = start
        while position < start + count,
            let found = memchr(window.baseAddress! + position, 0x0A, start + count - position)
        {
            newlines += 1
            position = window.baseAddress!.distance(to: found) + 1
        }
        line += newlines
        start += count
        scan = max(scan, start)
        return result
    }

    /// The next line (without its `\n`), valid until the next call; nil at the end of the input.
    func nextLine() -> UnsafeRawBufferPointer? {
        while true {
            if scan < end, let newline = memchr(window.baseAddress! + scan, 0x0A, end - scan) {
                let lineEnd = window.baseAddress!.distance(to: newline)
                let result = UnsafeRawBufferPointer(rebasing: window[start..<lineEnd])
                start = lineEnd + 1
                scan = start
                line += 1
                // The limit holds wherever the line lies: wholly inside the window or across reads.
                if skippedBytes > 0 || result.count > maximumRecordBytes {
                    // The end of an over-long line: it comes out as an empty line, and `takeOversizedLine` says why.
                    oversizedLine = skippedBytes + result.count
                    skippedBytes = 0
                    return UnsafeRawBufferPointer(rebasing: window[lineEnd..<lineEnd])
                }
                return result
            }
            scan = end
            if skippedBytes > 0 || end - start > maximumRecordBytes {
                // No line is kept whole past the limit: the bytes are dropped (and counted) until the line ends, read
                // through the window at its first size.
                skippedBytes += end - start
                start = end
                scan = end
                shrinkWhenEmpty()
            }
            if exhausted {
                guard failure == nil, start < end || skippedBytes > 0 else { return nil }
                let result = UnsafeRawBufferPointer(rebasing: window[start..<end])
                start = end
                if skippedBytes > 0 {
                    oversizedLine = skippedBytes + result.count
                    skippedBytes = 0
                    return UnsafeRawBufferPointer(rebasing: window[end..<end])
                }
                return result
            }
            fill()
        }
    }

    /// Reads a byte order mark at the start of the input: UTF-8's is skipped, UTF-16's switches to transcoding.
    func readByteOrderMark() {
        while end - start < 3 && !exhausted { fill() }
        let bytes = pending
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            start += 3
            scan = start
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            transcoder = UTF16Transcoder(bigEndian: bytes[0] == 0xFE, pending: Array(bytes.dropFirst(2)))
            consumedBefore += end
            start = 0
            end = 0
            scan = 0
            exhausted = false
        }
    }

    /// Everything left, for whole-file documents; nil (and the input skipped to its end) past `limit` bytes.
    func rest(limit: Int) -> UnsafeRawBufferPointer? {
        while !exhausted {
            fill()
            if end - start > limit {
                // Dropped: the rest is read through the window at its first size.
                start = end
                scan = end
                shrinkWhenEmpty()
                while !exhausted {
                    fill()
                    start = end
                    scan = end
                }
                return nil
            }
        }
        return rest()
    }

    /// Everything left.
    func rest() -> UnsafeRawBufferPointer {
        while !exhausted { fill() }
        let result = pending
        start = end
        scan = end
        return result
    }

    /// Makes sure `count` bytes from `start` are in the window (fewer only at the end of the input).
    func ensure(_ count: Int) {
        while end - start < count && !exhausted { fill() }
    }

    /// The first index at or after `from` where `pattern` starts, reading more as needed, searching at most
    /// `limit` bytes past `start`; nil at the end of the input or past the limit.
    func find(_ pattern: [UInt8], from: Int, limit: Int) -> Int? {
        var searchFrom = from
        while true {
            if end - searchFrom >= pattern.count {
                let found = pattern.withUnsafeBytes { needle in
                    memmem(window.baseAddress! + searchFrom, end - searchFrom, needle.baseAddress, pattern.count)
                }
                if let found { return window.baseAddress!.distance(to: found) }
                searchFrom = max(searchFrom, end - pattern.count + 1)
            }
            if exhausted || end - start > limit { return nil }
            let before = start
            fill()
            searchFrom -= before - start  // the window may have moved
        }
    }
}
