import Foundation
import Testing
@testable import Winnow

/// Decodes `content` as one input named `name` and returns the outcomes (or error messages) of its records.
func decodeInput(
    _ content: [UInt8], name: String, options: String = "{}"
) throws -> [Result<DecodeStage.Outcome, DecodeStage.RecordError>] {
    let decode = DecodeStage(configuration: try .read(StageOptions(stage: "decode", yaml: options)))
    let reader = BatchReader(
        inputs: [InputFile(path: name, size: nil)], format: decode.configuration.format, windowSize: 256
    ) { file in
        MemorySource(content, path: file.path, chunkSizes: [97])
    }
    var parser = JSONParser()
    var outcomes: [Result<DecodeStage.Outcome, DecodeStage.RecordError>] = []
    while let batch = reader.next() {
        for record in batch.records {
            do throws(DecodeStage.RecordError) {
                outcomes.append(.success(try decode.decode(record, of: batch, parser: &parser)))
            } catch {
                outcomes.append(.failure(error))
            }
        }
    }
    return outcomes
}

func documents(_ content: [UInt8], name: String, options: String = "{}") throws -> [Document] {
    try decodeInput(content, name: name, options: options).compactMap { try? $0.get().document }
}

@Suite struct EncodingTests {
    @Test func validUTF8PassesUntouchedAndCarriesNoEncoding() throws {
        let text = "Grüße, 日本語, emoji 😀"
        let document = try #require(try documents(Array(text.utf8), name: "a.txt").first)
        #expect(document.text == text)
        #expect(document.fields["encoding"] == nil)
    }

    @Test func byteOrderMarksAreReadAndRemoved() throws {
        let utf8 = try #require(try documents([0xEF, 0xBB, 0xBF] + Array("BOM text".utf8), name: "a.txt").first)
        #expect(utf8.text == "BOM text")
        let sample = "Ünïcødé: 日本語 and 😀 (a surrogate pair)"
        let little: [UInt8] = [0xFF, 0xFE] + sample.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + sample.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, name) in [(little, "utf-16le"), (big, "utf-16be")] {
            let document = try #require(try documents(bytes, name: "u.txt").first)
            #expect(document.text == sample)
            #expect(document.fields["encoding"] == .string(name))
            #expect(document.fields["replaced_sequences"] == .int(0))
        }
        let jsonl = "{\"id\": \"x\", \"text\": \"UTF-16 JSONL, ünïcødé\"}\n{\"id\": \"y\", \"text\": \"second\"}\n"
        let utf16JSONL: [UInt8] = [0xFF, 0xFE] + jsonl.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let records = try documents(utf16JSONL, name: "u.jsonl")
        #expect(records.map(\.text) == ["UTF-16 JSONL, ünïcødé", "second"])
        #expect(records.allSatisfy { $0.fields["encoding"] == .string("utf-16le") })
    }

    @Test func windows1252WhenItReadsAsText() throws {
        let bytes: [UInt8] =
            Array("Caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me ".utf8) + [0x93] + Array("quoted".utf8)
            + [0x94] + Array(" costs ".utf8) + [0x80] + Array("5.".utf8)
        let document = try #require(try documents(bytes, name: "cp.txt").first)
        #expect(document.text == "Café crème “quoted” costs €5.")
        #expect(document.fields["encoding"] == .string("windows-1252"))
        #expect(document.fields["replaced_sequences"] == .int(0))
    }

    @Test func damagedUTF8GetsReplacementCharacters() throws {
        // Good UTF-8 (é) next to bad bytes: damaged UTF-8, not Windows-1252.
        let bytes: [UInt8] = Array("caf\u{e9} ".utf8) + [0xFF] + Array(" x ".utf8) + [0xE2, 0x82] + Array(" end".utf8)
        let document = try #require(try documents(bytes, name: "bad.txt").first)
        #expect(document.text == "café \u{FFFD} x \u{FFFD} end", "a cut-short sequence is one replacement")
        #expect(document.fields["encoding"] == .string("utf-8"))
        #expect(document.fields["replaced_sequences"] == .int(2))
        // Bytes Windows-1252 does not define are not read as it.
        let undefined = try #require(try documents(Array("a".utf8) + [0x81] + Array("b".utf8), name: "u.txt").first)
        #expect(undefined.text == "a\u{FFFD}b")
    }

    @Test func nonUTF8InsideJSONStrings() throws {
        let line: [UInt8] =
            Array(#"{"id": "x", "text": "na"#.utf8) + [0xEF] + Array(#"ve", "title": "caf"#.utf8) + [0xE9]
            + Array("\"}\n".utf8)
        let document = try #require(try documents(line, name: "x.jsonl").first)
        #expect(document.text == "naïve")
        #expect(document.metadata["title"] == .string("café"))
        #expect(document.fields["encoding"] == .string("windows-1252"))
    }
}

