import CZstd

/// Batches written where they leave a run's last step, for another run of the same pipeline to carry on from there:
/// the cluster map phase writes the documents that reach dedup (with the rejects so far), and the reduce phase
/// continues from them instead of decoding and cleaning the inputs a second time.
///
/// A file is a run of frames, one a batch in batch order: the frame's byte count (8 bytes), then a zstd frame
/// (level 1) of the batch's sequence, its documents and its rejects. A document keeps everything a later stage can
/// read — id, text, metadata, source, position, output fields (as JSON), the `stats` stage's statistics and the
/// hashes later ordered stages look up — so the carried-on run writes byte for byte what one run writes. The
/// format is private to one build of winnow: the statistics are stored as their memory image, and the file starts
/// with their size, which a reader checks.
enum BatchSpill {
    private static let magic: UInt64 = 0x3170_6C69_7073_6E77  // "wnspilp1"

    /// The file's header.
    static var header: [UInt8] {
        var writer = LittleEndianWriter()
        writer.integer(magic)
        writer.integer(UInt64(MemoryLayout<TextStatistics>.size))
        return writer.bytes
    }

    /// A batch as one frame; `hashes` names the hashes to keep (those of ordered stages the carried-on run has).
    static func frame(_ batch: WorkBatch, keepingHashes hashes: Set<String>) -> [UInt8] {
        var writer = LittleEndianWriter()
        writer.integer(UInt64(batch.sequence))
        writer.integer(UInt64(batch.documents.count))
        var json = JSONWriter()
        for document in batch.documents {
            writer.integer(UInt64(document.ordinal))
            writer.string(document.id)
            writer.string(document.text)
            writer.string(document.source.file)
            writer.integer(UInt64(document.source.line))
            writer.integer(Int64(document.source.byteOffset ?? -1))
            for object in [document.metadata, document.fields] {
                json.bytes.removeAll(keepingCapacity: true)
                json.write(object)
                writer.countedBytes(json.bytes)
            }
            if var statistics = document.scratch.statistics {
                writer.integer(UInt8(1))
                withUnsafeBytes(of: &statistics) { writer.countedBytes($0) }
            } else {
                writer.integer(UInt8(0))
            }
            // What later ordered stages take from the scratch, by the stage's name (sorted).
            var kept: [(String, [UInt64])] = []
            if let signature = document.scratch.dedupSignature, hashes.contains(DedupLookup.name) {
                kept.append((DedupLookup.name, signature.packed))
            }
            if let lines = document.scratch.lineHashes, hashes.contains(RepeatedLines.name) {
                kept.append((RepeatedLines.name, lines))
            }
            writer.integer(UInt64(kept.count))
            for (name, values) in kept {
                writer.string(name)
                writer.integers(values)
            }
        }
        writer.integer(UInt64(batch.rejects.count))
        for reject in batch.rejects {
            writer.integer(UInt64(reject.ordinal))
            writer.countedBytes(reject.bytes)
        }
        let compressed = ZstdEncoder.frame(writer.bytes, level: 1)
        var framed = LittleEndianWriter()
        framed.countedBytes(compressed)
        return framed.bytes
    }

    /// A file's frames in order, from a mapped file; the frames are decoded by `batch(from:)`, on any thread.
    struct Reader {
        let file: MappedFile
        private var offset = 0

        init(path: String) throws {
            file = try MappedFile(path: path)
            var reader = LittleEndianReader(file.bytes)
            guard reader.integer(UInt64.self) == BatchSpill.magic else {
                throw SpillError("\(path): not a batch file of winnow")
            }
            guard reader.integer(UInt64.self) == UInt64(MemoryLayout<TextStatistics>.size) else {
                throw SpillError("\(path): written by another build of winnow (run the phase that wrote it again)")
            }
            offset = reader.offset
        }

        /// The next frame's bytes (compressed), or nil at the end.
        mutating func next() throws -> [UInt8]? {
            guard offset < file.bytes.count else { return nil }
            var reader = LittleEndianReader(UnsafeRawBufferPointer(rebasing: file.bytes[offset...]))
            guard let count = reader.integer(UInt64.self), count <= UInt64(reader.remaining),
                let start = reader.take(Int(count))
            else {
                throw SpillError("\(file.path): truncated at byte \(offset)")
            }
            defer { offset += reader.offset }
            return Array(reader.bytes[start..<(start + Int(count))])
        }
    }

