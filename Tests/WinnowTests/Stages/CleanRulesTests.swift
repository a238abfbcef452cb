import Testing
@testable import Winnow

@Suite struct MojibakeRepairTests {
    @Test(arguments: [
        ("It\u{e2}\u{20ac}\u{2122}s", "It’s"),
        ("caf\u{c3}\u{a9} in M\u{c3}\u{bc}nchen", "café in München"),
        ("\u{e2}\u{20ac}\u{153}quoted\u{e2}\u{20ac}\u{9d}", "“quoted”"),
        ("\u{c3}\u{a0} la carte", "à la carte"),
        ("Stra\u{c3}\u{9f}e", "Straße"),
        ("\u{d0}\u{9f}\u{d1}\u{80}\u{d0}\u{b8}\u{d0}\u{b2}\u{d0}\u{b5}\u{d1}\u{82}", "Привет"),
        ("\u{c2}\u{a0}100\u{c2}\u{b0}C", "\u{a0}100°C"),
        ("\u{e2}\u{20ac}\u{201d} a dash", "— a dash"),
        ("\u{c3}\u{a2}\u{e2}\u{201a}\u{ac}\u{e2}\u{201e}\u{a2}", "’"),  // mojibake of mojibake
        ("\u{ef}\u{bb}\u{bf}BOM", "\u{feff}BOM"),
        ("\u{e6}\u{97}\u{a5}\u{e6}\u{9c}\u{ac}", "日本"),
        ("\u{f0}\u{178}\u{2dc}\u{20ac}", "😀"),
    ])
    func repairsCommonMojibake(broken: String, expected: String) {
        #expect(MojibakeRepair.repair(broken).text == expected)
        #expect(MojibakeRepair.repair(broken).repairs > 0)
    }

    /// Real words that look risky: they hold Ã, Â, â, Ç, ß, Ø … but are correct and must not change.
    @Test(arguments: [
        "São Paulo, AÇÃO, NÃO, Ação, coração",  // Portuguese
        "Âge d’or, crème brûlée, à la carte, naïve façade",  // French
        "Çağlar, İstanbul, ağaç, göğüs, şoför",  // Turkish
        "Tiếng Việt, Hà Nội, Đà Nẵng, người",  // Vietnamese
        "Straße, Fußgänger, Grüße, Ärger",  // German
        "Ångström, Øresund, Æble, blåbærsyltetøj",  // Danish, Norwegian, Swedish
        "mañana, ¿Qué?, ¡Olé!, Ñandú",  // Spanish
        "perché, città, Niccolò, È così",  // Italian
        "Łódź, źdźbło, Gdańsk, Żółć",  // Polish
        "Þórshöfn, Ísland, Ðe, æðarfugl",  // Icelandic
        "Čeština, Dvořák, Šťastný",  // Czech
        "Română, Știință, Țară, Ânimă",  // Romanian
        "Ελληνικά, Привет, עברית, العربية, 日本語",  // other scripts
        "Price: 5 × 3 = 15, ±2°, ½ cup, © 2024, §4 ¶2",  // symbols after capitals and digits
        "ÂÂ plain, ÃO, ÃÃ",  // capitals next to each other
    ])
    func leavesCorrectTextAlone(text: String) {
        #expect(MojibakeRepair.repair(text).text == text)
        #expect(MojibakeRepair.repair(text).repairs == 0)
    }
}

