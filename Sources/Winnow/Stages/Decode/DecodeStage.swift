import Foundation

/// Stage `decode`: turns raw input records into documents.
///
/// JSONL: each line is one JSON object (strict RFC 8259); `text_field` becomes the text, `id_field` the id (a
/// string or a number; absent: `FILE:LINE`), and every other field is kept unchanged under `metadata`. Text: the
/// whole input is one document whose id is its path, first line included. WARC/WET: `conversion` and `resource`
/// records are text, `response` records are HTTP responses whose HTML or plain-text body becomes the text; the id is
/// the record id and `metadata` gets `url`, `date`, `record_id`, `warc_type` and `content_type` (other record types
/// are counted and skipped). gzip and uncompressed inputs are both read (see `DecompressingReader`).
///
/// Bytes that are not UTF-8 are decoded as Windows-1252 when that reads as text, else with U+FFFD for each bad
/// sequence (`TextEncoding`); UTF-16 inputs are recognised by their byte order mark. Such a document carries
/// `encoding` and `replaced_sequences`. With `html: auto` a text that is mostly markup (or a WARC response served as
/// HTML) is converted from HTML (`HTMLText`), or left as HTML when `extract` follows; character references are
/// decoded in every mode (but in HTML left for extract, which decodes them). A record that cannot
/// be decoded is rejected with its file, line and the reason; blank JSONL lines are skipped.
public struct DecodeStage: Sendable, StageDefinition {
    public static let name = "decode"
    public static let summary =
        "Reads records (JSONL, text or WARC/WET; gzip or not; any common encoding) into documents; turns HTML into text."
    public static let outputFields = [
        FieldDescription(
            name: "id", type: "string",
            help: "the record's id field, else FILE:LINE (the path for text inputs, the record id for WARC)"),
        FieldDescription(
            name: "text", type: "string",
            help: "the record's text field (the whole file for text inputs, the body for WARC)"),
        FieldDescription(
            name: "metadata", type: "object",
            help: "every other input field, unchanged; for WARC: url, date, record_id, warc_type, content_type"),
        FieldDescription(name: "source", type: "object", help: "{file, line}: where the record was read"),
        FieldDescription(name: "language", type: "string", help: "with language_field: the record's language code"),
        FieldDescription(
            name: "encoding", type: "string",
            help:
                "only for records that were not clean UTF-8: windows-1252, utf-8 (bad sequences replaced), utf-16le, utf-16be"
        ),
        FieldDescription(
            name: "replaced_sequences", type: "integer", help: "with encoding: bad byte sequences replaced by U+FFFD"),
    ]

    /// When text is read as HTML.
    public enum HTMLMode: String, ChoiceOption {
        /// When it is mostly markup (or a WARC response says text/html).
        case auto
        case always
        case never
    }

    /// The options of `decode`.
    public struct Configuration: StageConfiguration {
        @StageOption(
            "format", help: "record format; auto: by file name, else by content (WARC/, '{' for JSONL, else text)")
        public var format: RecordFormat = .auto
        @StageOption(
            "text_field", help: "JSONL field holding the document's text",
            check: { $0.isEmpty ? "must not be empty" : nil })
        public var textField = "text"
        @StageOption(
            "id_field", help: "JSONL field holding the document's id (string or number); absent: FILE:LINE",
            check: { $0.isEmpty ? "must not be empty" : nil })
        public var idField = "id"
        @StageOption(
            "language_field",
            help: "JSONL field holding the document's language code, copied to the language field (empty: none)")
        public var languageField = ""
        @StageOption(
            "html", help: "read text as HTML: auto (mostly markup), always or never; entities are decoded in every mode"
        )
        public var html: HTMLMode = .auto

        public init() {}
    }

    public static func steps(_ configuration: Configuration, at options: StageOptions) -> [PipelineStep] {
        [.decode(DecodeStage(configuration: configuration))]
    }

    public var configuration: Configuration
    /// Leave HTML as it is (the pipeline sets this when `extract` follows decode).
    public var leavesMarkup = false

    public init(configuration: Configuration = .defaults) { self.configuration = configuration }

    /// Why a record could not become a document.
    public struct RecordError: Error, Sendable, CustomStringConvertible {
        /// The reason counted in the summary (`malformed_json`, `missing_text`, …; see `RecordFailure` for the reader's).
        public var reason: String
        public var message: String
        public var description: String { message }