    /// The batch a frame holds, about to run phase `phase` with fresh counters for `stageCount` counters.
    static func batch(from frame: [UInt8], phase: Int, counters: [StageCounters]) throws -> WorkBatch {
        let bytes = try decompress(frame)
        return try bytes.withUnsafeBytes { raw in
            var reader = LittleEndianReader(raw)
            func fail() -> SpillError { SpillError("a batch is damaged at byte \(reader.offset) of its frame") }
            guard let sequence = reader.integer(UInt64.self), let count = reader.integer(UInt64.self),
                count <= UInt64(raw.count)
            else { throw fail() }
            var batch = WorkBatch(sequence: Int(sequence), phase: phase, counters: counters)
            batch.documents.reserveCapacity(Int(count))
            var parser = JSONParser()
            for _ in 0..<count {
                guard let ordinal = reader.integer(UInt64.self), let id = reader.string(), let text = reader.string(),
                    let file = reader.string(), let line = reader.integer(UInt64.self),
                    let offset = reader.integer(Int64.self),
                    let metadataBytes = reader.countedBytes(), let fieldsBytes = reader.countedBytes()
                else { throw fail() }
                let metadata: JSONObject, fields: JSONObject
                do {
                    metadata = try parser.parseObject(metadataBytes)
                    fields = try parser.parseObject(fieldsBytes)
                } catch {
                    throw SpillError("a document's fields are not JSON: \(error)")
                }
                var document = Document(
                    id: id, text: text, metadata: metadata,
                    source: SourceLocation(file: file, line: Int(line), byteOffset: offset < 0 ? nil : Int(offset)),
                    fields: fields, ordinal: Int(ordinal))
                guard let hasStatistics = reader.integer(UInt8.self) else { throw fail() }
                if hasStatistics == 1 {
                    guard let image = reader.countedBytes(), image.count == MemoryLayout<TextStatistics>.size else {
                        throw fail()
                    }
                    document.scratch.statistics = image.loadUnaligned(as: TextStatistics.self)
                }
                guard let hashCount = reader.integer(UInt64.self), hashCount <= UInt64(raw.count) else { throw fail() }
                for _ in 0..<hashCount {
                    guard let name = reader.string(), let values = reader.counted(UInt64.self) else { throw fail() }
                    switch name {
                    case DedupLookup.name:
                        guard let signature = DocumentSignature(packed: values) else { throw fail() }
                        document.scratch.dedupSignature = signature
                    case RepeatedLines.name: document.scratch.lineHashes = values
                    default: throw fail()
                    }
                }
                batch.documents.append(document)
            }
            guard let rejectCount = reader.integer(UInt64.self), rejectCount <= UInt64(raw.count) else { throw fail() }
            for _ in 0..<rejectCount {
                guard let ordinal = reader.integer(UInt64.self), let bytes = reader.countedBytes() else { throw fail() }
                batch.rejects.append(Reject(ordinal: Int(ordinal), bytes: Array(bytes)))
            }
            guard reader.remaining == 0 else { throw fail() }
            return batch
        }
    }

    private static func decompress(_ frame: [UInt8]) throws(SpillError) -> [UInt8] {
        let size = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        // ZSTD_CONTENTSIZE_UNKNOWN and _ERROR are the two largest values.
        guard size < UInt64.max - 1, size <= UInt64(Int.max) else {
            throw SpillError("a batch's zstd frame is damaged")
        }
        var output = [UInt8](repeating: 0, count: Int(size))
        let produced = output.withUnsafeMutableBytes { out in
            frame.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
        }
        guard ZSTD_isError(produced) == 0, produced == Int(size) else {
            throw SpillError("a batch's zstd frame is damaged")
        }
        return output
    }
}

/// The statistics are written as their memory image; the compiler checks that they are plain bits.
extension TextStatistics: BitwiseCopyable {}

/// A batch file that cannot be read back.
struct SpillError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
