/// One input's run through a reader or parser, checking what it promises: a broken promise traps. The libFuzzer
/// targets (`Fuzz/`, run with `Scripts/ops/fuzz.sh`) and the regression tests over saved crashing inputs
/// (`Tests/WinnowTests/Fixtures/fuzz/`) both call `run`, so every input the fuzzer found stays a test.
enum FuzzChecks {
    enum Target: String, CaseIterable, Sendable {
        case gzip, jsonl, warc, html, sentences, pipeline, stats, http
    }

    static func run(_ target: Target, _ bytes: [UInt8]) {
        switch target {
        case .gzip: gzip(bytes)
        case .jsonl: jsonl(bytes)
        case .warc: records(bytes, format: .warc)
        case .html: html(String(decoding: bytes, as: UTF8.self))
        case .sentences: sentences(String(decoding: bytes, as: UTF8.self))
        case .pipeline: _ = try? Pipeline.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
        case .stats: stats(bytes)
        case .http: http(bytes)
        }
    }

    /// An HTTP response (header, blank line, body) through the payload decoder and the charset decoders: chunks
    /// joined are never longer than the body, and any declared charset decodes (or is refused) without a trap.
    private static func http(_ bytes: [UInt8]) {
        let split =
            bytes.indices.first { bytes[$0] == 0x0A && ($0 + 1 < bytes.count && bytes[$0 + 1] == 0x0A) } ?? bytes.count
        var headers: [String: String] = [:]
        for line in String(decoding: bytes[..<split], as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...])
        }
        let body = Array(bytes[min(bytes.count, split + 2)...])
        if let joined = HTTPPayload.dechunk(body) {
            precondition(joined.count <= body.count, "chunks joined grew the body")
        }
        let payload = body.withUnsafeBufferPointer { (try? HTTPPayload.decode($0, headers: headers)) ?? [] }
        payload.withUnsafeBufferPointer { buffer in
            let label = headers["content-type"].flatMap(Charset.label(inContentType:)) ?? Charset.declaredInHTML(buffer)
            if let encoding = label.flatMap(Charset.encoding(label:)) ?? Charset.byteOrderMark(buffer) {
                _ = Charset.decode(buffer, as: encoding)
            }
            for name in ["shift_jis", "utf-16", "gbk", "iso-2022-jp", "koi8-r"] {
                _ = Charset.decode(buffer, as: Charset.encoding(label: name)!)
            }
        }
    }

    /// A stats file that reads is merged with itself, written and made a report without trapping; one that does not
    /// read is an error, never a crash.
    private static func stats(_ bytes: [UInt8]) {
        guard var summary = try? RunSummary.parse(bytes) else { return }
        let original = summary
        for _ in 0..<3 { guard (try? summary.merge(original)) != nil else { break } }
        _ = summary.text
        _ = summary.json
        _ = ReportPage.html(summary, title: "fuzz")
    }

    /// Read whole and in chunks whose sizes come from the input: the same bytes and the same failure (or none).
    private static func gzip(_ bytes: [UInt8]) {
        let chunkSizes = bytes.prefix(8).map { Int($0 % 61) + 1 }
        let wholeReader = DecompressingReader(source: MemorySource(bytes))
        let chunkedReader = DecompressingReader(
            source: MemorySource(bytes, chunkSizes: chunkSizes), inputBufferSize: 64)
        let whole = drain(wholeReader), chunked = drain(chunkedReader)
        precondition(whole.bytes == chunked.bytes, "gzip output depends on how the input arrives")
        precondition(
            whole.failure == chunked.failure,
            "gzip failure depends on how the input arrives: \(whole.failure ?? "none") / \(chunked.failure ?? "none")")
        precondition(
            wholeReader.takeFaults().map(\.description) == chunkedReader.takeFaults().map(\.description),
            "gzip faults depend on how the input arrives")
        records(bytes, format: .jsonl)
    }

    private static func drain(_ reader: DecompressingReader) -> (bytes: [UInt8], failure: String?) {
        var output: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        do {
            while output.count < 64 << 20 {
                let count = try reader.read(into: buffer)
                if count == 0 { break }
                output.append(contentsOf: buffer[0..<count])
            }
            return (output, nil)
        } catch {
            return (output, "\(error)")
        }
    }

    /// A parsed object, written back and parsed again, is the same object.
    private static func jsonl(_ bytes: [UInt8]) {
        var parser = JSONParser()
        let parsed = try? bytes.withUnsafeBytes { (buffer) throws(JSONSyntaxError) in try parser.parseObject(buffer) }
        guard let object = parsed else { return }
        var writer = JSONWriter()
        writer.write(object)
        let again = try? writer.bytes.withUnsafeBytes { (buffer) throws(JSONSyntaxError) in
            try parser.parseObject(buffer)
        }
        precondition(again == object, "a parsed object does not survive writing and parsing again")
        records(bytes, format: .jsonl)
    }

    /// Every record of the input through `decode`, the input arriving in small chunks and a small read window.
    private static func records(_ bytes: [UInt8], format: RecordFormat) {
        let decode = DecodeStage()
        let reader = BatchReader(inputs: [InputFile(path: "fuzz", size: nil)], format: format, windowSize: 256) {
            file in
            MemorySource(bytes, path: file.path, chunkSizes: [97])
        }
        var parser = JSONParser()
        while let batch = reader.next() {
            for record in batch.records { _ = try? decode.decode(record, of: batch, parser: &parser) }
        }
    }

    private static func html(_ text: String) {
        _ = HTMLText.looksLikeHTML(text)
        _ = HTMLText.text(text)
        _ = HTMLEntities.decode(text, html: true)
        _ = HTMLEntities.decode(text, html: false)
    }

    /// Sentences keep every character of the text but white space, in order.
    private static func sentences(_ text: String) {
        var document = Document(id: "fuzz", text: text, source: SourceLocation(file: "fuzz", line: 1))
        _ = SentenceStage().process(&document)
        guard case .array(let parts)? = document.fields[FieldName.sentences] else { return }
        let joined = parts.compactMap(\.stringValue).joined()
        precondition(
            joined.unicodeScalars.filter { !$0.properties.isWhitespace }.elementsEqual(
                text.unicodeScalars.filter { !$0.properties.isWhitespace }),
            "sentences lost or changed characters")
    }
}