@Suite struct TextTidierTests {
    func tidy(_ text: String, ascii: Bool = false) -> String {
        var output: [UInt8] = []
        var copy = text
        copy.withUTF8 { TextTidier(asciiPunctuation: ascii).tidy($0, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    @Test func invisibleCharactersGoJoinersStay() {
        #expect(
            tidy("zero\u{200B}width\u{2060}joiner\u{FEFF}s and soft\u{AD}hyphen") == "zerowidthjoiners and softhyphen")
        #expect(
            tidy("می\u{200C}خواهم 👩\u{200D}💻") == "می\u{200C}خواهم 👩\u{200D}💻", "ZWNJ and ZWJ spell words and emoji")
    }

    @Test func unicodeSpacesAreCorrectTextAndStay() {
        let spaces = "a\u{A0}b\u{2002}c\u{2009}d\u{202F}e\u{3000}f\u{205F}g\u{1680}h « guillemets\u{202F}» ; oui\u{A0}!"
        #expect(tidy(spaces) == spaces)
        #expect(tidy("line\u{2028}next\u{2029}para") == "line\nnext\npara")
    }

    @Test func c1ControlsAreWindows1252PunctuationNeverLost() {
        #expect(
            tidy("\u{84}Handwerk\u{93} hin\u{93}, parl\u{E9}\u{85} \u{80}5 \u{96} it\u{92}s")
                == "„Handwerk“ hin“, parlé… €5 – it’s")
        #expect(tidy("a\u{81}b\u{8D}c\u{9D}d") == "abcd", "the five bytes Windows-1252 leaves undefined go")
        #expect(tidy("\u{93}x\u{94} \u{85}", ascii: true) == "\"x\" ...")
    }

    @Test func asciiPunctuationWhenAsked() {
        let text = "‘single’ “double” „low‟ en–dash em—dash minus−sign wait…"
        #expect(tidy(text) == text)
        #expect(tidy(text, ascii: true) == "'single' \"double\" \"low\" en-dash em-dash minus-sign wait...")
    }

    @Test func otherThreeByteCharactersPassThrough() {
        let text = "€ ™ → 日本語 ひらがな ｶﾀｶﾅ ① ✓ ‰"
        #expect(tidy(text) == text)
    }
}

@Suite struct NormalizationTests {
    @Test func nfkcFoldsCompatibilityCharacters() {
        #expect(CleanStage.clean("ﬁne ① Ｆｕｌｌ x² ㎏ ½", normalize: .nfkc) == "fine 1 Full x2 kg 1⁄2")
        #expect(CleanStage.clean("ﬁne ①", normalize: .nfc) == "ﬁne ①")
        #expect(CleanStage.clean("e\u{301} ﬁ", normalize: .nfkc) == "é fi")
    }
}

@Suite struct BoilerplateTests {
    let stage = CleanStage()

    func removed(_ text: String, stage: CleanStage? = nil) -> [String] {
        (stage ?? self.stage).clean(text).removed.map(\.rule)
    }

    static let story =
        "A headline about the harbour\n\nThe council met on Thursday and voted to keep the ferry running for another decade.\n\nResidents said the vote was a relief."

    /// Every family in at least three languages, as a line at the end of a story.
    @Test(arguments: [
        ("Share this article", "share"), ("Artikel teilen", "share"), ("Partager sur Facebook", "share"),
        ("Поделиться", "share"),
        ("Follow us on Twitter", "share"), ("Seguici su Instagram", "share"),
        ("We use cookies to give you the best experience on our website.", "cookie"),
        ("Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.", "cookie"),
        ("Nous utilisons des cookies pour améliorer votre expérience.", "cookie"), ("Política de cookies", "cookie"),
        ("Subscribe to our newsletter", "newsletter"), ("Newsletter abonnieren", "newsletter"),
        ("Abonnez-vous à notre newsletter", "newsletter"), ("Zapisz się", "newsletter"),
        ("© 2024 Example Media Ltd", "copyright"), ("Alle Rechte vorbehalten", "copyright"),
        ("Tous droits réservés", "copyright"), ("Todos los derechos reservados.", "copyright"),
        ("Все права защищены", "copyright"),
        ("Read more: How the council decided", "related"), ("Lesen Sie auch: Der neue Hafen", "related"),
        ("Lire aussi", "related"), ("Leggi anche", "related"), ("Читайте также", "related"),
        ("Home › News › Local", "navigation"), ("Startseite | Politik | Region", "navigation"),
        ("Accueil » Actualités » Région", "navigation"), ("Impressum", "navigation"),
        ("Advertisement", "advertising"), ("Anzeige", "advertising"), ("Publicité", "advertising"),
        ("Реклама", "advertising"),
    ])
    func removesEachFamily(line: String, family: String) {
        let rules = removed(Self.story + "\n\n" + line)
        #expect(rules == ["boilerplate:\(family)"], "\(line)")
    }

