import Foundation
import Testing
@testable import Winnow
import CProseScan

/// `stats` on hand-computed examples, `filter` at its thresholds, corpus statistics and their merging.
struct StatsFilterTests {
    func statistics(_ text: String, language: String? = nil, sentences: Int? = nil) -> TextStatistics {
        TextStatistics(text: text, language: language, sentences: sentences)
    }

    func value(_ statistics: TextStatistics, _ field: String) -> Double { statistics[field: field] ?? -1 }

    @Test func englishSentenceCountsByHand() {
        let s = statistics("The cat sat on the mat. The dog did not.", language: "en", sentences: 2)
        #expect(s.chars == 40 && s.bytes == 40 && s.words == 10 && s.lines == 1 && s.paragraphs == 1)
        // 10 words and the two full stops.
        #expect(s.tokens == 12)
        #expect(value(s, "mean_word_length") == 2.9)
        #expect(value(s, "mean_sentence_length") == 5)
        // the cat sat on mat dog did not: 8 distinct of 10 (The = the).
        #expect(value(s, "type_token_ratio") == 0.8)
        // the, on, the, the, did, not.
        #expect(value(s, "stop_word_ratio") == 0.6)
        // Only lower-case "the" of Gopher's eight (datatrove compares case-sensitively).
        #expect(value(s, "gopher_stop_words") == 1)
        #expect(value(s, "alpha_ratio") == 29.0 / 40)
        #expect(value(s, "uppercase_ratio") == 2.0 / 40)
        #expect(value(s, "punctuation_ratio") == 2.0 / 40)
        #expect(value(s, "whitespace_ratio") == 9.0 / 40)
        #expect(value(s, "alpha_word_ratio") == 10.0 / 12)
        // Every 2-gram is unique ("The cat" ≠ "the mat"): the first one, 7 characters, counts.
        #expect(value(s, "top_2gram_char_fraction") == 7.0 / 40)
        #expect(value(s, "line_punct_ratio") == 1)
    }

    @Test func wordsInScriptsWithoutSpacesAndInArabic() {
        let japanese = statistics("東京は日本の首都です。大阪も大きい都市です。")
        #expect(japanese.chars == 22 && japanese.words == 20)
        #expect(value(japanese, "punctuation_ratio") == 2.0 / 22)
        #expect(value(japanese, "non_ascii_ratio") == 1)
        let chinese = statistics("我的邻居在阳台上种西红柿", language: "zh")
        #expect(chinese.words == 12)
        // 我, 的, 在, 上.
        #expect(value(chinese, "stop_word_ratio") == 4.0 / 12)
        let arabic = statistics("مرحبا بالعالم")
        #expect(arabic.chars == 13 && arabic.words == 2)
        #expect(value(arabic, "alpha_ratio") == 12.0 / 13)
        let thai = statistics("รถไฟไปชายทะเล")
        #expect(thai.words == thai.chars, "Thai letters are words one by one")
        #expect(statistics("don't e-mail 3.14 U.S. (BBC)").words == 5)
    }

