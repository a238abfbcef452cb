import Foundation
import Testing
@testable import Winnow

@Suite struct BatchReaderTests {
    /// All records of all batches, as (file, line, text, failure).
    func records(_ paths: [String], format: RecordFormat = .auto, batchRecords: Int = 1000, batchBytes: Int = 1 << 20)
        throws -> [(file: String, line: Int, bytes: String, failure: String?)] {
        let reader = BatchReader(inputs: try InputFile.expand(paths), format: format,
                                 maximumBatchBytes: batchBytes, maximumBatchRecords: batchRecords)
        var result: [(file: String, line: Int, bytes: String, failure: String?)] = []
        var expectedSequence = 0
        while let batch = reader.next() {
            #expect(batch.sequence == expectedSequence)
            expectedSequence += 1
            for record in batch.records {
                result.append((batch.path(of: record), record.line, String(decoding: batch.bytes[record.start..<record.end], as: UTF8.self), record.failure))
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
        #expect(result.map { URL(fileURLWithPath: $0.file).lastPathComponent } == ["a.jsonl", "b.txt.gz"], "sorted, record files only")
        #expect(result[1].bytes == "Title line\n\nBody.\n")
    }

    @Test func longLinesGrowTheWindow() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let long = "{\"text\": \"" + String(repeating: "x", count: 3_000_000) + "\"}\n"
        TestSupport.write(TestSupport.gzip(long + "{\"text\": \"short\"}\n"), to: directory.appendingPathComponent("long.jsonl.gz"))
        let result = try records([directory.path])
        #expect(result.count == 2)
        #expect(result[0].bytes.utf8.count == long.utf8.count - 1)
        #expect(result[1].line == 2)
    }

    @Test func missingPathsAreErrorsNamingThem() {
        #expect(throws: IOFailure.self) { try InputFile.expand(["/no/such/file.jsonl"]) }
    }
}
