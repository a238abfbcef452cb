import Foundation
import Testing
@testable import Winnow

/// Issue 17, item 1: mojibake is repaired in every common code page, and correct text is never changed.
@Suite struct MojibakeCorrectnessTests {
    /// The correct lines of the multilingual fixture (57 languages and a line of symbols).
    static let correctLines: [String] = {
        let text =
            (try? String(contentsOfFile: TestSupport.fixture("clean/correct-multilingual.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap {
            $0.split(separator: "\t", maxSplits: 1).last.map(String.init)
        }
    }()

    /// `text`'s UTF-8 read through a code page (bytes below 0x80 as ASCII); nil when a byte is undefined there.
    static func misread(_ text: String, as page: MojibakeRepair.CodePage) -> String? {
        var scalars = String.UnicodeScalarView()
        for byte in text.utf8 {
            if byte < 0x80 { scalars.append(Unicode.Scalar(byte)); continue }
            let value = MojibakeRepair.codePageRows[page.rawValue * 128 + Int(byte) - 0x80]
            guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    @Test func correctTextInManyLanguagesIsLeftByteForByte() {
        #expect(Self.correctLines.count >= 50)
        for line in Self.correctLines {
            #expect(MojibakeRepair.repair(line).repairs == 0, "\(line)")
            #expect(CleanStage.clean(line) == line, "clean changed correct text: \(line)")
        }
    }

    @Test(arguments: [
        "“×” curves", "4288×…", "MARQUÉ…", "SELKÄ\u{A0}EDELLÄ", "Brontë…”", "AHÅ™", "PÅ\u{A0}SVENSKA", "déjà\u{A0}»",
        "l’été\u{A0}» et «\u{A0}après", "Ä…", "“Ω”", "É™", "Ø©", "Nestlé®", "25°C", "Ðа", "Å“",
    ])
    func lookalikesOfMojibakeAreLeftAlone(text: String) {
        #expect(MojibakeRepair.repair(text).text == text)
    }

    /// Windows-1252 (and Latin-1) by whole line: ≥ 95% of the lines come back exactly. The other pages by word (a
    /// line of this fixture is a minefield of look-alikes): ≥ 85% of the broken words come back exactly.
    @Test func everyCodePageIsRepairedOnceTwiceAndMixedWithCorrectText() {
        for page in MojibakeRepair.CodePage.allCases {
            var total = 0, repaired = 0
            var misses: [String] = []
            func score(_ broken: String, _ line: String) {
                let result = MojibakeRepair.repair(broken).text
                if page == .windows1252 {
                    total += 1
                    if result == line { repaired += 1 } else if misses.count < 3 { misses.append(broken) }
                    return
                }
                let want = line.split(separator: " ", omittingEmptySubsequences: false)
                let got = result.split(separator: " ", omittingEmptySubsequences: false)
                let given = broken.split(separator: " ", omittingEmptySubsequences: false)
                guard want.count == given.count else { return }
                for (index, word) in given.enumerated() where word != want[index] {
                    total += 1
                    if got.count == want.count && got[index] == want[index] {
                        repaired += 1
                    } else if misses.count < 5 {
                        misses.append(String(word))
                    }
                }
            }
            for line in Self.correctLines {
                guard let once = Self.misread(line, as: page), once != line else { continue }
                var cases = [once]
                if let twice = Self.misread(once, as: page) { cases.append(twice) }
                // The first half correct, the second half broken.
                let words = line.split(separator: " ", omittingEmptySubsequences: false)
                let half = words.count / 2
                if half > 0, let tail = Self.misread(words[half...].joined(separator: " "), as: page) {
                    cases.append(words[..<half].joined(separator: " ") + " " + tail)
                }
                for broken in cases { score(broken, line) }
            }
            let share = Double(repaired) / Double(max(1, total))
            let bar = page == .windows1252 ? 0.95 : 0.85
            #expect(share >= bar, "\(page): \(repaired)/\(total) repaired, e.g. \(misses)")
        }
    }

    @Test(arguments: [
        ("said â€?yes â€?", "said ”yes ”"),  // a lost third byte: `”`'s 0x9D is not in Windows-1252
        ("said â€\u{FFFD} fine", "said ” fine"),
        ("a ï¿½ b", "a \u{FFFD} b"),  // U+FFFD read as Windows-1252
        ("voilÃ  le travail", "voilà le travail"),  // the no-break space of `à` became a space
        ("Ã\u{A0}la carte", "àla carte"),
        ("Ã\u{87}a", "Ça"),  // Latin-1: a C1 control in the sequence
        ("CafÃ©\u{A0}» et Ã©tÃ©", "Café\u{A0}» et été"),
        ("e\u{CC}\u{81}", "e\u{301}"),  // a combining mark on its letter
    ])
    func lossySequencesAndMarks(broken: String, expected: String) {
        #expect(MojibakeRepair.repair(broken).text == expected)
    }

    /// Short tokens carry too little evidence alone; the rest of the text decides their page — and the letters the
    /// text writes correctly decide between pages that both make a letter of the same bytes.
    @Test(arguments: [
        ("В результате в городе и в области", MojibakeRepair.CodePage.windows1251),  // `Р’` → `В`, `Р†` → `в`
        ("Il est là à la maison", .windows1251),  // `Г ` → `à`
        ("Åsa sade: jag måste gå", .iso8859_2),  // `ĂĽ` is `ü` in Windows-1250; `Å` says the text is Swedish
        ("Åsa sade: jag måste gå", .windows1250),
    ])
    func theTextDecidesWhatItsShortTokensAre(text: String, page: MojibakeRepair.CodePage) throws {
        // The first word stays correct in the Swedish cases: it is the evidence.
        let words = text.split(separator: " ", maxSplits: page == .windows1251 ? 0 : 2).map(String.init)
        let kept = page == .windows1251 ? "" : words[..<2].joined(separator: " ") + " "
        let broken = try #require(Self.misread(page == .windows1251 ? text : words[2], as: page))
        #expect(MojibakeRepair.repair(kept + broken).text == text)
    }

    @Test func aRepairOnTheTextsEvidenceWritesOnlyItsScripts() {
        // Windows-1252 mojibake around a correct `“×”`, whose `×”` decodes as Hebrew `ה`.
        let broken = "The “×” curves: BrontÃ«â€¦ she wrote â€” see p.Â\u{A0}12."
        #expect(MojibakeRepair.repair(broken).text == "The “×” curves: Brontë… she wrote — see p.\u{A0}12.")
    }
}

/// Issue 17, item 2: the noise-line model's features are those it was trained on (`Scripts/generate/line_features.py`).
@Suite struct LineModelTests {
    @Test func featuresAreThoseOfTheTrainingScript() throws {
        let text = try String(contentsOfFile: TestSupport.fixture("clean/line-features.jsonl"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let lines = try #require(object["text"] as? [String])
            let expected = try #require(object["features"] as? [[Double]])
            var joined = Array(lines.joined(separator: "\n").utf8)
            // Long prose lines are not scored (`LineFeatures.proseShortcut`); their neighbours still must agree,
            // whichever length makes a line prose.
            for proseLength in [100, 600, Int.max] {
                let features = joined.withUnsafeMutableBufferPointer { buffer in
                    let text = UnsafeBufferPointer(buffer)
                    return LineFeatures.features(text, TextLines.ranges(text), proseLength: proseLength)
                }
                #expect(features.count == expected.count)
                for (index, (got, want)) in zip(features, expected).enumerated() {
                    if got == nil && lines[index].count >= proseLength { continue }
                    let values = got ?? [Double](repeating: 0, count: want.count)
                    #expect(values.count == LineModel.featureNames.count && values.count == want.count)
                    for (name, (a, b)) in zip(LineModel.featureNames, zip(values, want)) where abs(a - b) > 1e-5 {
                        Issue.record(
                            "line \(index) '\(lines[index])' (prose from \(proseLength)): \(name) is \(a), the script says \(b)"
                        )
                    }
                }
            }
        }
    }

    @Test func menusDatesAndLinesWithoutLettersGoArticleLinesStay() {
        let page = """
            Home | News | Sport | Weather | Culture
            12.03.2021, 10:45
            The council agreed on Tuesday to build a new bridge over the river, ending years of debate about the crossing.
            Residents said the decision was long overdue, and the mayor promised that work would start before the summer.
            _____
            ||
            """
        var configuration = CleanStage.Configuration.defaults
        configuration.minRepeats = 0
        let result = CleanStage(configuration: configuration).clean(page)
        #expect(result.text.contains("The council agreed"))
        #expect(result.text.contains("Residents said"))
        #expect(!result.text.contains("_____") && !result.text.contains("||"), "\(result.removed.map(\.rule))")
        configuration.lines = .off
        #expect(CleanStage(configuration: configuration).clean(page).removed.allSatisfy { $0.rule != "noise_line" })
    }

    @Test func aLoneCommentWordNearTheEndRemovesOnlyItself() {
        let article = (1...12).map {
            "Paragraph \($0) of the story tells what happened next, in a sentence long enough to be prose."
        }
        for word in ["*", "Email", "Share"] {
            let lines = article[..<9] + [word] + article[9...]
            var configuration = CleanStage.Configuration.defaults
            configuration.minRepeats = 0
            configuration.lines = .off
            let result = CleanStage(configuration: configuration).clean(lines.joined(separator: "\n"))
            #expect(result.removed.count <= 1, "\(word): \(result.removed.map(\.rule))")
            for paragraph in article { #expect(result.text.contains(paragraph), "\(word) took '\(paragraph)'") }
        }
    }
}
