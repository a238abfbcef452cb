import Foundation
import Testing
@testable import Winnow

/// A test stage that records the order it sees documents in: the runner must hand ordered stages documents in
/// input order, whatever the jobs and batch sizes.
struct OrderRecorder: OrderedStage {
    static let name = "order_recorder"
    var seen = 0
    mutating func process(_ document: inout Document) throws -> Verdict {
        seen += 1
        document.fields["position"] = .int(seen)
        if document.text.contains("drop me") { return .drop(reason: "asked_to") }
        return .keep
    }
}

/// A per-document stage that fails on purpose for one document.
struct Exploder: DocumentStage {
    static let name = "exploder"
    struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
    func process(_ document: inout Document) throws -> Verdict {
        if document.text.contains("explode") { throw Boom() }
        document.fields["length"] = .int(document.text.utf8.count)
        return .keep
    }
}

@Suite struct RunnerTests {
    static func corpus(in directory: URL) -> [String] {
        var lines: [String] = []
        for index in 1...700 {
            var text =
                "Document \(index)\r\n\n\n\nwith   \ntrailing spaces and \u{7} controls. "
                + String(repeating: "word ", count: index % 50)
            if index % 97 == 0 { text = "drop me \(index)" }
            if index % 131 == 0 { text = "please explode \(index)" }
            lines.append(
                #"{"id": "d\#(index)", "text": "\#(text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\u{7}", with: "\\u0007"))", "n": \#(index)}"#
            )
            if index % 250 == 0 { lines.append(#"{"id": "broken", "text": "#) }
        }
        let first = lines[..<400].joined(separator: "\n") + "\n"
        let second = lines[400...].joined(separator: "\n") + "\n"
        TestSupport.write(TestSupport.gzip(first), to: directory.appendingPathComponent("a.jsonl.gz"))
        TestSupport.write(Array(second.utf8), to: directory.appendingPathComponent("b.jsonl"))
        return [directory.path]
    }

    static let pipeline = Pipeline(steps: [
        .document(CleanStage()),
        .document(Exploder()),
        .ordered(name: OrderRecorder.name, make: { OrderRecorder() }),
        .document(CleanStage()),
    ])

    func run(
        _ inputs: [String], jobs: Int, batchRecords: Int, batchBytes: Int = 1 << 20, gzip: Bool = false,
        in directory: URL
    ) async throws -> (output: [UInt8], rejects: [UInt8], summary: RunSummary) {
        let name = "out-\(jobs)-\(batchRecords)-\(batchBytes)"
        let outputPath = directory.appendingPathComponent(name + (gzip ? ".jsonl.gz" : ".jsonl")).path
        let rejectsPath = directory.appendingPathComponent(name + ".rejects.jsonl").path
        var options = Runner.Options(jobs: jobs)
        options.maximumBatchRecords = batchRecords
        options.maximumBatchBytes = batchBytes
        let output = try OutputFile(path: outputPath)
        let rejects = try OutputFile(path: rejectsPath)
        let summary = await Runner(pipeline: Self.pipeline, options: options)
            .run(inputs: try InputFile.expand(inputs), to: .init(output: output, rejects: rejects))
        try output.commit()
        try rejects.commit()
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: outputPath)))
        if gzip { bytes = TestSupport.drain(DecompressingReader(source: MemorySource(bytes))).bytes }
        return (bytes, Array(try Data(contentsOf: URL(fileURLWithPath: rejectsPath))), summary)
    }

    @Test func outputIsIdenticalForAnyJobsAndBatchSize() async throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = Self.corpus(in: directory.appendingPathComponent("in", isDirectory: true).creatingDirectory())
        let reference = try await run(inputs, jobs: 1, batchRecords: 1000, in: directory)
        for (jobs, records, bytes) in [(2, 1000, 1 << 20), (4, 7, 1 << 20), (3, 1, 1 << 20), (2, 1000, 2048)] {
            let other = try await run(inputs, jobs: jobs, batchRecords: records, batchBytes: bytes, in: directory)
            let sameOutput = other.output == reference.output, sameRejects = other.rejects == reference.rejects
            #expect(sameOutput, "output: jobs \(jobs), \(records) records, \(bytes) bytes a batch")
            #expect(sameRejects, "rejects: jobs \(jobs), \(records) records, \(bytes) bytes a batch")
        }
        let gzipped = try await run(inputs, jobs: 2, batchRecords: 50, gzip: true, in: directory)
        let sameDecompressed = gzipped.output == reference.output
        #expect(sameDecompressed, "a .gz output decompresses to the same bytes")
    }

    @Test func everyRecordIsAccountedForAndOrderedStagesSeeInputOrder() async throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = Self.corpus(in: directory.appendingPathComponent("in", isDirectory: true).creatingDirectory())
        let result = try await run(inputs, jobs: 2, batchRecords: 13, in: directory)
        let summary = result.summary
        #expect(summary.read == 702)
        #expect(summary.read == summary.writtenDocuments + summary.dropped + summary.rejected)
        #expect(summary.rejected == 2 + 5, "two broken lines, five explosions")
        #expect(summary.stages.first { $0.name == OrderRecorder.name }?.dropped == ["asked_to": 7])

        let lines = result.output.split(separator: 0x0A)
        #expect(lines.count == summary.writtenDocuments)
        var parser = JSONParser()
        var positions: [Int] = []
        var ids: [Int] = []
        for line in lines {
            let object = try Array(line).withUnsafeBytes { try parser.parseObject($0) }
            guard case .number(let position)? = object["position"], case .string(let id)? = object["id"] else {
                Issue.record("missing fields"); continue
            }
            positions.append(Int(position)!)
            ids.append(Int(id.dropFirst())!)
            let text = object["text"]?.stringValue ?? ""
            #expect(
                !text.contains("\r") && !text.contains("\u{7}") && !text.contains("\n\n\n") && !text.contains(" \n"))
            #expect(object["metadata"] == .object(["n": .number(String(id.dropFirst()))]))
        }
        #expect(ids == ids.sorted(), "output in input order")
        #expect(positions == positions.sorted())
        let rejectLines = result.rejects.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        #expect(rejectLines.count == summary.dropped + summary.rejected)
        #expect(rejectLines.contains { $0.contains(#""error":"exploder: boom""#) })
        #expect(rejectLines.contains { $0.contains(#""dropped":{"stage":"order_recorder","reason":"asked_to"}"#) })
        #expect(rejectLines.contains { $0.contains(#""source":{"file":"#) && $0.contains("malformed JSON") })
    }

    @Test func cancellationStopsReadingAndSaysSo() async throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = Self.corpus(in: directory.appendingPathComponent("in", isDirectory: true).creatingDirectory())
        let flag = CancellationFlag()
        flag.set()
        var options = Runner.Options(jobs: 2)
        options.maximumBatchRecords = 10
        let summary = await Runner(pipeline: Self.pipeline, options: options)
            .run(inputs: try InputFile.expand(inputs), to: .init(output: nil, cancellation: flag))
        #expect(summary.interrupted)
        #expect(summary.read == 0)
    }
}

extension URL {
    func creatingDirectory() -> URL {
        try! FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
