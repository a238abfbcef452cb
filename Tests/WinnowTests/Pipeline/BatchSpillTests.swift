import Foundation
import Testing
@testable import Winnow

/// The map phase's batch files: what goes in comes back, and a damaged file is an error, never wrong documents.
@Suite struct BatchSpillTests {
    static func batch() -> WorkBatch {
        var first = Document(
            id: "a\u{0}é", text: "Zwei Sätze hier. Und noch einer!\n\nNeue Zeile.",
            metadata: [
                "url": .string("https://example.org/x"),
                "nested": .object(["n": .number("1.50"), "list": .array([.null, .bool(true)])]),
            ],
            source: SourceLocation(file: "in/part.jsonl.gz", line: 12),
            fields: ["language": .string("de"), "score": .number("0.9981")],
            ordinal: 11)
        first.scratch.statistics = TextStatistics(text: first.text, language: "de", sentences: 3)
        first.scratch.lineHashes = [1, 2, UInt64.max]
        first.scratch.dedupSignature = DocumentSignature(
            exactHash: 9, bandKeys: [3, 4], sketch: [5], shingles: [], paragraphHashes: [6, 7])
        var second = Document(
            id: "b", text: "", source: SourceLocation(file: "-", line: 3, byteOffset: 4096), ordinal: 12)
        second.fields["sentences"] = .array([])
        var batch = WorkBatch(sequence: 5, phase: 9, counters: [StageCounters(name: "decode")])
        batch.documents = [first, second]
        batch.rejects = [
            Reject(ordinal: 10, bytes: Array(#"{"id":"r"}"#.utf8) + [0x0A]), Reject(ordinal: 13, bytes: []),
        ]
        return batch
    }

    func file(_ bytes: [UInt8], in directory: URL) -> String {
        let path = directory.appendingPathComponent("spill-\(bytes.count).bin")
        TestSupport.write(bytes, to: path)
        return path.path
    }

    @Test func aBatchComesBackAsItWasWrittenWithTheHashesAskedFor() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = Self.batch()
        let frames =
            BatchSpill.frame(written, keepingHashes: [RepeatedLines.name])
            + BatchSpill.frame(WorkBatch(sequence: 6, phase: 0, counters: []), keepingHashes: [])
        var reader = try BatchSpill.Reader(path: file(BatchSpill.header + frames, in: directory))
        let counters = [StageCounters(name: "x"), StageCounters(name: "output")]
        let read = try BatchSpill.batch(from: try #require(try reader.next()), phase: 3, counters: counters)
        var expected = written.documents
        expected[0].scratch.dedupSignature = nil  // not asked for: the carried-on run has no dedup
        #expect(read.documents == expected)
        #expect(
            read.documents[0].scratch.statistics == written.documents[0].scratch.statistics
                && read.documents[0].scratch.statistics != nil)
        #expect(read.rejects.map(\.ordinal) == [10, 13] && read.rejects.map(\.bytes) == written.rejects.map(\.bytes))
        #expect(read.sequence == 5 && read.phase == 3 && read.counters == counters)
        let empty = try BatchSpill.batch(from: try #require(try reader.next()), phase: 3, counters: counters)
        #expect(empty.sequence == 6 && empty.documents.isEmpty && empty.rejects.isEmpty)
        #expect(try reader.next() == nil)
        // Both ordered stages' scratch kept: the dedup signature comes back too.
        var both = try BatchSpill.Reader(
            path: file(
                BatchSpill.header + BatchSpill.frame(written, keepingHashes: [RepeatedLines.name, DedupLookup.name]),
                in: directory))
        #expect(
            try BatchSpill.batch(from: try #require(try both.next()), phase: 3, counters: counters).documents
                == written.documents)
    }

    @Test func aDamagedOrForeignFileIsAnErrorNamingIt() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let frame = BatchSpill.frame(Self.batch(), keepingHashes: [])
        // Cut short: the reader names the file and the byte.
        var truncated = try BatchSpill.Reader(path: file(BatchSpill.header + frame.dropLast(3), in: directory))
        #expect { try truncated.next() } throws: {
            "\($0)".contains("truncated at byte 16") && "\($0)".contains(directory.path)
        }
        // Not a batch file, or a header of another build.
        #expect(throws: SpillError.self) {
            try BatchSpill.Reader(
                path: file(Array("{\"id\": 1}\n".utf8) + [UInt8](repeating: 0, count: 8), in: directory))
        }
        var header = BatchSpill.header
        header[8] &+= 8
        #expect { try BatchSpill.Reader(path: file(header + frame, in: directory)) } throws: {
            "\($0)".contains("another build")
        }
        // A flipped byte inside the compressed frame: zstd's checksum, or the layout check, refuses it.
        var damaged = frame
        damaged[damaged.count / 2] ^= 0x40
        var reader = try BatchSpill.Reader(path: file(BatchSpill.header + damaged, in: directory))
        let bytes = try #require(try reader.next())
        #expect(throws: SpillError.self) { try BatchSpill.batch(from: bytes, phase: 0, counters: []) }
    }
}
