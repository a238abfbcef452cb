/// Writes documents and rejects as JSONL lines (the output record of DESIGN §3, shaped by a `RecordLayout`).
///
/// A document: `id`, `text`, `metadata`, `source`, then the stages' fields in the order they were added. A dropped
/// document: the same plus `"dropped": {"stage", "reason"}`. A record that failed: `error`, the `stage` it failed
/// in, `source`, the document's `id` when there was one, and `raw`: the record's bytes as far as they are text.
struct RecordEncoder {
    let layout: RecordLayout
    /// The input files' modification times for dolma's `added` (a batch holds one or two files).
    private var addedTimes: [String: String] = [:]

    init(layout: RecordLayout) { self.layout = layout }

    mutating func append(
        _ document: Document, dropped: (stage: String, reason: String)? = nil, error: String? = nil,
        to writer: inout JSONWriter
    ) {
        var annotations = JSONObject()
        if let dropped {
            annotations["dropped"] = .object(["stage": .string(dropped.stage), "reason": .string(dropped.reason)])
        }
        if let error { annotations["error"] = .string(error) }
        writer.appendByte(UInt8(ascii: "{"))
        writer.writeKey("id")
        writer.write(document.id)
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("text")
        writer.write(document.text)
        switch layout.profile {
        case .winnow:
            if layout.writes("metadata") { writeMember("metadata", .object(document.metadata), to: &writer) }
            if layout.writes("source") { writeMember("source", document.source.json, to: &writer) }
            for member in document.fields.members where layout.writes(member.key) {
                writeMember(member.key, member.value, to: &writer)
            }
        case .datatrove:
            writeMember("metadata", .object(nested(document)), to: &writer)
        case .dolma:
            let source = document.metadata["source"]?.stringValue ?? layout.sourceName
            let added = document.metadata["added"]?.stringValue ?? addedTime(of: document.source.file)
            let created =
                RecordLayout.creationFields.lazy.compactMap { document.metadata[$0]?.stringValue }.first ?? added
            writeMember("source", .string(source), to: &writer)
            writeMember("added", .string(added), to: &writer)
            writeMember("created", .string(created), to: &writer)
            var metadata = nested(document)
            metadata.members.removeAll { ["source", "added"].contains($0.key) && $0.value.stringValue != nil }
            writeMember("metadata", .object(metadata), to: &writer)
        }
        for member in annotations.members { writeMember(member.key, member.value, to: &writer) }
        writer.appendByte(UInt8(ascii: "}"))
        writer.appendByte(0x0A)
    }

    private func writeMember(_ key: String, _ value: JSONValue, to writer: inout JSONWriter) {
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey(key)
        writer.write(value)
    }

    /// The input's fields, `source` and the stages' fields in one object (datatrove's and dolma's `metadata`).
    private func nested(_ document: Document) -> JSONObject {
        var metadata = layout.writes("metadata") ? document.metadata : JSONObject()
        if layout.writes("source") { metadata.members.append((key: "source", value: document.source.json)) }
        for member in document.fields.members where layout.writes(member.key) { metadata.members.append(member) }
        // A stage's field wins over an input field of the same name (one key each, as JSON readers expect).
        var seen = Set<String>()
        metadata.members = metadata.members.reversed().filter { seen.insert($0.key).inserted }.reversed()
        return metadata
    }

    private mutating func addedTime(of file: String) -> String {
        if let known = addedTimes[file] { return known }
        let time = RecordLayout.modificationTime(of: file)
        addedTimes[file] = time
        return time
    }

    /// A record that never became a document.
    static func appendFailure(
        error: String, stage: String, source: SourceLocation, raw: UnsafeRawBufferPointer,
        to writer: inout JSONWriter
    ) {
        let object: JSONObject = [
            "error": .string(error),
            "stage": .string(stage),
            "source": source.json,
            "raw": .string(String(decoding: raw, as: UTF8.self)),
        ]
        writer.write(object)
        writer.appendByte(0x0A)
    }
}
