/// A JSON syntax error: what was expected and the 1-based byte column in the line where it went wrong.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// 1-based byte offset in the parsed text.
    public var column: Int

    public var description: String { "\(message) at column \(column)" }
}

/// A strict RFC 8259 parser for one JSON text held in memory (a JSONL line).
///
/// Written by hand for speed: Foundation's `JSONDecoder` runs at ≈ 7 MB/s on this machine, far below the
/// ≥ 150 MB/s a JSONL reader needs; this parser works on the UTF-8 bytes, skips string runs eight bytes at a
/// time, and builds `String`s straight from the input bytes when they hold no escapes. It checks escapes
/// (`\uXXXX` surrogate pairs included; an unpaired surrogate is an error, since a Swift `String` cannot hold one),
/// the number grammar, literals, UTF-8 validity, and nesting (at most `maximumDepth` levels, so a hostile line
/// cannot overflow the stack).
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public var maximumDepth = 512
    /// Decode strings that are not UTF-8 (as Windows-1252 or with U+FFFD, see `TextEncoding`) instead of failing.
    public var repairsInvalidUTF8 = false
    /// For the last value parsed: the encoding its non-UTF-8 strings were decoded as (nil when all were UTF-8) and
    /// the bad sequences replaced.
    public private(set) var repairedEncoding: String?
    public private(set) var replacedSequences = 0
    private var scratch: [UInt8] = []

    public init() {}

    /// Parses `bytes`, which must hold exactly one JSON object (surrounding whitespace allowed).
    public mutating func parseObject(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONObject {
        repairedEncoding = nil
        replacedSequences = 0
        var cursor = Cursor(bytes: bytes)
        cursor.skipWhitespace()
        guard cursor.peek == UInt8(ascii: "{") else {
            throw cursor.error(cursor.atEnd ? "empty line, expected a JSON object" : "expected a JSON object ('{')")
        }
        guard case .object(let object) = try parseValue(&cursor, depth: 0) else { fatalError("unreachable") }
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected data after the JSON object") }
        return object
    }

    /// Parses `bytes`, which must hold exactly one JSON value.
    public mutating func parseValue(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        repairedEncoding = nil
        replacedSequences = 0
        var cursor = Cursor(bytes: bytes)
        cursor.skipWhitespace()
        let value = try parseValue(&cursor, depth: 0)
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw cursor.error("unexpected data after the JSON value") }
        return value
    }

    /// Parses a string.
    public mutating func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) in try parseValue(UnsafeRawBufferPointer(buffer)) }
        }.get()
    }

    private mutating func parseValue(_ cursor: inout Cursor, depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = cursor.peek else { throw cursor.error("unexpected end of the line, expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(try parseString(&cursor))
        case UInt8(ascii: "{"):
            guard depth < maximumDepth else { throw cursor.error("nesting deeper than \(maximumDepth) levels") }
            cursor.index += 1
            var members: [(key: String, value: JSONValue)] = []
            cursor.skipWhitespace()
            if cursor.peek == UInt8(ascii: "}") {
                cursor.index += 1
                return .object(JSONObject(members))
            }
            while true {
                guard cursor.peek == UInt8(ascii: "\"") else {
                    throw cursor.error("expected a member name in double quotes")
                }
                let key = try parseString(&cursor)
                cursor.skipWhitespace()
                guard cursor.peek == UInt8(ascii: ":") else { throw cursor.error("expected ':' after a member name") }
                cursor.index += 1
                cursor.skipWhitespace()
                let value = try parseValue(&cursor, depth: depth + 1)
                members.append((key: key, value: value))
                if try cursor.closesContainer(UInt8(ascii: "}"), named: "object") {
                    return .object(JSONObject(members))
                }
            }
        case UInt8(ascii: "["):
            guard depth < maximumDepth else { throw cursor.error("nesting deeper than \(maximumDepth) levels") }
            cursor.index += 1
            var elements: [JSONValue] = []
            cursor.skipWhitespace()
            if cursor.peek == UInt8(ascii: "]") {
                cursor.index += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseValue(&cursor, depth: depth + 1))
                if try cursor.closesContainer(UInt8(ascii: "]"), named: "array") { return .array(elements) }
            }
        case UInt8(ascii: "t"):
            try cursor.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try cursor.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try cursor.expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber(&cursor))
        default:
            throw cursor.error("unexpected character \(Cursor.describe(byte)), expected a value")
        }
    }

    private func parseNumber(_ cursor: inout Cursor) throws(JSONSyntaxError) -> String {
        let start = cursor.index
        if cursor.peek == UInt8(ascii: "-") { cursor.index += 1 }
        guard let first = cursor.peek, Cursor.isDigit(first) else { throw cursor.error("expected a digit in a number") }
        cursor.index += 1
        if first != UInt8(ascii: "0") { cursor.skipDigits() }
        if cursor.peek == UInt8(ascii: ".") {
            cursor.index += 1
            guard let digit = cursor.peek, Cursor.isDigit(digit) else {
                throw cursor.error("expected a digit after the decimal point")
            }
            cursor.skipDigits()
        }
        if cursor.peek == UInt8(ascii: "e") || cursor.peek == UInt8(ascii: "E") {
            cursor.index += 1
            if cursor.peek == UInt8(ascii: "+") || cursor.peek == UInt8(ascii: "-") { cursor.index += 1 }
            guard let digit = cursor.peek, Cursor.isDigit(digit) else {
                throw cursor.error("expected a digit in the exponent")
            }
            cursor.skipDigits()
        }
        if let next = cursor.peek, Cursor.isDigit(next) {
            throw cursor.error("leading zeros are not allowed in a number")
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: cursor.bytes[start..<cursor.index]), as: UTF8.self)
    }

    private mutating func parseString(_ cursor: inout Cursor) throws(JSONSyntaxError) -> String {
        let openingQuote = cursor.index
        cursor.index += 1
        let start = cursor.index
        var sawNonASCII = false
        guard let stop = cursor.scanStringRun(sawNonASCII: &sawNonASCII) else {
            throw JSONSyntaxError(
                message: "unterminated string (it starts at column \(openingQuote + 1))", column: cursor.bytes.count + 1
            )
        }
        if stop == UInt8(ascii: "\"") {
            let run = UnsafeRawBufferPointer(rebasing: cursor.bytes[start..<cursor.index])
            cursor.index += 1
            if let string = Self.validString(run, validating: sawNonASCII) { return string }
            return try repairString(run, column: start + 1)
        }
        return try parseEscapedString(&cursor, start: start, openingQuote: openingQuote, sawNonASCII: sawNonASCII)
    }

    /// The slow path: a string with escapes, rebuilt in a reused scratch buffer.
    private mutating func parseEscapedString(
        _ cursor: inout Cursor, start: Int, openingQuote: Int, sawNonASCII: Bool
    ) throws(JSONSyntaxError) -> String {
        var sawNonASCII = sawNonASCII
        scratch.removeAll(keepingCapacity: true)
        var runStart = start
        while true {
            let byte = cursor.bytes[cursor.index]
            if byte == UInt8(ascii: "\"") {
                scratch.append(contentsOf: cursor.run(from: runStart))
                cursor.index += 1
                let validating = sawNonASCII
                if let string = scratch.withUnsafeBytes({ Self.validString($0, validating: validating) }) {
                    return string
                }
                let bytes = scratch
                return try bytes.withUnsafeBytes { bytes in
                    Result { () throws(JSONSyntaxError) in try repairString(bytes, column: start + 1) }
                }.get()
            }
            if byte < 0x20 {
                throw cursor.error("unescaped control character \(Cursor.describe(byte)) in a string")
            }
            // A backslash.
            scratch.append(contentsOf: cursor.run(from: runStart))
            cursor.index += 1
            guard let escape = cursor.peek else { break }
            cursor.index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try cursor.hex4()
                if (0xD800...0xDFFF).contains(scalar) {
                    // A pair makes one scalar; an unpaired surrogate (Python's json writes them) cannot be in a
                    // Swift String: with repairs on it becomes U+FFFD and is counted, else it is an error.
                    let paired =
                        scalar <= 0xDBFF && cursor.peek == UInt8(ascii: "\\") && cursor.index + 5 < cursor.bytes.count
                        && cursor.bytes[cursor.index + 1] == UInt8(ascii: "u")
                    var low: UInt32?
                    if paired {
                        let mark = cursor.index
                        cursor.index += 2
                        let candidate = try cursor.hex4()
                        if (0xDC00...0xDFFF).contains(candidate) { low = candidate } else { cursor.index = mark }
                    }
                    if let low {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        guard repairsInvalidUTF8 else {
                            throw cursor.error(
                                "unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true)) in a string")
                        }
                        scalar = 0xFFFD
                        replacedSequences += 1
                        if repairedEncoding == nil { repairedEncoding = "utf-8" }
                    }
                }
                UTF8Bytes.append(scalar, to: &scratch)
            default:
                cursor.index -= 1
                throw cursor.error("invalid escape '\\\(Cursor.describe(escape))' in a string")
            }
            runStart = cursor.index
            guard cursor.scanStringRun(sawNonASCII: &sawNonASCII) != nil else { break }
        }
        throw JSONSyntaxError(
            message: "unterminated string (it starts at column \(openingQuote + 1))", column: cursor.bytes.count + 1)
    }

    /// The string, or nil when the bytes are not valid UTF-8 (only checked when they hold non-ASCII bytes).
    private static func validString(_ bytes: UnsafeRawBufferPointer, validating: Bool) -> String? {
        let units = bytes.assumingMemoryBound(to: UInt8.self)
        guard validating else { return String(decoding: units, as: UTF8.self) }
        return String(validating: units, as: UTF8.self)
    }

    /// A string whose bytes are not UTF-8: decoded by `TextEncoding` when `repairsInvalidUTF8`, else an error.
    private mutating func repairString(_ bytes: UnsafeRawBufferPointer, column: Int) throws(JSONSyntaxError) -> String {
        let units = bytes.assumingMemoryBound(to: UInt8.self)
        guard repairsInvalidUTF8 else {
            let offset = UTF8Bytes.firstInvalidOffset(units) ?? 0
            throw JSONSyntaxError(message: "invalid UTF-8 in a string", column: column + offset)
        }
        let decoded = TextEncoding.decodeNonUTF8(units)
        if repairedEncoding == nil || decoded.encoding == "windows-1252" { repairedEncoding = decoded.encoding }
        replacedSequences += decoded.replacements
        return decoded.text
    }
}

