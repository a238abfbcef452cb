import Foundation
import Testing
@testable import Winnow

/// Every text-processing function takes arbitrary input without trapping: random strings built from the characters
/// each one treats specially (a small, always-on cousin of the fuzzing of issue 8).
@Suite struct RandomInputTests {
    static let pieces = [
        "a", "Z", "é", "ß", "Ж", "日", "😀", " ", "  ", "\n", "\n\n", "\r\n", "\t", ".", "..", "...", ". . .", "!", "?",
        "?!",
        ";", ":", ",", "\"", "'", "“", "”", "‘", "’", "«", "»", "„", "(", ")", "[", "]", "<", ">", "</", "<!--", "-->",
        "<p>", "</p>", "<script>", "</script>", "<br>", "&", "&amp;", "&#", "&#x", "&#1234;", "&copy", ";", "1", "12",
        "1.",
        "2.)", "a.", "•", "⁃", "Mr.", "U.S.", "etc.", "Ã", "Â", "â€", "™", "\u{A0}", "\u{200B}", "\u{AD}", "\u{85}",
        "\u{0}",
        "WARC/1.0", "Content-Length: 5", "\r\n\r\n", "。", "।", "؟", "\u{FEFF}", "*", "Share", "©", "|", "›",
        "http://x.y/z.",
    ]

    static func randomText(_ generator: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0..<40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    @Test func textStagesNeverTrapAndKeepTheirPromises() {
        var generator = SeededGenerator(seed: 42)
        let clean = CleanStage()
        let sentences = SentenceStage()
        for _ in 0..<3000 {
            let text = Self.randomText(&generator)
            _ = HTMLText.text(text)
            _ = HTMLText.looksLikeHTML(text)
            _ = HTMLEntities.decode(text, html: true)
            _ = HTMLEntities.decode(text, html: false)
            _ = MojibakeRepair.repair(text)
            let cleaned = clean.clean(text).text
            #expect(!cleaned.hasSuffix("\n") && !cleaned.hasPrefix("\n"))
            var document = Document(id: "r", text: text, source: SourceLocation(file: "r", line: 1))
            _ = sentences.process(&document)
            if case .array(let parts)? = document.fields["sentences"] {
                let joined = parts.compactMap(\.stringValue).joined()
                #expect(
                    joined.unicodeScalars.filter { !$0.properties.isWhitespace }.elementsEqual(
                        text.unicodeScalars.filter { !$0.properties.isWhitespace }),
                    "sentences keep every non-space character: \(text.debugDescription)")
            }
        }
    }

    @Test func readersNeverTrap() throws {
        var generator = SeededGenerator(seed: 7)
        for round in 0..<300 {
            let text = Self.randomText(&generator)
            var bytes = Array(text.utf8)
            if round % 3 == 0, !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                    in: 0x80...0xFF, using: &generator)
            }
            for name in ["r.jsonl", "r.txt", "r.warc"] {
                _ = try decodeInput(bytes, name: name)
            }
            var parser = JSONParser()
            _ = try? bytes.withUnsafeBytes { try parser.parseObject($0) }
        }
    }
}
