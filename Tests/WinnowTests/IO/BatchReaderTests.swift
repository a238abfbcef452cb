import Foundation
import Testing
@testable import Winnow

@Suite struct BatchReaderTests {
    /// All records of all batches, as (file, line, text, failure).
    func records(
        _ paths: [String], format: RecordFormat = .auto, batchRecords: Int = 1000, batchBytes: Int = 1 << 20
    )
        throws -> [(file: String, line: Int, bytes: String, failure: String?)]
    {
        let reader = BatchReader(
            inputs: try InputFile.expand(paths), format: format,
            maximumBatchBytes: batchBytes, maximumBatchRecords: batchRecords)
        var result: [(file: String, line: Int, bytes: String, failure: String?)] = []
        var expectedSequence = 0
        while let batch = reader.next() {
            #expect(batch.sequence == expectedSequence)
            expectedSequence += 1
            for record in batch.records {
                result.append(
                    (
                        batch.path(of: record), record.line,
                        String(decoding: batch.bytes[record.start..<record.end], as: UTF8.self), record.failure?.message
                    ))
            }
        }
        return result
    }

    @Test func linesAndNumbersDoNotDependOnBatchLimits() throws {
        let path = TestSupport.fixture("two-members.jsonl.gz")
        let reference = try records([path])
        #expect(reference.count == 40)
        #expect(reference.map(\.line) == Array(1...40))
        for (count, bytes) in [(1, 1 << 20), (7, 1 << 20), (1000, 100), (3, 1)] {
            let other = try records([path], batchRecords: count, batchBytes: bytes)
            #expect(other.map(\.bytes) == reference.map(\.bytes))
            #expect(other.map(\.line) == reference.map(\.line))
        }
    }

    @Test func byteOrderMarkAndCRLFAreNotPartOfRecords() throws {
        let result = try records([TestSupport.fixture("bom-crlf.jsonl")])
        #expect(result.count == 3)
        #expect(result.allSatisfy { $0.bytes.hasPrefix("{") && !$0.bytes.hasSuffix("\r") })
    }

    @Test func truncatedInputGivesItsCompleteLinesThenOneFailure() throws {
        let result = try records([TestSupport.fixture("truncated.jsonl.gz")])
        let failures = result.filter { $0.failure != nil }
        #expect(failures.count == 1)
        #expect(result.last?.failure?.contains("truncated") == true)
        #expect(result.last?.failure?.contains("truncated.jsonl.gz") == true)
        let good = result.dropLast()
        #expect(good.count >= 20, "the lines before the cut come out")
        #expect(good.allSatisfy { $0.bytes.hasSuffix("}") })
    }

    @Test func textInputsAreOneRecordEach() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        TestSupport.write(TestSupport.gzip("Title line\n\nBody.\n"), to: directory.appendingPathComponent("b.txt.gz"))
        TestSupport.write(Array("{\"id\": 1, \"text\": \"x\"}\n".utf8), to: directory.appendingPathComponent("a.jsonl"))
        TestSupport.write(Array("ignored".utf8), to: directory.appendingPathComponent("README.md"))
        let result = try records([directory.path])
        #expect(
            result.map { URL(fileURLWithPath: $0.file).lastPathComponent } == ["a.jsonl", "b.txt.gz"],
            "sorted, record files only")
        #expect(result[1].bytes == "Title line\n\nBody.\n")
    }

    @Test func longLinesGrowTheWindow() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let long = "{\"text\": \"" + String(repeating: "x", count: 3_000_000) + "\"}\n"
        TestSupport.write(
            TestSupport.gzip(long + "{\"text\": \"short\"}\n"), to: directory.appendingPathComponent("long.jsonl.gz"))
        let result = try records([directory.path])
        #expect(result.count == 2)
        #expect(result[0].bytes.utf8.count == long.utf8.count - 1)
        #expect(result[1].line == 2)
    }

    @Test func missingPathsAreErrorsNamingThem() {
        #expect(throws: InputListingError.self) { try InputFile.expand(["/no/such/file.jsonl"]) }
    }
}

/// The readers, fed the same bytes whole, one byte at a time and in random chunks (through a small read window, so
/// lines cross every kind of boundary), must give the same documents.
@Suite struct ChunkedReadingTests {
    static let jsonl: String =
        (1...120).map { index in
            let text =
                String(repeating: "Wörter und Sätze \(index). ", count: index % 9 + 1)
                + (index % 10 == 0 ? "\\n\\nAbsatz \\\"zitiert\\\" \\u00e9" : "")
            return #"{"id": "doc-\#(index)", "text": "\#(text)", "meta": {"n": \#(index), "tags": ["x", 1.5e3, null]}}"#
        }.joined(separator: "\n") + "\n\n" + #"{"id": "last", "text": "no newline at the end"}"#

