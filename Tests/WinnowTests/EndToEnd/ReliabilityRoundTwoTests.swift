import Foundation
import Testing
@testable import Winnow

/// Issue 16, "Reliability, round two": each numbered finding of testing Winnow against other people's suites, as a
/// test that failed before its fix. The test names carry the item's number.
extension BadInputTests {
    static let mixedLines = goodLines("g", 3) + "{not json\n" + goodLines("h", 2)

    // MARK: - 1. outputs on a shared, redirected stream

    @Test func item01RejectsToDevStdoutShareTheRedirectedStream() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.mixedLines.write(to: directory.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml").path
        try Self.decodeOnly.write(toFile: pipeline, atomically: true, encoding: .utf8)
        // runWinnow redirects stdout and stderr to files: /dev/stdout and /dev/stderr are those files.
        for output in [[], ["-o", "/dev/stdout"], ["-o", "/proc/self/fd/1"]] {
            let result = try TestSupport.runWinnow(["run", pipeline, directory.appendingPathComponent("in.jsonl").path, "--no-progress",
                                                    "--rejects", "/dev/stdout", "--stats", "/dev/stderr"] + output)
            #expect(result.status == 0, "\(output)")
            let lines = try Self.jsonLines(result.stdout)
            #expect(lines.filter { $0["error"] == nil }.count == 5, "every record kept beside the reject, \(output)")
            #expect(lines.filter { $0["error"] != nil }.count == 1, "\(output)")
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(stderr.contains("\"written\":5") || stderr.contains("\"written\": 5"), "the stats JSON is there")
            #expect(stderr.contains("read 6 = written 5 + dropped 0 + rejected 1"), "and the summary after it")
        }
    }

    // MARK: - 2. two outputs, one file

    @Test func item02TwoOutputsThatAreOneFileAreRefusedBeforeReading() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.mixedLines.write(to: directory.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let pipeline = directory.appendingPathComponent("p.yaml").path
        try Self.decodeOnly.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let target = directory.appendingPathComponent("out.jsonl").path
        let link = directory.appendingPathComponent("link.jsonl").path
        let input = directory.appendingPathComponent("in.jsonl").path
        for (first, second, exists) in [("-o", "--rejects", false), ("-o", "--stats", false), ("--rejects", "--stats", false),
                                        ("-o", "--rejects", true)] {
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.removeItem(atPath: link)
            if exists {
                try "old\n".write(toFile: target, atomically: true, encoding: .utf8)
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            }
            let result = try TestSupport.runWinnow(["run", pipeline, input, "--no-progress", first, target, second, exists ? link : target])
            let stderr = String(decoding: result.stderr, as: UTF8.self)
            #expect(result.status == 2, "\(first) \(second): \(stderr)")
            #expect(stderr.contains("\(first) and \(second) name the same file"), "\(stderr)")
            #expect(!stderr.contains("read "), "refused before any input is read")
            if exists {
                #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n", "the file is left as it was")
            } else {
                #expect(!FileManager.default.fileExists(atPath: target))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.contains("winnow-tmp") })
        }
        // Different files are fine.
        let result = try TestSupport.runWinnow(["run", pipeline, input, "--no-progress", "-o", target, "--rejects", target + ".rejects"])
        #expect(result.status == 0)
    }
}