@Suite struct HTMLTests {
    @Test(arguments: [
        ("Tom &amp; Jerry&#8217;s caf&eacute; &lt;b&gt;", "Tom & Jerry’s café <b>"),
        ("&#x2019;&#X2019;&#169;&nbsp;x&NotEqualTilde;&fjlig;", "’’©\u{A0}x≂̸fj"),
        ("AT&T &copy2020 &amp no semicolon &unknown; &#;", "AT&T &copy2020 &amp no semicolon &unknown; &#;"),
    ])
    func entitiesInPlainText(raw: String, expected: String) {
        #expect(HTMLEntities.decode(raw, html: false) == expected)
    }

    @Test func entitiesInHTMLFollowTheTokenizer() {
        #expect(
            HTMLEntities.decode("&copy2020 &amp;&ampx &#8217 &#0; &#x110000; &#150; &notit;", html: true)
                == "©2020 &&x ’ \u{FFFD} \u{FFFD} – ¬it;")
    }

    @Test func htmlBecomesText() {
        let html = """
            <!DOCTYPE html><html><head><title>Page title</title><style>p { color: red }</style>
            <script>var x = "<p>not text</p>";</script></head>
            <body><nav><a href="/">Home</a></nav><!-- a comment <p>hidden</p> -->
            <h1>Heading</h1><p>First   paragraph with <b>bold</b> and
            <a href="x">a link</a>.</p><p>Second&nbsp;paragraph &amp; more.</p>
            <ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>
            <noscript>enable js</noscript><template><p>tpl</p></template><pre>  keep
              spacing</pre>Tail<br>after break</body></html>
            """
        #expect(
            HTMLText.text(html) == """
                Page title

                Home

                Heading

                First paragraph with bold and a link.

                Second\u{A0}paragraph & more.

                one
                two

                a b

                  keep
                  spacing

                Tail
                after break
                """)
    }

    @Test func autoDetectsMostlyMarkup() throws {
        #expect(HTMLText.looksLikeHTML("<p>One</p><p>Two</p>"))
        #expect(HTMLText.looksLikeHTML("  <!doctype html><title>x</title> lots of text after it"))
        #expect(
            !HTMLText.looksLikeHTML(
                "A long plain article that mentions a <b> tag once and then goes on for a good while longer."))
        #expect(!HTMLText.looksLikeHTML("if a < b and c > d"))
        let options = ["{html: auto}", "{html: always}", "{html: never}"]
        let results = try options.map {
            try documents(Array("<p>Hello &amp; <i>bye</i></p>".utf8), name: "h.txt", options: $0).first?.text
        }
        #expect(results == ["Hello & bye", "Hello & bye", "<p>Hello & <i>bye</i></p>"])
    }
}

@Suite struct WARCTests {
    static func record(_ type: String, uri: String, id: String, contentType: String, body: String) -> [UInt8] {
        let block = Array(body.utf8)
        let header =
            "WARC/1.0\r\nWARC-Type: \(type)\r\nWARC-Target-URI: \(uri)\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n"
            + "WARC-Record-ID: <urn:uuid:\(id)>\r\nContent-Type: \(contentType)\r\nContent-Length: \(block.count)\r\n\r\n"
        return Array(header.utf8) + block + Array("\r\n\r\n".utf8)
    }

    static let wet: [UInt8] = [
        record("warcinfo", uri: "", id: "info", contentType: "application/warc-fields", body: "software: test\r\n"),
        record(
            "conversion", uri: "https://example.org/a", id: "a", contentType: "text/plain",
            body: "First page text.\nIt has <two> lines."),
        record(
            "conversion", uri: "https://example.org/b", id: "b", contentType: "text/plain",
            body: "Second page, ünïcødé."),
    ].flatMap { GzipEncoder.member($0) }

