import Testing
@testable import Winnow

@Suite struct CleanStageTests {
    @Test func lineEndsAndBlankLines() {
        #expect(CleanStage.clean("a\r\nb\rc\n", lines: .off) == "a\nb\nc")
        #expect(
            CleanStage.clean("\n\n  \nTitle\n\n\n\n\nBody  \t\nmore   \n\n\n", lines: .off) == "Title\n\nBody\nmore")
        #expect(CleanStage.clean("one\n \t \n\t\ntwo", lines: .off) == "one\n\ntwo", "lines of spaces are blank lines")
        #expect(CleanStage.clean("  indented line", lines: .off) == "  indented line", "leading spaces of a line stay")
        #expect(CleanStage.clean("tab\tinside", lines: .off) == "tab\tinside")
    }

    @Test func controlCharactersGoButNewlinesAndTabsStay() {
        #expect(CleanStage.clean("a\u{0}b\u{7}c\u{1B}d\u{7F}e\u{85}f\u{9F}g", lines: .off) == "abcde…fŸg")
        #expect(
            CleanStage.clean("keep\u{A0}nbsp and ©", lines: .off) == "keep\u{A0}nbsp and ©",
            "a no-break space is correct text; U+00A1–U+00BF are not controls")
        #expect(CleanStage.clean("form\u{C}feed\u{B}vt", lines: .off) == "formfeedvt")
    }

    @Test func textIsPutInNFC() {
        let decomposed = "Cafe\u{301} a\u{308} \u{212B}ngstro\u{308}m \u{1100}\u{1161}"
        let cleaned = CleanStage.clean(decomposed)
        #expect(Array(cleaned.unicodeScalars) == Array("Café ä Ångström \u{AC00}".unicodeScalars))
        #expect(CleanStage.clean(decomposed, normalize: .none).unicodeScalars.count == decomposed.unicodeScalars.count)
        let alreadyNFC = "Здравствуйте, мир! 日本語のテキスト. Ελληνικά. עברית"
        #expect(CleanStage.clean(alreadyNFC) == alreadyNFC)
    }

    @Test func quickCheckFindsEveryKindOfNonNFCCodePoint() {
        for text in ["e\u{301}", "\u{212B}", "\u{1161}", "\u{0B3E}", "\u{F900}", "x\u{0340}"] {
            var copy = text
            #expect(
                copy.withUTF8 { !NFCQuickCheck.isCertainlyNFC($0) },
                "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        for text in ["plain ascii", "é ü ß ñ", "Привет", "中文", "😀"] {
            var copy = text
            #expect(copy.withUTF8 { NFCQuickCheck.isCertainlyNFC($0) })
        }
    }

    @Test func emptyDocumentsAreDroppedUnlessAskedNotTo() throws {
        var document = Document(id: "x", text: " \n\u{0}\n\t", source: SourceLocation(file: "f", line: 1))
        #expect(CleanStage().process(&document) == .drop(reason: "empty_text"))
        var kept = Document(id: "y", text: "\n", source: SourceLocation(file: "f", line: 2))
        let lenient = CleanStage(configuration: try .read(StageOptions(stage: "clean", yaml: "{drop_empty: false}")))
        #expect(lenient.process(&kept) == .keep)
        #expect(kept.text.isEmpty)
    }
}