/// A read position in a byte buffer, with the scanning primitives the parser needs.
private struct Cursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    /// The bytes from `start` to the read position, typed, so that appending them to an array is one copy (a slice
    /// of the raw buffer is appended a byte at a time: that was a third of decoding escaped strings).
    func run(from start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeRawBufferPointer(rebasing: bytes[start..<index]).assumingMemoryBound(to: UInt8.self)
    }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, column: index + 1) }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// After an object member or array element: consumes `,` (false: another item follows) or the closing
    /// bracket (true).
    mutating func closesContainer(_ closing: UInt8, named container: String) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        switch peek {
        case UInt8(ascii: ","):
            index += 1
            skipWhitespace()
            return false
        case closing:
            index += 1
            return true
        default:
            let bracket = Character(Unicode.Scalar(closing))
            throw error(
                atEnd
                    ? "unexpected end of the line inside an \(container)"
                    : "expected ',' or '\(bracket)' in an \(container)")
        }
    }

    mutating func skipDigits() {
        while index < bytes.count, Cursor.isDigit(bytes[index]) { index += 1 }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count,
            memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0
        else {
            throw error("invalid literal, expected '\(literal)'")
        }
        index += count
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("expected four hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Advances to the next `"`, `\` or control character inside a string and returns it (nil at the end of the
    /// buffer). Eight bytes at a time while none of them is special; records whether non-ASCII bytes were passed.
    mutating func scanStringRun(sawNonASCII: inout Bool) -> UInt8? {
        let base = bytes.baseAddress!
        let count = bytes.count
        var i = index
        var highBits: UInt64 = 0
        while i &+ 8 <= count {
            let word = SWAR.load(base, i)
            if SWAR.contains(word, 0x22) | SWAR.contains(word, 0x5C) | SWAR.containsBelow(word, 0x20) != 0 { break }
            highBits |= word
            i &+= 8
        }
        while i < count {
            let byte = base.load(fromByteOffset: i, as: UInt8.self)
            if byte == 0x22 || byte == 0x5C || byte < 0x20 {
                index = i
                if SWAR.containsNonASCII(highBits) != 0 { sawNonASCII = true }
                return byte
            }
            highBits |= UInt64(byte)
            i &+= 1
        }
        index = i
        if SWAR.containsNonASCII(highBits) != 0 { sawNonASCII = true }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
