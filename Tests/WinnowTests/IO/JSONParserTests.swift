import Foundation
import Testing
@testable import Winnow

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue {
        var parser = JSONParser()
        return try parser.parse(text)
    }

    func syntaxError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? JSONSyntaxError
        }
    }

    @Test func scalarsAndContainers() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("-0.5e+10") == .number("-0.5e+10"))
        #expect(
            try parse("[1, [2, []], {}]") == .array([.number("1"), .array([.number("2"), .array([])]), .object([:])]))
        let object = try parse(#"{"a": 1, "b": {"c": [true, null]}, "a": 2}"#)
        guard case .object(let members) = object else { Issue.record("not an object"); return }
        #expect(members.members.map(\.key) == ["a", "b", "a"])
        #expect(members["a"] == .number("2"), "a repeated key reads as its last value, as Python's json does")
    }

    @Test func stringEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u00e9\u20AC""#) == .string("é€"))
        #expect(try parse(#""\ud83d\ude00 ok""#) == .string("😀 ok"))
        #expect(try parse("\"naïve 日本語 \u{1F600}\"") == .string("naïve 日本語 😀"))
        #expect(
            try parse(#""a long string with no escapes at all, longer than eight bytes""#)
                == .string("a long string with no escapes at all, longer than eight bytes"))
    }

    @Test func numbersFollowTheGrammar() throws {
        for valid in ["0", "-0", "12", "1.5", "1e5", "1E-5", "-12.25e+3", "123456789012345678901234567890"] {
            #expect(try parse(valid) == .number(valid))
        }
        for invalid in ["01", "+1", "1.", ".5", "1e", "-", "1.e3", "0x10", "NaN", "Infinity"] {
            #expect(syntaxError(invalid) != nil, "\(invalid) must be rejected")
        }
    }

    @Test func errorsSayWhatAndWhere() {
        #expect(syntaxError(#"{"a": 1,}"#)?.column == 9)
        #expect(syntaxError(#"{"a" 1}"#)?.message.contains("':'") == true)
        #expect(syntaxError(#"{"a": "unterminated"#)?.message.contains("unterminated string") == true)
        #expect(syntaxError("\"tab\tinside\"")?.message.contains("control character") == true)
        #expect(syntaxError(#""\x""#)?.message.contains("invalid escape") == true)
        #expect(syntaxError(#""\ud83d""#)?.message.contains("unpaired surrogate") == true)
        #expect(syntaxError(#""\ude00""#)?.message.contains("unpaired surrogate") == true)
        #expect(syntaxError(#""\u12G4""#)?.message.contains("hex digits") == true)
        #expect(syntaxError("tru") != nil)
        #expect(syntaxError("{} {}")?.message.contains("after the JSON value") == true)
    }

    @Test func invalidUTF8IsAnErrorWithItsColumn() {
        let bytes: [UInt8] = Array(#"{"text": "caf"#.utf8) + [0xE9] + Array(#" au lait"}"#.utf8)
        var parser = JSONParser()
        do {
            _ = try bytes.withUnsafeBytes { try parser.parseObject($0) }
            Issue.record("invalid UTF-8 was accepted")
        } catch let error as JSONSyntaxError {
            #expect(error.message.contains("invalid UTF-8"))
            #expect(error.column == 14)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(syntaxError(deep)?.message.contains("nesting deeper") == true)
        let allowed = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(syntaxError(allowed) == nil)
    }

    @Test func topLevelMustBeAnObjectForRecords() {
        var parser = JSONParser()
        for line in ["[1]", "\"text\"", "", "   "] {
            #expect(throws: JSONSyntaxError.self) {
                try Array(line.utf8).withUnsafeBytes { try parser.parseObject($0) }
            }
        }
    }

    /// Random values written by `JSONWriter` parse back to themselves, and agree with Foundation's parser.
    @Test func writerAndParserRoundTripRandomValues() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            var writer = JSONWriter()
            writer.write(value)
            let text = String(decoding: writer.bytes, as: UTF8.self)
            #expect(try parse(text) == value, "round trip of \(text)")
            #expect(throws: Never.self) {
                try JSONSerialization.jsonObject(with: Data(writer.bytes), options: [.fragmentsAllowed])
            }
        }
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let pieces = ["a", "é", "\"", "\\", "\n", "\u{1}", "\u{1F600}", "日本", " ", "x\ty", "/", "\u{7F}"]
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(["0", "-1", "3.25", "1e-7", "12345678901234567890"].randomElement(using: &generator)!)
        case 3:
            return .string(
                (0..<Int.random(in: 0..<12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                    .joined())
        case 4:
            return .array(
                (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
                    randomValue(depth: depth + 1, using: &generator)
                })
        default:
            let members = (0..<Int.random(in: 0..<4, using: &generator)).map { index in
                (
                    key: "k\(index)\(pieces.randomElement(using: &generator)!)",
                    value: randomValue(depth: depth + 1, using: &generator)
                )
            }
            return .object(JSONObject(members))
        }
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesOnlyWhatJSONRequires() {
        var writer = JSONWriter()
        writer.write("quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 😀 \u{2028}")
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #""quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 é 😀 "# + "\u{2028}\"")
    }

    @Test func doublesAreShortestFiniteAndAlwaysFloats() {
        var writer = JSONWriter()
        writer.write(.array([.double(0.97), .double(3), .double(.nan), .double(1e-7), .int(-4)]))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[0.97,3.0,null,1e-07,-4]")
    }

    @Test func fourDecimalsReadsAsTheRoundedDouble() {
        let cases: [(Double, String)] = [
            (0.09781, "0.0978"), (1, "1.0"), (12.5, "12.5"), (0.00004, "0.0"), (-0.25, "-0.25"),
            (0.1, "0.1"), (3.14159, "3.1416"), (0.0001, "0.0001"), (-0.00004, "0.0"), (7.00005, "7.0001"),
            (0, "0.0"), (42, "42.0"),
        ]
        for (value, text) in cases { #expect(JSONValue.fourDecimals(value) == .number(text), "\(value)") }
        var random = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            let value = Double(random.next() % 100_000_000) / Double(1 + random.next() % 100_000)
            #expect(JSONValue.fourDecimals(value) == .double((value * 10_000).rounded() / 10_000), "\(value)")
        }
    }
}
