import Foundation
import Testing
@testable import Winnow

/// `--resume DIR`: a run stopped part way and run again writes the same bytes (output, rejects, dedup index) as one
/// that was never stopped, and as a run without `--resume`.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct ResumeTests {
    /// Twelve inputs of varied text, with exact duplicates across inputs and repeated lines, so `repeated_lines` and
    /// `dedup` carry state from input to input.
    static func makeInputs(in directory: URL) -> URL {
        let inputs = directory.appendingPathComponent("in", isDirectory: true).creatingDirectory()
        var generator = SeededGenerator(seed: 11)
        let words = [
            "river", "market", "council", "rain", "school", "bridge", "harvest", "train", "museum", "festival",
            "library", "storm", "budget", "election", "garden", "harbour", "forest", "concert", "hospital", "road",
        ]
        var earlier: [String] = []
        for file in 0..<12 {
            var lines = ""
            for record in 0..<60 {
                let text: String
                if !earlier.isEmpty && record % 9 == 0 {
                    text = earlier[Int.random(in: 0..<earlier.count, using: &generator)]
                } else {
                    let sentences = (0..<8).map { _ in
                        "The "
                            + (0..<12).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }.joined(
                                separator: " ") + "."
                    }
                    text = "Local news from the valley.\n" + sentences.joined(separator: " ")
                    earlier.append(text)
                }
                let escaped = text.replacingOccurrences(of: "\n", with: "\\n")
                lines += #"{"id": "f\#(file)-\#(record)", "text": "\#(escaped)"}"# + "\n"
            }
            TestSupport.write(
                TestSupport.gzip(lines), to: inputs.appendingPathComponent(String(format: "part-%02d.jsonl.gz", file)))
        }
        return inputs
    }

    /// `Pipelines/corpus.yaml` with a persistent dedup index.
    static func pipeline(in directory: URL, index: String) throws -> String {
        let path = directory.appendingPathComponent("pipeline-\(index).yaml").path
        let corpus = try String(
            contentsOf: TestSupport.packageRoot.appendingPathComponent("Pipelines/corpus.yaml"), encoding: .utf8)
        let withIndex = corpus.replacingOccurrences(
            of: "- dedup: { threshold: 0.8 }",
            with: "- dedup: { threshold: 0.8, index: \(directory.appendingPathComponent(index).path) }")
        #expect(withIndex != corpus)
        try withIndex.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func read(_ url: URL) -> Data { (try? Data(contentsOf: url)) ?? Data() }

    @Test func aStoppedRunTakenUpAgainWritesWhatAnUnstoppedRunWrites() throws {
        guard let binary = TestSupport.winnowBinary else { return }
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = Self.makeInputs(in: directory).path
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

        let whole = try TestSupport.runWinnow([
            "run", try Self.pipeline(in: directory, index: "whole.index"), inputs, "-o", file("whole.jsonl.gz").path,
            "--rejects", file("whole-rejects.jsonl").path, "--resume", file("whole-state").path, "--no-progress",
        ])
        #expect(whole.status == 0, "\(String(decoding: whole.stderr, as: UTF8.self))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: file("whole-state/done").path).count == 12)

        let stoppedPipeline = try Self.pipeline(in: directory, index: "stopped.index")
        let arguments = [
            "run", stoppedPipeline, inputs, "-o", file("stopped.jsonl.gz").path, "--rejects",
            file("stopped-rejects.jsonl").path,
            "--resume", file("stopped-state").path, "--no-progress", "--jobs", "1",
        ]
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        let done = file("stopped-state/done").path
        for _ in 0..<1200
        where ((try? FileManager.default.contentsOfDirectory(atPath: done))?.count ?? 0) < 3 && process.isRunning {
            usleep(10_000)
        }
        process.interrupt()
        process.waitUntilExit()
        let finishedBefore = (try? FileManager.default.contentsOfDirectory(atPath: done).count) ?? 0
        if process.terminationStatus == 130 {
            #expect(
                !FileManager.default.fileExists(atPath: file("stopped.jsonl.gz").path),
                "no output until every input is done")
            #expect(
                !FileManager.default.fileExists(atPath: file("stopped.index").path),
                "the index is saved only by a run that ends")
            #expect(finishedBefore >= 3 && finishedBefore < 12)
        }
        let again = try TestSupport.runWinnow(arguments)
        #expect(again.status == 0, "\(String(decoding: again.stderr, as: UTF8.self))")
        #expect(
            read(file("stopped.jsonl.gz")) == read(file("whole.jsonl.gz")) && !read(file("whole.jsonl.gz")).isEmpty,
            "the same output bytes")
        #expect(read(file("stopped-rejects.jsonl")) == read(file("whole-rejects.jsonl")), "the same rejects")
        #expect(
            read(file("stopped.index")) == read(file("whole.index")) && !read(file("whole.index")).isEmpty,
            "the same dedup index")

        // And what a run without --resume writes (decompressed: batches, and so gzip members, end at inputs here).
        let plain = try TestSupport.runWinnow([
            "run", try Self.pipeline(in: directory, index: "plain.index"), inputs, "-o", file("plain.jsonl").path,
            "--no-progress",
        ])
        #expect(plain.status == 0)
        let resumed = TestSupport.drain(
            DecompressingReader(source: MemorySource(Array(read(file("stopped.jsonl.gz")))))
        ).bytes
        #expect(resumed == Array(read(file("plain.jsonl"))))

        let other = try TestSupport.runWinnow([
            "run", "Pipelines/news.yaml", inputs, "-o", file("other.jsonl").path, "--resume",
            file("stopped-state").path,
        ])
        #expect(other.status == 1)
        #expect(String(decoding: other.stderr, as: UTF8.self).contains("holds another run"))
    }
}
