/// Serialises JSON into a reused byte buffer: compact, UTF-8 kept as is (not `\u` escaped), only what RFC 8259
/// requires escaped (`"`, `\` and control characters), numbers as their lexemes.
public struct JSONWriter {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .number(let lexeme): appendRaw(lexeme)
        case .string(let string): write(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object)
        }
    }

    public mutating func write(_ object: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        for (index, member) in object.members.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeKey(member.key)
            write(member.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes `"key":`.
    public mutating func writeKey(_ key: String) {
        write(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a string literal, escaping what JSON requires.
    public mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { appendEscaped($0) }
    }

    public mutating func appendByte(_ byte: UInt8) { bytes.append(byte) }

    private mutating func appendASCII(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func appendRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendEscaped(_ source: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        let count = source.count
        let base = UnsafeRawPointer(source.baseAddress)
        while i < count {
            if let base {
                while i &+ 8 <= count {
                    let word = SWAR.load(base, i)
                    if SWAR.contains(word, 0x22) | SWAR.contains(word, 0x5C) | SWAR.containsBelow(word, 0x20) != 0 {
                        break
                    }
                    i &+= 8
                }
                guard i < count else { break }
            }
            let byte = source[i]
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
                i &+= 1
                continue
            }
            if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<i])) }
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x08: bytes.append(0x5C); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(0x5C); bytes.append(UInt8(ascii: "f"))
            default:
                bytes.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)],
                ])
            }
            i &+= 1
            runStart = i
        }
        if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<count])) }
        bytes.append(UInt8(ascii: "\""))
    }
}
