/// Stage `decode`: turns raw input records into documents.
///
/// JSONL: each line is one JSON object (strict RFC 8259); `text_field` becomes the text, `id_field` the id (a
/// string or a number; absent: `FILE:LINE`), and every other field is kept unchanged under `metadata`. Text: the
/// whole input is one document whose id is its path, first line included. gzip and uncompressed inputs are both
/// read (see `DecompressingReader`); a byte order mark is removed. A record that cannot be decoded is rejected with
/// its file, line and the reason; blank JSONL lines are skipped.
public struct DecodeStage: Sendable {
    public static let name = "decode"
    static let summary = "Reads records (JSONL or text, gzip or not) into documents with id, text, metadata and source."
    static let outputFields = [
        FieldDescription(name: "id", help: "the record's id field, else FILE:LINE (the path for text inputs)"),
        FieldDescription(name: "text", help: "the record's text field (the whole file for text inputs)"),
        FieldDescription(name: "metadata", help: "every other input field, unchanged"),
        FieldDescription(name: "source", help: "{file, line}: where the record was read"),
    ]

    /// The options of `decode`.
    public struct Configuration: StageConfiguration {
        static let formatOption = StageOption<RecordFormat>("format", default: .auto, help: "record format; auto: by file name, else by the first byte ('{' means JSONL)")
        static let textFieldOption = StageOption<String>("text_field", default: "text", help: "JSONL field holding the document's text") { $0.isEmpty ? "must not be empty" : nil }
        static let idFieldOption = StageOption<String>("id_field", default: "id", help: "JSONL field holding the document's id (string or number); absent: FILE:LINE") { $0.isEmpty ? "must not be empty" : nil }

        public static let optionDescriptions = [formatOption.description, textFieldOption.description, idFieldOption.description]

        public var format: RecordFormat
        public var textField: String
        public var idField: String

        public init(_ options: StageOptions) throws(PipelineError) {
            format = try options.value(Self.formatOption)
            textField = try options.value(Self.textFieldOption)
            idField = try options.value(Self.idFieldOption)
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .defaults) { self.configuration = configuration }

    /// Why a record could not become a document.
    public struct RecordError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Decodes one record of `batch`; nil for a blank JSONL line, which is not a record.
    public func decode(_ record: RawRecord, of batch: RawBatch, parser: inout JSONParser) throws(RecordError) -> Document? {
        let path = batch.path(of: record)
        let source = SourceLocation(file: path, line: record.line)
        if let failure = record.failure { throw RecordError(message: failure) }
        let result = batch.bytes.withUnsafeBytes { (all) -> Result<Document?, RecordError> in
            let bytes = UnsafeRawBufferPointer(rebasing: all[record.start..<record.end])
            do throws(RecordError) {
                switch record.format {
                case .text:
                    return .success(Document(id: path, text: try Self.text(bytes), source: source, ordinal: record.ordinal))
                case .jsonl, .auto:
                    if Self.isBlank(bytes) { return .success(nil) }
                    return .success(try decodeJSON(bytes, source: source, ordinal: record.ordinal, parser: &parser))
                }
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func decodeJSON(_ bytes: UnsafeRawBufferPointer, source: SourceLocation, ordinal: Int, parser: inout JSONParser) throws(RecordError) -> Document {
        var object: JSONObject
        do {
            object = try parser.parseObject(bytes)
        } catch {
            throw RecordError(message: "malformed JSON: \(error)")
        }
        let textField = configuration.textField
        let idField = configuration.idField
        guard let textValue = object[textField] else {
            throw RecordError(message: "no field '\(textField)' (set decode's text_field to the field that holds the text)")
        }
        guard case .string(let text) = textValue else {
            throw RecordError(message: "field '\(textField)' is \(textValue.typeName), expected a string")
        }
        var id = "\(source.file):\(source.line)"
        switch object[idField] {
        case nil, .null?: break
        case .string(let value)?: id = value
        case .number(let lexeme)?: id = lexeme
        case let other?: throw RecordError(message: "field '\(idField)' is \(other.typeName), expected a string or a number")
        }
        object.members.removeAll { $0.key == textField || $0.key == idField }
        return Document(id: id, text: text, metadata: object, source: source, ordinal: ordinal)
    }

    private static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// A text input as a string: it must be UTF-8.
    private static func text(_ bytes: UnsafeRawBufferPointer) throws(RecordError) -> String {
        let units = bytes.assumingMemoryBound(to: UInt8.self)
        if let text = String(validating: units, as: UTF8.self) { return text }
        let offset = UTF8Validation.firstInvalidOffset(units) ?? 0
        throw RecordError(message: "not valid UTF-8 (first bad byte at offset \(offset))")
    }
}
