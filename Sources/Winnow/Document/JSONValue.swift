/// A JSON value as it appeared in the input, kept closed and `Sendable` (never `Any`).
///
/// Numbers keep their original lexeme (`.number("1.50")`), so metadata passes through a pipeline unchanged,
/// digit for digit. Objects keep their members in input order, duplicates included.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its JSON lexeme (already validated against RFC 8259's grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number from a `Double`, in the shortest form that reads back exactly and always as a float (`1.0`, `0.0`,
    /// `2.5e-05`): type-inferring readers (DuckDB, pandas) type a column by its first values, and a ratio written `1`
    /// would make it an integer column that truncates the later `0.8333`. Non-finite values become `null`.
    public static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        return .number(String(value))
    }

    /// A number rounded to 4 decimal places, written without trailing zeros but always as a float (`0.0978`, `1.0`,
    /// `12.5`): the same text as `.double` of the rounded value, made with integer arithmetic (shortest-float
    /// formatting of the 42 `stats` fields was ≈ 8% of that stage).
    public static func fourDecimals(_ value: Double) -> JSONValue {
        guard value.isFinite, abs(value) < 1e11 else { return .double((value * 10_000).rounded() / 10_000) }
        let scaled = Int64((value * 10_000).rounded())
        // Digits written back to front into a stack buffer: no intermediate strings.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var position = buffer.count, magnitude = scaled.magnitude, fractionDigits = 4
            func put(_ byte: UInt8) {
                position -= 1
                buffer[position] = byte
            }
            while fractionDigits > 1 && magnitude % 10 == 0 {
                magnitude /= 10
                fractionDigits -= 1
            }
            for _ in 0..<fractionDigits {
                put(0x30 + UInt8(magnitude % 10))
                magnitude /= 10
            }
            put(UInt8(ascii: "."))
            repeat {
                put(0x30 + UInt8(magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            if scaled < 0 { put(UInt8(ascii: "-")) }
            return .number(String(decoding: UnsafeBufferPointer(rebasing: buffer[position...]), as: UTF8.self))
        }
    }

    /// A number from an integer.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The string, when this value is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, when this value is a number written as one.
    public var intValue: Int? {
        if case .number(let lexeme) = self { return Int(lexeme) }
        return nil
    }

    /// A short name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object: its members in order. Look-ups return the last member with the key, as Python's `json` does.
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The members, in input order.
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { (key: $0.0, value: $0.1) }
    }

    public var isEmpty: Bool { members.isEmpty }

    /// The value of the last member named `key`.
    public subscript(key: String) -> JSONValue? {
        get { members.last(where: { $0.key == key })?.value }
        set {
            if let index = members.lastIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key: key, value: newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
