/// Where a record came from: the input's path as given (`-` for stdin) and its 1-based line, or byte offset.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line of the record in the decompressed input (1 for a whole-file document).
    public var line: Int
    /// Offset in the compressed input, for errors that have no line (a corrupt gzip stream).
    public var byteOffset: Int?

    public init(file: String, line: Int, byteOffset: Int? = nil) {
        self.file = file
        self.line = line
        self.byteOffset = byteOffset
    }

    public var description: String {
        if let byteOffset { return "\(file): byte \(byteOffset)" }
        return "\(file):\(line)"
    }

    /// The location as the output record's `source` object.
    public var json: JSONValue {
        var object: JSONObject = ["file": .string(file), "line": .int(line)]
        if let byteOffset { object["byte_offset"] = .int(byteOffset) }
        return .object(object)
    }
}

/// One document flowing through a pipeline: the record type every stage reads and annotates.
///
/// `id` and `text` are always present; `metadata` holds the input's other fields unchanged; `fields` holds what
/// stages added (`sentences`, `language`, `stats`, …), in the order the stages ran, and becomes top-level keys
/// of the output record (stages read each other's by the names in `FieldName`); `scratch` holds what stages hand on
/// that is not written out.
public struct Document: Sendable, Hashable {
    public var id: String
    public var text: String
    public var metadata: JSONObject
    public var source: SourceLocation
    /// Output fields added by stages, in the order they were added.
    public var fields: JSONObject
    /// The record's position among all records of the run (from 0): input order, independent of batching.
    public var ordinal: Int
    /// What stages hand on to later stages, typed; never written out.
    public var scratch = DocumentScratch()

    public init(
        id: String, text: String, metadata: JSONObject = [:], source: SourceLocation, fields: JSONObject = [:],
        ordinal: Int = 0
    ) {
        self.id = id
        self.text = text
        self.metadata = metadata
        self.source = source
        self.fields = fields
        self.ordinal = ordinal
    }
}

/// What a stage decided about a document.
public enum Verdict: Sendable, Hashable {
    case keep
    /// Drop the document; the reason is a short snake_case word (`min_words`, `near_duplicate`) counted in the summary.
    case drop(reason: String)
}