        init(_ reason: String, _ message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// What became of a record.
    public enum Outcome: Sendable {
        case document(Document)
        /// Not a document and not an error: a blank JSONL line (no note), or a WARC record of another type (its note).
        case skipped(note: String?)

        /// The document, when the record is one.
        public var document: Document? {
            if case .document(let document) = self { return document }
            return nil
        }
    }

    /// Decodes one record of `batch`.
    public func decode(_ record: RawRecord, of batch: RawBatch, parser: inout JSONParser) throws(RecordError) -> Outcome
    {
        let path = batch.path(of: record)
        let source = SourceLocation(file: path, line: record.line)
        if let failure = record.failure { throw RecordError(failure.reason, failure.message) }
        let result = batch.bytes.withUnsafeBytes { (all) -> Result<Outcome, RecordError> in
            let bytes = UnsafeRawBufferPointer(rebasing: all[record.start..<record.end]).assumingMemoryBound(
                to: UInt8.self)
            do throws(RecordError) {
                var outcome: Outcome
                switch record.format {
                case .text:
                    var document = Document(id: path, text: "", source: source, ordinal: record.ordinal)
                    document.text = readText(bytes, into: &document, markup: nil)
                    outcome = .document(document)
                case .jsonl, .auto:
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                        return .success(.skipped(note: nil))
                    }
                    outcome = .document(
                        try decodeJSON(
                            UnsafeRawBufferPointer(bytes), source: source, ordinal: record.ordinal, parser: &parser))
                case .warc:
                    outcome = try decodeWARC(bytes, source: source, ordinal: record.ordinal)
                }
                if let encoding = record.encoding, case .document(var document) = outcome {
                    document.fields[FieldName.encoding] = .string(encoding)
                    document.fields[FieldName.replacedSequences] =
                        document.fields[FieldName.replacedSequences] ?? .int(0)
                    outcome = .document(document)
                }
                return .success(outcome)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func decodeJSON(
        _ bytes: UnsafeRawBufferPointer, source: SourceLocation, ordinal: Int, parser: inout JSONParser
    ) throws(RecordError) -> Document {
        var object: JSONObject
        parser.repairsInvalidUTF8 = true
        do {
            object = try parser.parseObject(bytes)
        } catch {
            throw RecordError("malformed_json", "malformed JSON: \(error)")
        }
        let textField = configuration.textField
        let idField = configuration.idField
        guard let textValue = object[textField] else {
            throw RecordError(
                "missing_text", "no field '\(textField)' (set decode's text_field to the field that holds the text)")
        }
        guard case .string(let text) = textValue else {
            throw RecordError("text_not_a_string", "field '\(textField)' is \(textValue.typeName), expected a string")
        }
        var id = "\(source.file):\(source.line)"
        switch object[idField] {
        case nil, .null?: break
        case .string(let value)?: id = value
        case .number(let lexeme)?: id = lexeme
        case let other?:
            throw RecordError(
                "id_not_a_string", "field '\(idField)' is \(other.typeName), expected a string or a number")
        }
        object.members.removeAll { $0.key == textField || $0.key == idField }
        if let index = object.members.firstIndex(where: { $0.key == "metadata" }),
            case .object(let inner) = object.members[index].value
        {
            // A record that already has a `metadata` object (Winnow's, datatrove's or dolma's output read again):
            // its members join the other fields instead of nesting as metadata.metadata; a top-level field wins.
            object.members.remove(at: index)
            let outer = Set(object.members.map(\.key))
            object.members += inner.members.filter { !outer.contains($0.key) }
        }
        var document = Document(id: id, text: "", metadata: object, source: source, ordinal: ordinal)
        document.text = readMarkup(text, isHTML: nil, into: &document)
        if !configuration.languageField.isEmpty, case .string(let language)? = object[configuration.languageField],
            !language.isEmpty
        {
            document.fields[FieldName.language] = .string(language)
        }
        if let encoding = parser.repairedEncoding {
            document.fields[FieldName.encoding] = .string(encoding)
            document.fields[FieldName.replacedSequences] = .int(parser.replacedSequences)
        }
        return document
    }

    /// Bytes as text in whatever encoding they are (noting it on the document), then HTML and entities handled.
    /// `markup`: true when the source says the bytes are HTML, false when it says plain text, nil when unknown.
    /// `charset`: the label the source declares (HTTP `Content-Type`), if any.
    ///
    /// A byte order mark decides first; then valid UTF-8 is UTF-8 (a page declared `windows-1251` that is valid
    /// UTF-8 was mislabelled: real windows-1251 text is almost never valid UTF-8), except that a UTF-16 declaration
    /// is believed; otherwise the declared charset — from the source, else an HTML `<meta>` in the first 4 KB — is
    /// decoded with iconv, and without one the bytes are read as Windows-1252 or repaired UTF-8 (`TextEncoding`).
    private func readText(
        _ bytes: UnsafeBufferPointer<UInt8>, into document: inout Document, markup: Bool?, charset: String? = nil
    ) -> String {
        var text: String
        let declared = Charset.byteOrderMark(bytes) ?? charset.flatMap(Charset.encoding(label:))
        let isUTF16 = declared?.name.hasPrefix("utf-16") == true
        if !isUTF16, let valid = String(validating: bytes, as: UTF8.self) {
            text = valid
        } else if let encoding = isUTF16
            ? declared
            : (declared ?? (markup == false ? nil : Charset.declaredInHTML(bytes).flatMap(Charset.encoding(label:)))),
            let decoded = Charset.decode(bytes, as: encoding)
        {
            document.fields[FieldName.encoding] = .string(encoding.name)
            document.fields[FieldName.replacedSequences] = .int(decoded.replacements)
            text = decoded.text
        } else {
            let decoded = TextEncoding.decodeNonUTF8(bytes)
            document.fields[FieldName.encoding] = .string(decoded.encoding)
            document.fields[FieldName.replacedSequences] = .int(decoded.replacements)
            text = decoded.text
        }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return readMarkup(text, isHTML: markup, into: &document)
    }

    /// HTML to text when it is HTML (by the `html` option), else character references decoded. When `extract`
    /// follows, HTML is left as it is and the document marked as markup, for extract to find its main content.
    private func readMarkup(_ text: String, isHTML: Bool?, into document: inout Document) -> String {
        let html: Bool
        switch configuration.html {
        case .always: html = true
        case .never: html = false
        case .auto: html = isHTML ?? HTMLText.looksLikeHTML(text)
        }
        if html && leavesMarkup {
            document.scratch.isMarkup = true
            return text
        }
        return html ? HTMLText.text(text) : HTMLEntities.decode(text, html: false)
    }

    /// A WARC record: the text of `conversion`, `resource` and `response` records with a text body; others skipped.
    private func decodeWARC(
        _ bytes: UnsafeBufferPointer<UInt8>, source: SourceLocation, ordinal: Int
    ) throws(RecordError) -> Outcome {
        guard let split = Self.blankLine(in: bytes) else {
            throw RecordError("malformed_warc", "a WARC record without a header")
        }
        let header = Self.headerFields(UnsafeBufferPointer(rebasing: bytes[..<split.start]))
        var block = UnsafeBufferPointer(rebasing: bytes[split.end...])
        let type = header["warc-type"] ?? "unknown"
        var contentType = header["content-type"] ?? ""
        var httpHeader: [String: String] = [:]
        switch type {
        case "conversion", "resource":
            break
        case "response":
            guard let http = Self.blankLine(in: block) else {
                throw RecordError("malformed_warc", "a WARC response without an HTTP header")
            }
            httpHeader = Self.headerFields(UnsafeBufferPointer(rebasing: block[..<http.start]))
            contentType = httpHeader["content-type"] ?? header["warc-identified-payload-type"] ?? ""
            block = UnsafeBufferPointer(rebasing: block[http.end...])
        default:
            return .skipped(note: "warc_\(type)_records")
        }
        let mediaType =
            contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let isHTML = mediaType == "text/html" || mediaType == "application/xhtml+xml"
        guard mediaType.isEmpty || isHTML || mediaType.hasPrefix("text/") else {
            return .skipped(note: "warc_non_text_records")
        }
        let recordID = (header["warc-record-id"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        var document = Document(
            id: recordID.isEmpty ? "\(source.file):\(source.line)" : recordID, text: "", source: source,
            ordinal: ordinal)
        document.metadata = [
            "url": header["warc-target-uri"].map(JSONValue.string) ?? .null,
            "date": header["warc-date"].map(JSONValue.string) ?? .null,
            "record_id": .string(recordID),
            "warc_type": .string(type),
            "content_type": .string(contentType),
        ]
        // A WET conversion is plain text: its markup-looking parts are the page's own words.
        let markup = type == "response" ? isHTML : false
        let charset = Charset.label(inContentType: contentType)
        if type == "response" {
            // The body as the server meant it: chunks joined, gzip or deflate undone.
            let payload: [UInt8]
            do throws(HTTPPayload.Failure) {
                payload = try HTTPPayload.decode(block, headers: httpHeader)
            } catch {
                throw RecordError("undecodable_body", "a WARC response whose body cannot be decoded: \(error.message)")
            }
            document.text = payload.withUnsafeBufferPointer {
                readText($0, into: &document, markup: markup, charset: charset)
            }
        } else {
            document.text = readText(block, into: &document, markup: markup, charset: charset)
        }
        return .document(document)
    }

    /// The first blank line (CRLF CRLF, or LF LF) in `bytes`: where the header ends and the body starts.
    private static func blankLine(in bytes: UnsafeBufferPointer<UInt8>) -> (start: Int, end: Int)? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A {
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { return (i, i + 2) }
                if i + 2 < bytes.count && bytes[i + 1] == 0x0D && bytes[i + 2] == 0x0A { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// Header fields (`Name: value` lines after the first line), names lower-cased.
    private static func headerFields(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: String] {
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .dropFirst()
        {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return fields
    }
}
