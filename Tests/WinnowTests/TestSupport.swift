import Foundation
@testable import Winnow

/// Helpers shared by the tests: temporary directories, gzip fixtures, reading whole readers, the built binary.
enum TestSupport {
    /// The package's root directory.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The BBC corpus in ../shared (absent on a user's fresh clone).
    static let bbcPath = packageRoot.appendingPathComponent("../shared/data/news/bbc.jsonl.gz").standardizedFileURL.path

    /// A fixture file under Tests/WinnowTests/Fixtures.
    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/WinnowTests/Fixtures/\(name)").path
    }

    /// A new empty directory, removed by the caller with `remove`.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ bytes: [UInt8], to url: URL) {
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
    }

    static func gzip(_ text: String) -> [UInt8] { GzipEncoder.member(Array(text.utf8)) }

    /// Every decompressed byte of `reader`, and the error it ended with, if any.
    static func drain(_ reader: DecompressingReader, bufferSize: Int = 4096) -> (bytes: [UInt8], error: Error?) {
        var output: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        do {
            while true {
                let count = try reader.read(into: buffer)
                if count == 0 { return (output, nil) }
                output.append(contentsOf: buffer[0..<count])
            }
        } catch {
            return (output, error)
        }
    }

    /// Random chunk sizes from a fixed seed, so failures reproduce.
    static func randomChunkSizes(seed: UInt64, count: Int = 64, maximum: Int = 700) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Int.random(in: 1...maximum, using: &generator) }
    }

    /// Whether this test binary — and so the `winnow` built beside it — has ThreadSanitizer's runtime linked in.
    static let underThreadSanitizer = dlsym(nil, "__tsan_init") != nil

    /// The `winnow` executable built beside the tests.
    static var winnowBinary: URL? {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("winnow")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = packageRoot.appendingPathComponent(".build/debug/winnow")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    /// Runs `winnow` (or another `binary`, such as python3 with a script of `Scripts/`) with arguments in the package
    /// root; returns exit status, stdout and stderr (captured in files, so a large output never blocks the child).
    static func runWinnow(
        _ arguments: [String], stdin: URL? = nil, binary: URL? = nil, environment: [String: String] = [:]
    ) throws -> (status: Int32, stdout: Data, stderr: Data) {
        guard let binary = binary ?? winnowBinary else { throw CocoaError(.fileNoSuchFile) }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout"), errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = packageRoot
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try Data(contentsOf: outURL), try Data(contentsOf: errURL))
    }
}

/// SplitMix64: a small deterministic random generator for tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