    func documents(_ content: [UInt8], name: String, chunks: [Int], window: Int) -> [String] {
        let reader = BatchReader(
            inputs: [InputFile(path: name, size: nil)], format: .auto, maximumBatchRecords: 17, windowSize: window
        ) { file in
            MemorySource(content, path: file.path, chunkSizes: chunks)
        }
        let decode = DecodeStage()
        var parser = JSONParser()
        var result: [String] = []
        while let batch = reader.next() {
            for record in batch.records {
                do {
                    guard let document = try decode.decode(record, of: batch, parser: &parser).document else {
                        continue
                    }
                    var writer = JSONWriter()
                    var encoder = RecordEncoder(layout: RecordLayout())
                    encoder.append(document, to: &writer)
                    result.append(String(decoding: writer.bytes, as: UTF8.self))
                } catch {
                    result.append("error: \(error)")
                }
            }
        }
        return result
    }

    @Test(arguments: [false, true])
    func sameDocumentsHoweverTheBytesArrive(compressed: Bool) {
        let plain = Array(Self.jsonl.utf8)
        let content =
            compressed ? GzipEncoder.member(Array(plain[..<3000])) + GzipEncoder.member(Array(plain[3000...])) : plain
        let name = compressed ? "in.jsonl.gz" : "in.jsonl"
        let whole = documents(content, name: name, chunks: [], window: 1 << 20)
        #expect(whole.count == 121)
        #expect(!whole.contains { $0.hasPrefix("error") })
        #expect(whole.last?.contains(#""line":122"#) == true, "the blank line is skipped but counted")
        let byteByByte = documents(content, name: name, chunks: [1], window: 64)
        #expect(byteByByte == whole)
        for seed in 1...4 as ClosedRange<UInt64> {
            let random = documents(
                content, name: name, chunks: TestSupport.randomChunkSizes(seed: seed), window: 16 + Int(seed) * 50)
            #expect(random == whole, "seed \(seed)")
        }
    }

    @Test func emptyInputsGiveNoRecords() {
        #expect(documents([], name: "empty.jsonl", chunks: [], window: 64).isEmpty)
        #expect(documents(GzipEncoder.member([]), name: "empty.jsonl.gz", chunks: [1], window: 64).isEmpty)
        #expect(documents(Array("\n\n  \n".utf8), name: "blank.jsonl", chunks: [], window: 64).isEmpty)
    }
}

@Suite struct LongLineTests {
    @Test func aLineOverTheLimitIsRejectedAndTheRestIsRead() {
        let long = "{\"text\": \"" + String(repeating: "x", count: 5000) + "\"}"
        for tail in ["\n{\"text\": \"after\"}\n", ""] {
            let content = Array(("{\"text\": \"before\"}\n" + long + tail).utf8)
            let reader = BatchReader(inputs: [InputFile(path: "long.jsonl", size: nil)], format: .jsonl, windowSize: 64)
            { file in
                MemorySource(content, path: file.path, chunkSizes: [37])
            }
            reader.maximumRecordBytes = 1000
            var records: [(line: Int, text: String, failure: String?)] = []
            while let batch = reader.next() {
                for record in batch.records {
                    records.append(
                        (
                            record.line, String(decoding: batch.bytes[record.start..<record.end], as: UTF8.self),
                            record.failure?.message
                        ))
                }
            }
            #expect(records.count == (tail.isEmpty ? 2 : 3))
            #expect(records[0].text == "{\"text\": \"before\"}")
            #expect(records[1].line == 2)
            #expect(
                records[1].failure?.contains("a line of 5012 bytes") == true,
                "\(String(describing: records[1].failure))")
            if !tail.isEmpty { #expect(records[2].text == "{\"text\": \"after\"}" && records[2].line == 3) }
        }
    }

    @Test func aTextInputOverTheLimitIsRejected() {
        let content = Array(String(repeating: "Long text. ", count: 500).utf8)
        let reader = BatchReader(
            inputs: [InputFile(path: "big.txt", size: nil), InputFile(path: "small.txt", size: nil)],
            format: .text, windowSize: 64
        ) { file in
            MemorySource(file.path == "big.txt" ? content : Array("Small.".utf8), path: file.path, chunkSizes: [100])
        }
        reader.maximumRecordBytes = 1000
        var records: [RawRecord] = []
        var texts: [String] = []
        while let batch = reader.next() {
            records += batch.records
            texts += batch.records.map { String(decoding: batch.bytes[$0.start..<$0.end], as: UTF8.self) }
        }
        #expect(records.count == 2)
        #expect(
            records[0].failure?.message.contains("text input longer than") == true
                && records[0].failure?.reason == "record_too_long")
        #expect(texts[1] == "Small.")
    }
}