    @Test(arguments: [
        ("Leave a Reply", "Your email address will not be published.", "en"),
        ("Hinterlasse einen Kommentar", "Deine E-Mail-Adresse wird nicht veröffentlicht.", "de"),
        ("Laisser un commentaire", "Votre adresse e-mail ne sera pas publiée.", "fr"),
        ("Deja un comentario", "Tu dirección de correo electrónico no será publicada.", "es"),
        ("Lascia un commento", "Il tuo indirizzo email non sarà pubblicato.", "it"),
        ("Deixe um comentário", "O seu endereço de email não será publicado.", "pt"),
        ("Laat een reactie achter", "Je e-mailadres wordt niet gepubliceerd.", "nl"),
        ("Оставить комментарий", "Ваш адрес email не будет опубликован.", "ru"),
        ("Dodaj komentarz", "Twój adres e-mail nie zostanie opublikowany.", "pl"),
    ])
    func commentFormNearTheEndTakesTheRest(opening: String, notice: String, language: String) {
        let text = Self.story + "\n\n\(opening)\n\n\(notice)\n\nName *\n\nSome reader's half-typed comment\n\n*"
        let result = stage.clean(text)
        #expect(result.text == Self.story, "\(language)")
        #expect(result.removed.first?.rule == "boilerplate:comment_form")
        #expect(result.removed.dropFirst().allSatisfy { $0.rule == "comment_form_tail" })
    }

    @Test func storyLinesThatMentionTheWordsStay() {
        let text = """
            Share prices fell sharply on Monday after the company warned on profits.
            The minister said she would read more widely before deciding, and would comment later.
            Readers can print this article? No: the printers' union went on strike over the new presses.
            The site uses cookies, which the regulator says must be consented to, the report says in its third chapter on privacy.
            Home secretary Jane Smith visited the scene.
            """
        #expect(removed(text).isEmpty)
    }

    @Test func familiesCanBeTurnedOffAndPatternsAdded() throws {
        let text = Self.story + "\n\nShare this article\n\nSponsored by Acme Widgets"
        let options = try StageOptions(
            stage: "clean", yaml: #"{boilerplate: [cookie], extra_patterns: ["Sponsored by .*"], explain: true}"#)
        let custom = CleanStage(configuration: try .read(options))
        let result = custom.clean(text)
        #expect(result.removed.map(\.rule) == ["extra_pattern"])
        #expect(result.text.contains("Share this article"))
        var document = Document(id: "d", text: text, source: SourceLocation(file: "f", line: 1))
        _ = custom.process(&document)
        guard case .object(let report)? = document.fields["clean"] else { Issue.record("no clean field"); return }
        #expect(report["removed_lines"] == .int(1))
        #expect(report["removed_chars"] == .int(25))
        #expect(
            report["removed"]
                == .array([.object(["line": .string("Sponsored by Acme Widgets"), "rule": .string("extra_pattern")])]))
        #expect(throws: PipelineError.self) {
            try CleanStage.Configuration.read(StageOptions(stage: "clean", yaml: "{boilerplate: [nope]}"))
        }
        #expect(throws: PipelineError.self) {
            try CleanStage.Configuration.read(StageOptions(stage: "clean", yaml: #"{extra_patterns: ["(unclosed"]}"#))
        }
    }

    @Test func c4RulesWhenAsked() throws {
        let text =
            "A title without a full stop\nA sentence that ends properly.\nPlease enable JavaScript to view this page.\nLorem ipsum dolor sit amet.\n“A quote that ends.”\nShort one."
        let c4 = CleanStage(
            configuration: try .read(StageOptions(stage: "clean", yaml: "{c4_rules: true, min_line_words: 3}")))
        let result = c4.clean(text)
        #expect(
            result.removed.map(\.rule) == [
                "c4:terminal_punctuation", "c4:javascript", "c4:lorem_ipsum", "min_line_words",
            ])
        #expect(result.text == "A sentence that ends properly.\n“A quote that ends.”")
        #expect(!removed(text).contains { $0.hasPrefix("c4:") || $0 == "min_line_words" }, "off by default")
    }
}

