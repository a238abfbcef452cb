#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines of UTF-8 text as byte ranges, and text rebuilt from some of them: the one line walker that `LineFilter`
/// and `RepeatedLines` share, and the word count the boilerplate matcher and the sentence splitter share.
enum TextLines {
    /// The byte range of every line (empty ones included), found with `memchr`.
    static func ranges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        forEach(bytes) { lines.append($0) }
        return lines
    }

    /// Calls `body` with the byte range of each line, empty ones included.
    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var start = 0
        if let base = bytes.baseAddress {
            while start < bytes.count, let newline = memchr(base + start, 0x0A, bytes.count - start) {
                let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                body(start..<end)
                start = end + 1
            }
        }
        body(start..<bytes.count)
    }

    /// The lines of `bytes` for which `keep` says so, joined again with at most one blank line in a row and none at
    /// the ends (so a removed line never leaves a gap behind).
    static func join(_ bytes: UnsafeBufferPointer<UInt8>, _ lines: [Range<Int>], keep: (Int) -> Bool) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var blankPending = false
        for (index, range) in lines.enumerated() where keep(index) {
            if range.isEmpty {
                blankPending = !result.isEmpty
                continue
            }
            if !result.isEmpty {
                result.append(0x0A)
                if blankPending { result.append(0x0A) }
            }
            blankPending = false
            result.append(contentsOf: bytes[range])
        }
        return result
    }

    /// Words: runs of bytes other than space, tab, CR and LF.
    static func wordCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var words = 0
        var inWord = false
        for byte in bytes {
            let space = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if !space && !inWord { words += 1 }
            inWord = !space
        }
        return words
    }
}