    @Test func wetConversionRecordsAreDocuments() throws {
        let outcomes = try decodeInput(Self.wet, name: "tiny.warc.wet.gz")
        #expect(outcomes.count == 3)
        guard case .success(.skipped(let note)) = outcomes[0] else { Issue.record("warcinfo is skipped"); return }
        #expect(note == "warc_warcinfo_records")
        let docs = outcomes.compactMap { try? $0.get().document }
        #expect(docs.map(\.id) == ["urn:uuid:a", "urn:uuid:b"])
        #expect(docs[0].text == "First page text.\nIt has <two> lines.", "plain text: markup-looking words stay")
        #expect(docs[0].metadata["url"] == .string("https://example.org/a"))
        #expect(docs[0].metadata["date"] == .string("2024-01-02T03:04:05Z"))
        #expect(docs[0].metadata["record_id"] == .string("urn:uuid:a"))
        #expect(docs[0].metadata["content_type"] == .string("text/plain"))
        #expect(docs[1].source.line > docs[0].source.line)
    }

    @Test func formatIsDetectedByContentWhateverTheName() throws {
        #expect(try documents(Self.wet, name: "crawl-data.bin").count == 2)
    }

    @Test func responseRecordsAreHTTPWithHTML() throws {
        let http =
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Hello <b>web</b> &amp; all.</p><script>x()</script></body></html>"
        let image = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\u{89}PNG..."
        let bytes =
            Self.record(
                "request", uri: "https://e.org/", id: "q", contentType: "application/http",
                body: "GET / HTTP/1.1\r\n\r\n")
            + Self.record(
                "response", uri: "https://e.org/", id: "r", contentType: "application/http; msgtype=response",
                body: http)
            + Self.record(
                "response", uri: "https://e.org/p.png", id: "i", contentType: "application/http; msgtype=response",
                body: image)
        let outcomes = try decodeInput(bytes, name: "x.warc")
        let docs = outcomes.compactMap { try? $0.get().document }
        #expect(docs.count == 1)
        #expect(docs.first?.text == "Hello web & all.")
        #expect(docs.first?.metadata["content_type"] == .string("text/html; charset=utf-8"))
    }

    @Test func anAbsurdContentLengthIsNotRead() throws {
        var huge = Self.record(
            "conversion", uri: "https://example.org/x", id: "x", contentType: "text/plain", body: "body")
        if let range = huge.firstRange(of: Array("Content-Length: 4".utf8)) {
            huge.replaceSubrange(range, with: Array("Content-Length: 99999999999".utf8))
        }
        let good = Self.record(
            "conversion", uri: "https://example.org/y", id: "y", contentType: "text/plain", body: "good body")
        let outcomes = try decodeInput(huge + good, name: "huge.warc")
        #expect(outcomes.count == 2)
        if case .failure(let error) = outcomes.first {
            #expect(error.message.contains("longer than the 268435456-byte limit"))
        } else {
            Issue.record("not rejected")
        }
        #expect(try outcomes.last?.get().document?.id == "urn:uuid:y")
    }

    @Test func aRecordWhoseLengthLiesIsRejectedAndReadingGoesOn() throws {
        var broken = Self.record(
            "conversion", uri: "https://example.org/x", id: "x", contentType: "text/plain", body: "short body")
        let lie = Array("Content-Length: 10".utf8), bigger = Array("Content-Length: 99".utf8)
        if let range = broken.firstRange(of: lie) { broken.replaceSubrange(range, with: bigger) }
        let good = Self.record(
            "conversion", uri: "https://example.org/y", id: "y", contentType: "text/plain", body: "good body")
        let outcomes = try decodeInput(broken + good + good, name: "lie.warc")
        let failures = outcomes.compactMap { result -> String? in
            if case .failure(let error) = result { return error.message }; return nil
        }
        #expect(failures.count == 1)
        #expect(failures.first?.contains("Content-Length") == true)
        #expect(outcomes.compactMap { try? $0.get().document?.id } == ["urn:uuid:y", "urn:uuid:y"])
    }
}