@Suite struct RepeatedLinesTests {
    func document(_ text: String, url: String? = nil, file: String = "a.jsonl", line: Int) -> Document {
        var document = Document(
            id: "\(line)", text: text, source: SourceLocation(file: file, line: line), ordinal: line)
        if let url { document.metadata["url"] = .string(url) }
        document.fields["clean"] = .object([
            "removed_lines": .int(0), "removed_chars": .int(0), "mojibake_repairs": .int(0), "removed": .array([]),
        ])
        return document
    }

    @Test func linesRepeatedInManyDocumentsOfOneSourceGo() throws {
        var stage = RepeatedLines(minimumRepeats: 3, explain: true, dropEmpty: true)
        var texts: [String] = []
        for index in 1...5 {
            let name = ["alpha", "beta", "gamma", "delta", "epsilon"][index - 1]
            var doc = document(
                index == 2
                    ? "Story \(name) is unique.\n\nposted in news on 1999-12-31\n\nFollow our site"
                    : "Story \(name) is unique.\n\nPosted in NEWS on 2024-0\(index)-01\n\nFollow our site",
                url: "https://news.example.org/\(index)", line: index)
            _ = try stage.process(&doc)
            texts.append(doc.text)
        }
        // Case and digits do not count: "Posted in NEWS on …" and "Follow our site" repeat from the first document on.
        #expect(
            texts[0].contains("Follow") && texts[1].contains("Follow"), "the first min_repeats − 1 documents keep it")
        #expect(texts[2] == "Story gamma is unique.")
        #expect(texts[4] == "Story epsilon is unique.")
        var other = document("Follow our site", url: "https://other.example.com/x", line: 6)
        #expect(try stage.process(&other) == .keep, "another host is another source")
        #expect(other.text == "Follow our site")
        var empty = document("Follow our site", url: "https://news.example.org/6", line: 7)
        #expect(try stage.process(&empty) == .drop(reason: "empty_text"))
        guard case .object(let report)? = empty.fields["clean"] else { Issue.record("no report"); return }
        #expect(report["removed_lines"] == .int(1))
        #expect(
            report["removed"]
                == .array([.object(["line": .string("Follow our site"), "rule": .string("repeated_line")])]))
    }

    @Test func aLineRepeatedInsideOneDocumentCountsOnce() throws {
        var stage = RepeatedLines(minimumRepeats: 2, explain: false, dropEmpty: true)
        var doc = document("Chorus\nVerse one\nChorus\nVerse two\nChorus", line: 1)
        _ = try stage.process(&doc)
        #expect(doc.text == "Chorus\nVerse one\nChorus\nVerse two\nChorus")
    }
}

@Suite struct LineHashTests {
    func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { RepeatedLines.hash($0) }
    }

    @Test func caseAndDigitsDoNotCountOtherBytesDo() {
        #expect(hash("Posted in NEWS on 2024-01-01") == hash("posted in news on 1999-12-31"))
        #expect(hash("ÀÉ Straße 12") == hash("ÀÉ STRAßE 99"), "ASCII folds, other bytes stay as they are")
        #expect(hash("ÀÉ") != hash("àé"))
        #expect(hash("Posted in News at 2024") != hash("Posted in News on 2024"))
        #expect(hash("abc") != hash("abc ") && hash("") != hash(" "))
        #expect(hash("[@`{ /:") != hash("{`@[ :/"), "the bytes around the letter and digit ranges are not folded")
        #expect(hash("@[`{/:") == hash("@[`{/:"))
    }
}

@Suite struct LineCountsTests {
    @Test func countsOncePerDocumentAndSurvivesGrowth() {
        var table = LineCounts(capacity: 8)
        for document in 0..<3 {
            for hash in 1...5000 as ClosedRange<UInt64> {
                let count = table.count(hash &* 0x9E37_79B9_7F4A_7C15, inDocument: document)
                #expect(count == document + 1)
                #expect(
                    table.count(hash &* 0x9E37_79B9_7F4A_7C15, inDocument: document) == document + 1,
                    "a repeat in one document counts once")
            }
        }
        #expect(table.count == 5000)
        #expect(table.count(0, inDocument: 9) == 1, "hash 0 is a key like any other")
    }
}
