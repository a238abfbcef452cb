/// Writes documents and rejects as JSONL lines (the output record of DESIGN §3).
///
/// A document: `id`, `text`, `metadata`, `source`, then the stages' fields in the order they were added. A dropped
/// document: the same plus `"dropped": {"stage", "reason"}`. A record that failed: `error`, the `stage` it failed
/// in, `source`, the document's `id` when there was one, and `raw`: the record's bytes as far as they are text.
enum RecordEncoder {
    static func append(_ document: Document, dropped: (stage: String, reason: String)? = nil, error: String? = nil,
                       to writer: inout JSONWriter) {
        writer.appendByte(UInt8(ascii: "{"))
        writer.writeKey("id")
        writer.write(document.id)
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("text")
        writer.write(document.text)
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("metadata")
        writer.write(document.metadata)
        writer.appendByte(UInt8(ascii: ","))
        writer.writeKey("source")
        writer.write(document.source.json)
        for member in document.fields.members {
            writer.appendByte(UInt8(ascii: ","))
            writer.writeKey(member.key)
            writer.write(member.value)
        }
        if let dropped {
            writer.appendByte(UInt8(ascii: ","))
            writer.writeKey("dropped")
            writer.write(.object(["stage": .string(dropped.stage), "reason": .string(dropped.reason)]))
        }
        if let error {
            writer.appendByte(UInt8(ascii: ","))
            writer.writeKey("error")
            writer.write(error)
        }
        writer.appendByte(UInt8(ascii: "}"))
        writer.appendByte(0x0A)
    }

    /// A record that never became a document.
    static func appendFailure(error: String, stage: String, source: SourceLocation, raw: UnsafeRawBufferPointer,
                              to writer: inout JSONWriter) {
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
