import Foundation
import Testing
@testable import Winnow

/// Issue 19, item 1: compressed inputs of every format and zstd output, end to end through the built `winnow`.
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct CompressedFilesTests {
    func stdout(_ arguments: [String], environment: [String: String] = [:]) throws -> [UInt8] {
        let result = try TestSupport.runWinnow(arguments + ["--no-progress"], environment: environment)
        #expect(result.status == 0, "\(arguments): \(String(decoding: result.stderr, as: UTF8.self))")
        return Array(result.stdout)
    }

    @Test func everyInputFormatGivesTheSameOutputAsPlainText() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestSupport.packageRoot.appendingPathComponent("Samples/news-multi.jsonl.gz").path
        let plain = TestSupport.drain(DecompressingReader(source: try FileSource(path: samples))).bytes
        let reference = try stdout(["run", "Pipelines/news.yaml", samples])
        #expect(!reference.isEmpty)
        for format in CompressionFormat.allCases {
            // Two frames, split at a line end, so the input is a multi-frame file as parallel compressors write.
            let cut = plain[..<(plain.count / 2)].lastIndex(of: 0x0A)! + 1
            let bytes =
                CompressionFormatTests.compress(Array(plain[..<cut]), as: format)
                + CompressionFormatTests.compress(Array(plain[cut...]), as: format)
            // Named so that the name does not say the format: formats are known by their bytes.
            let path = directory.appendingPathComponent("news-multi.\(format).jsonl").path
            TestSupport.write(bytes, to: URL(fileURLWithPath: path))
            let output = try stdout(["run", "Pipelines/news.yaml", path])
            let same = Self.withoutSourcePaths(output) == Self.withoutSourcePaths(reference)
            #expect(same, "\(format): \(output.count) bytes of output, \(reference.count) from the gzip sample")
        }
        // Both inflaters, the same records.
        #expect(
            try stdout(["run", "Pipelines/news.yaml", samples], environment: ["WINNOW_INFLATE": "zlib"]) == reference)
    }

    /// Output lines with the input file's name taken out of `source`.
    static func withoutSourcePaths(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            $0.replacingOccurrences(of: #""file":"[^"]*""#, with: "", options: .regularExpression)
        }
    }

    @Test func zstdOutputIsOneFramePerBatchAndReadsBackAsTheSameJSONL() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try stdout(["run", "Pipelines/news.yaml", "Samples"])
        let zstdPath = directory.appendingPathComponent("out.jsonl.zst").path
        let rejects = directory.appendingPathComponent("rejects.jsonl.zst").path
        _ = try stdout([
            "run", "Pipelines/news.yaml", "Samples", "-o", zstdPath, "--rejects", rejects, "--batch-records", "3",
        ])
        let written = try FileSource.contents(of: zstdPath)
        #expect(written.starts(with: [0x28, 0xB5, 0x2F, 0xFD]))
        let reader = DecompressingReader(source: MemorySource(written))
        let decoded = TestSupport.drain(reader)
        #expect(decoded.error == nil && decoded.bytes == plain && reader.format == .zstd)
        #expect(!TestSupport.drain(DecompressingReader(source: try FileSource(path: rejects))).bytes.isEmpty)
        // Another batch size: the same decompressed bytes.
        let other = directory.appendingPathComponent("other.jsonl.zst").path
        _ = try stdout(["run", "Pipelines/news.yaml", "Samples", "-o", other, "--batch-records", "1000", "--jobs", "1"])
        #expect(TestSupport.drain(DecompressingReader(source: try FileSource(path: other))).bytes == plain)
        // The reference decoder, when this machine has it.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd") {
            let result = try TestSupport.runWinnow(["-dc", zstdPath], binary: URL(fileURLWithPath: "/usr/bin/zstd"))
            #expect(result.status == 0 && Array(result.stdout) == plain)
        }
    }

    @Test func aCompressionLevelOutsideTheFormatsRangeIsRefused() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = directory.appendingPathComponent("p.yaml")
        try "version: 1\nstages:\n  - decode: {}\noutput:\n  compression_level: 15\n".write(
            to: pipeline, atomically: true, encoding: .utf8)
        let gzip = try TestSupport.runWinnow([
            "run", pipeline.path, "Samples", "-o", directory.appendingPathComponent("a.jsonl.gz").path, "--no-progress",
        ])
        #expect(gzip.status == 2 && String(decoding: gzip.stderr, as: UTF8.self).contains("not a gzip level (1–9)"))
        let zstd = try TestSupport.runWinnow([
            "run", pipeline.path, "Samples", "-o", directory.appendingPathComponent("a.jsonl.zst").path,
            "--no-progress",
        ])
        #expect(zstd.status == 0, "\(String(decoding: zstd.stderr, as: UTF8.self))")
    }
}