    /// The word scan's fast paths (ASCII runs hashed as they are read and emitted whole, capitals and digits counted
    /// for the whole text, code points counted 16 bytes at a time) against a plain code point at a time reference, on
    /// random texts: mixed case, digits, joiners, non-ASCII letters, a script without spaces, and runs longer than the
    /// 1,024 bytes a run is read in.
    @Test func wordScanAgreesWithACodePointAtATimeReference() {
        let pieces = [
            "a", "B", "z", "Q", "7", "0", " ", "  ", "\n", "\t", ",", ".", "..", "...", "'", "-", "--", "_", "!", "(",
            "\"", "#", "$", "é", "É", "Ж", "ж", "東", "京", "’", "…", "the", "The", "and", "of", "3.14", "U.S.", "don't",
            "e-mail", "x_y", "1,000", "Extraordinarily", "counter-intelligence",
        ]
        var generator = SeededGenerator(seed: 6)
        for round in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 0...120, using: &generator) {
                if Int.random(in: 0..<40, using: &generator) == 0 {
                    let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                    text += String(
                        (0..<Int.random(in: 1000...2100, using: &generator)).map { _ in
                            letters.randomElement(using: &generator)!
                        })
                } else {
                    text += pieces.randomElement(using: &generator)!
                }
            }
            let expected = Self.referenceCounts(text)
            let s = statistics(text, language: "en")
            #expect(
                s.chars == expected.chars && s.letters == expected.letters && s.uppercase == expected.uppercase
                    && s.digits == expected.digits, "classes, round \(round)")
            #expect(
                s.words == expected.words.count
                    && s.wordCharacters == expected.words.reduce(0) { $0 + $1.unicodeScalars.count },
                "words, round \(round)")
            #expect(
                s.wordsWithLetter
                    == expected.words.filter { $0.unicodeScalars.contains { $0.properties.isAlphabetic } }.count)
            #expect(
                s.distinctWords == Set(expected.words.map { $0.lowercased() }).count, "distinct words, round \(round)")
            #expect(
                s.stopWords == expected.words.filter { StopWords.byLanguage["en"]!.contains($0.lowercased()) }.count)
            #expect(
                s.tokens == expected.words.count + expected.symbolTokens && s.punctuation == expected.punctuation
                    && s.whitespace == expected.whitespace && s.hashSigns == expected.hashSigns
                    && s.ellipses == expected.ellipses,
                "tokens and classes, round \(round)")
        }
    }

    /// The prose kernel with SSE2 and without it (what other processors run) take the same words and count the same,
    /// on random ASCII-heavy texts.
    @Test func proseKernelVectorAndPortableAgree() {
        let pieces = [
            "a", "Bc", "word", "The", "7", "2004", " ", "  ", "\n", ",", ".", "'", "-", "_", "!", "(", "\"", "#",
            "é", "don't", "e-mail", "3.14", "ExtraordinarilyLong", "x-y-z",
        ]
        let ascii = CharacterClasses.lookup.asciiPackedIncrements.baseAddress!
        var generator = SeededGenerator(seed: 11)
        for round in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 1...200, using: &generator) { text += pieces.randomElement(using: &generator)! }
            let bytes = Array(text.utf8)
            var results: [[UInt64]] = []
            for kernel in [winnow_prose_run, winnow_prose_run_portable] {
                let slots = UnsafeMutablePointer<WinnowSpellingSlot>.allocate(capacity: 4096)
                slots.initialize(repeating: WinnowSpellingSlot(), count: 4096)
                let spellings = UnsafeMutablePointer<WinnowSpelling>.allocate(capacity: bytes.count + 1)
                let sequence = UnsafeMutablePointer<Int32>.allocate(capacity: bytes.count + 1)
                defer { slots.deallocate(); spellings.deallocate(); sequence.deallocate() }
                var vocabulary = WinnowVocabulary(
                    slots: slots, slotMask: 4095, generation: 1, spellings: spellings, spellingCount: 0,
                    sequence: sequence, sequenceCount: 0, wordCount: 0)
                var result: [UInt64] = []
                var start = 0
                while start < bytes.count {
                    let run = bytes.withUnsafeBufferPointer {
                        kernel($0.baseAddress, $0.count, start, 1 << 20, ascii, &vocabulary)
                    }
                    result += [
                        UInt64(run.end), UInt64(run.chars), UInt64(run.symbolTokens), UInt64(run.hashSigns), run.packed,
                    ]
                    start = max(run.end, start + 1)
                }
                result += (0..<vocabulary.spellingCount).flatMap {
                    [spellings[$0].hash, spellings[$0].lowerCaseHash, UInt64(spellings[$0].count)]
                }
                result += (0..<vocabulary.sequenceCount).map { UInt64(sequence[$0]) }
                results.append(result)
            }
            #expect(results[0] == results[1], "round \(round)")
        }
    }

    /// Words and character classes one code point at a time, by the definitions `TextStatistics` documents (for the
    /// characters of the test above).
    static func referenceCounts(
        _ text: String
    ) -> (
        chars: Int, letters: Int, uppercase: Int, digits: Int, words: [String],
        symbolTokens: Int, punctuation: Int, whitespace: Int, hashSigns: Int, ellipses: Int
    ) {
        let scalars = Array(text.unicodeScalars)
        func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
                .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
                true
            default: false
            }
        }
        func isUnspaced(_ scalar: Unicode.Scalar) -> Bool { scalar == "東" || scalar == "京" }
        var (letters, uppercase, digits, punctuation, whitespace, symbolTokens) = (0, 0, 0, 0, 0, 0)
        var words: [String] = [], word = ""
        // The symbol run open (a character that is neither white space nor part of a word, repeated).
        var symbol: Unicode.Scalar?
        for (index, scalar) in scalars.enumerated() {
            let category = scalar.properties.generalCategory
            if [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter].contains(category)
            {
                letters += 1
            }
            if category == .uppercaseLetter { uppercase += 1 }
            if category == .decimalNumber { digits += 1 }
            if [
                .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation,
            ].contains(category) {
                punctuation += 1
            }
            let isSpace = scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
            if isSpace { whitespace += 1 }
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if isUnspaced(scalar) {
                if !word.isEmpty { words.append(word) }
                words.append(String(scalar))
                word = ""
                symbol = nil
            } else if isWordCharacter(scalar)
                || (!word.isEmpty && "'’-‐.,_".unicodeScalars.contains(scalar)
                    && next.map { isWordCharacter($0) && !isUnspaced($0) } == true)
            {
                word.unicodeScalars.append(scalar)
                symbol = nil
            } else {
                if !word.isEmpty {
                    words.append(word)
                    word = ""
                }
                if isSpace {
                    symbol = nil
                } else {
                    if scalar != symbol { symbolTokens += 1 }
                    symbol = scalar
                }
            }
        }
        if !word.isEmpty { words.append(word) }
        let ellipses =
            text.filter { $0 == "…" }.count
            + text.split(whereSeparator: { $0 != "." }).reduce(0) { $0 + $1.count / 3 }
        return (
            scalars.count, letters, uppercase, digits, words, symbolTokens, punctuation, whitespace,
            text.filter { $0 == "#" }.count, ellipses
        )
    }

    @Test func linesParagraphsAndTheirRepetition() {
        let s = statistics("a\nb\na\n\nc")
        #expect(s.lines == 5 && s.paragraphs == 2)
        // re.split("\n+") gives a b a c: one repeat of one character.
        #expect(value(s, "duplicate_line_fraction") == 0.25)
        #expect(value(s, "duplicate_line_char_fraction") == 1.0 / 8)
        // The first paragraph is not a whole line (the text is stripped), the second is: the same words all the same.
        let stripped = statistics("  same words\n\nsame words")
        #expect(stripped.paragraphs == 2 && value(stripped, "duplicate_paragraph_fraction") == 0.5)
        let paragraphs = statistics("p1\n\np1\n\np2")
        #expect(paragraphs.paragraphs == 3)
        #expect(value(paragraphs, "duplicate_paragraph_fraction") == 1.0 / 3)
        #expect(value(paragraphs, "duplicate_paragraph_char_fraction") == 2.0 / 10)
        let lists = statistics("- one\n- two\nthree...")
        #expect(value(lists, "bullet_line_ratio") == 2.0 / 3)
        #expect(value(lists, "ellipsis_line_ratio") == 1.0 / 3)
        // three words, symbol tokens "-", "-", "...".
        #expect(value(lists, "ellipsis_word_ratio") == 1.0 / 6)
        #expect(value(lists, "line_punct_ratio") == 1.0 / 3)
        #expect(value(lists, "short_line_ratio") == 1)
        #expect(value(lists, "newline_word_ratio") == 2.0 / 6)
        #expect(statistics("").paragraphs == 0 && statistics("").lines == 0 && statistics("\n").lines == 1)
        let repeated = statistics("same line here\nsame line here\nother")
        // FineWeb: 14 repeated characters of 33 that are not newlines.
        #expect(value(repeated, "duplicate_nonblank_line_char_ratio") == 14.0 / 33)
    }

    @Test func ngramRepetitionAsGopherDefinesIt() {
        let s = statistics("x y z w v x y z w v\na b a b a b")
        // "a b" three times, 3 characters each, of 31.
        #expect(value(s, "top_2gram_char_fraction") == 9.0 / 31)
        // "xyzwv" repeats once at word 5: 5 characters.
        #expect(value(s, "duplicate_5gram_char_fraction") == 5.0 / 31)
        #expect(value(s, "duplicate_6gram_char_fraction") == 0)
        let none = TextStatistics(text: "x y z w v x y z w v", language: nil, sentences: nil, ngrams: false)
        #expect(value(none, "duplicate_5gram_char_fraction") == 0)
    }

    @Test func statsStageWritesEveryFieldAndKeepsTheStatistics() throws {
        var document = Document(
            id: "1", text: "Der Hund und die Katze.", source: SourceLocation(file: "t", line: 1),
            fields: ["language": .string("de"), "sentences": .array([.string("Der Hund und die Katze.")])])
        #expect(StatsStage().process(&document) == .keep)
        guard case .object(let stats)? = document.fields["stats"] else {
            Issue.record("no stats")
            return
        }
        #expect(stats.members.map(\.key) == StatisticField.all.map(\.name))
        #expect(stats["words"] == .int(5) && stats["sentences"] == .int(1))
        #expect(stats["stop_word_ratio"] == .double(0.6))
        #expect(document.scratch.statistics?.words == 5)
        var unknown = Document(id: "2", text: "Hund", source: SourceLocation(file: "t", line: 1))
        _ = StatsStage().process(&unknown)
        guard case .object(let other)? = unknown.fields["stats"] else { return }
        #expect(other["sentences"] == nil && other["stop_word_ratio"] == nil)
    }

    // MARK: - filter

    static func filter(_ yaml: String) throws -> FilterStage {
        FilterStage(configuration: try .read(StageOptions(stage: "filter", yaml: yaml)))
    }

    func verdict(_ yaml: String, _ text: String, fields: JSONObject = [:]) throws -> Verdict {
        var document = Document(id: "1", text: text, source: SourceLocation(file: "t", line: 1), fields: fields)
        return try Self.filter(yaml).process(&document)
    }

    /// `count` words of ordinary prose with stop words: passes every Gopher quality rule but the length ones.
    func prose(_ length: Int) -> String {
        let vocabulary = [
            "the", "house", "with", "garden", "and", "that", "river", "of", "stone", "have", "to", "bridges",
        ]
        return (0..<length).map { index in vocabulary[index % vocabulary.count] }.joined(separator: " ") + "."
    }

    @Test func rulesHoldAtTheirThresholds() {
        let minimum = QualityRuleSets.minimum("words", 50), maximum = QualityRuleSets.maximum("digit_ratio", 0.1)
        #expect(minimum.passes(50) && !minimum.passes(49.999))
        #expect(maximum.passes(0.1) && !maximum.passes(0.1001))
    }

    @Test func gopherQualityAtItsThresholds() throws {
        #expect(try verdict("{gopher_quality: true}", prose(50)) == .keep)
        #expect(try verdict("{gopher_quality: true}", prose(49)) == .drop(reason: "gopher_quality:words"))
        #expect(try verdict("{gopher_quality: {min_words: 10}}", prose(10)) == .keep)
        #expect(try verdict("{gopher_quality: true}", prose(100_001)) == .drop(reason: "gopher_quality:words"))
        #expect(
            try verdict(
                "{gopher_quality: true}", Array(repeating: "ab cd", count: 40).joined(separator: " ") + " the and")
                == .drop(reason: "gopher_quality:mean_word_length"))
        // k times " #x" after 60 words and a full stop: k '#' of 61 + 2k tokens; 7/75 = 0.093 passes, 8/77 = 0.104 not.
        #expect(try verdict("{gopher_quality: true}", prose(60) + String(repeating: " #x", count: 7)).isKeep)
        #expect(
            try verdict("{gopher_quality: true}", prose(60) + String(repeating: " #x", count: 8))
                == .drop(reason: "gopher_quality:hash_word_ratio"))
        let bullets = (0..<10).map { _ in "- " + prose(6) }.joined(separator: "\n")
        #expect(try verdict("{gopher_quality: true}", bullets) == .drop(reason: "gopher_quality:bullet_line_ratio"))
        #expect(
            try verdict("{gopher_quality: true}", "intro line\n" + bullets)
                == .drop(reason: "gopher_quality:bullet_line_ratio"))
        #expect(
            try verdict(
                "{gopher_quality: true}",
                Array(repeating: "a big house bridges of stone", count: 10).joined(separator: " "))
                == .drop(reason: "gopher_quality:gopher_stop_words"))
    }

    @Test func repetitionFinewebAndSimpleRules() throws {
        let line = "This line is repeated over and over again in the text."
        #expect(
            try verdict("{gopher_repetition: true}", Array(repeating: line, count: 5).joined(separator: "\n\n"))
                == .drop(reason: "gopher_repetition:duplicate_paragraph_fraction"))
        #expect(try verdict("{gopher_repetition: true}", "") == .drop(reason: "gopher_repetition:empty"))
        #expect(
            try verdict("{fineweb: true}", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine.")
                == .drop(reason: "fineweb:line_punct_ratio"))
        // 1 of 8 lines punctuated is 0.125 ≥ 0.12: passes that rule.
        let eight =
            (1...7).map { "line number \($0) without any end mark but long enough here" }.joined(separator: "\n")
            + "\nThe end of it all, with a long last line."
        #expect(try verdict("{fineweb: {max_newline_word_ratio: 1}}", eight) == .keep)
        #expect(
            try verdict("{languages: [de]}", prose(5), fields: ["language": .string("en")])
                == .drop(reason: "languages"))
        #expect(try verdict("{languages: [en]}", prose(5), fields: ["language": .string("en")]) == .keep)
        #expect(
            try verdict("{min_language_score: 0.9}", prose(5), fields: ["language_score": .number("0.89")])
                == .drop(reason: "min_language_score"))
        #expect(try verdict("{min_words: 6}", prose(5)) == .drop(reason: "min_words"))
        #expect(try verdict("{max_words: 5}", prose(5)) == .keep)
        #expect(try verdict("{max_stat: {digit_ratio: 0.1}}", "12345 abc") == .drop(reason: "max_stat:digit_ratio"))
        #expect(try verdict("{min_stat: {sentences: 3}}", prose(5)) == .keep, "a field that does not apply passes")
    }

    /// Issue 16 item 8: a configuration changed through the API after it was read still drives the stage made from it
    /// (the plan — which rules run, whether n-grams are counted — is compiled by the stage, not stored in the options).
    @Test func ruleSetsSetThroughTheAPIAreWhatRuns() throws {
        var configuration = try FilterStage.Configuration.read(StageOptions(stage: "filter", yaml: "{}"))
        configuration.gopherRepetition = RuleSetOption(enabled: true)
        // Repeated 5-grams and nothing else repeated: only the n-gram rules can catch it.
        let text = (0..<40).map { "alpha beta gamma delta epsilon w\($0)" }.joined(separator: " ")
        var document = Document(id: "1", text: text, source: SourceLocation(file: "t", line: 1))
        guard case .drop(let reason) = FilterStage(configuration: configuration).process(&document) else {
            Issue.record("the repetition rules set through the API did not run")
            return
        }
        #expect(reason.hasPrefix("gopher_repetition:") && reason.contains("gram_"), "\(reason)")
        configuration.gopherRepetition = RuleSetOption(enabled: false)
        configuration.maxStat = NumberMapping([("duplicate_5gram_char_fraction", 0.1)])
        #expect(
            FilterStage(configuration: configuration).process(&document)
                == .drop(reason: "max_stat:duplicate_5gram_char_fraction"))
    }

    @Test func c4RulesDecideOnTheKeptLines() throws {
        let sentence = "This is a complete sentence with enough words."
        #expect(try verdict("{c4: true}", Array(repeating: sentence, count: 5).joined(separator: "\n")) == .keep)
        #expect(
            try verdict(
                "{c4: true}", Array(repeating: sentence, count: 4).joined(separator: "\n") + "\nno end mark here")
                == .drop(reason: "c4:too_few_sentences"))
        #expect(
            try verdict("{c4: {min_sentences: 4}}", Array(repeating: sentence, count: 4).joined(separator: "\n"))
                == .keep)
        #expect(
            try verdict("{c4: true}", sentence + "\nLorem ipsum dolor sit amet.") == .drop(reason: "c4:lorem_ipsum"))
        #expect(
            try verdict("{c4: true}", sentence + "\nThe code is { return 1; } here.")
                == .drop(reason: "c4:curly_bracket"))
        #expect(
            try verdict(
                "{c4: true}",
                Array(repeating: sentence, count: 5).joined(separator: "\n") + "\nPlease enable JavaScript {now}.")
                == .keep,
            "a javascript line is skipped before its bracket is seen")
    }

    @Test func badFilterOptionsAreErrors() {
        #expect(throws: PipelineError.self) { try Self.filter("{gopher_quality: {min_wrods: 3}}") }
        #expect(throws: PipelineError.self) { try Self.filter("{max_stat: {no_such_field: 1}}") }
        #expect(throws: PipelineError.self) { try Self.filter("{c4: {min_sentences: x}}") }
    }

    // MARK: - corpus statistics

    func document(_ id: String, _ text: String, language: String, score: String) -> Document {
        var document = Document(
            id: id, text: text, source: SourceLocation(file: "t", line: 1),
            fields: [
                "language": .string(language), "language_score": .number(score),
                "sentences": .array([.string(text)]),
            ])
        _ = StatsStage().process(&document)
        return document
    }

    @Test func corpusStatisticsMergeAsOneRun() throws {
        let documents = [
            document("a", "The cat sat on the mat.", language: "en", score: "0.93"),
            document("b", "Der Hund schläft.", language: "de", score: "0.99"),
            document("c", "Another English sentence here.", language: "en", score: "0.71"),
        ]
        let whole = CorpusStatistics(documents)
        var merged = CorpusStatistics(Array(documents[..<1]))
        merged.merge(CorpusStatistics(Array(documents[1...])))
        #expect(merged == whole)
        #expect(whole.totals.documents == 3 && whole.totals.words == 6 + 3 + 4)
        #expect(whole.languages["en"]?.documents == 2)
        #expect(whole.histograms["language_score"]?.counts.reduce(0, +) == 3)
        #expect(whole.histograms["language_score"]?.counts[14] == 1, "0.71 falls in [0.70, 0.75)")
        #expect(whole.histograms["sentence_words"]?.counts.reduce(0, +) == 3)
        #expect(try CorpusStatistics(json: whole.json) == whole)
    }

    @Test func summariesRoundTripAndMerge() throws {
        var one = RunSummary(stageNames: ["decode", "filter", "output"])
        one.stages[0].documentsIn = 3
        one.stages[1].dropped = ["min_words": 1]
        one.writtenDocuments = 2
        one.corpus = CorpusStatistics([document("a", "Hello there.", language: "en", score: "0.5")])
        let read = try RunSummary(json: one.json)
        var writer = JSONWriter(), again = JSONWriter()
        writer.write(one.json)
        again.write(read.json)
        #expect(writer.bytes == again.bytes)
        var merged = read
        try merged.merge(read)
        #expect(merged.read == 6 && merged.dropped == 2 && merged.corpus?.totals.documents == 2)
        #expect(throws: StatsFileError.self) { try merged.merge(RunSummary(stageNames: ["decode", "output"])) }
    }

    @Test func histogramBinsByFixedEdges() {
        var histogram = Histogram(edges: [0, 10, 20])
        for value in [-1.0, 0, 9.99, 10, 25, 1e9] { histogram.add(value) }
        #expect(histogram.counts == [3, 1, 2])
    }
}

extension Verdict {
    var isKeep: Bool { self == .keep }
}
