import Foundation
import Testing
@testable import Winnow

/// Replays, through the fuzz targets' checks (`FuzzChecks`), every input the fuzzer saved under
/// `Fixtures/fuzz/TARGET/` (crashes found by `Scripts/ops/fuzz.sh`, kept once fixed) and the samples the fuzzer starts from.
@Suite struct FuzzRegressionTests {
    static func savedInputs(_ target: FuzzChecks.Target) -> [URL] {
        let directory = URL(fileURLWithPath: TestSupport.fixture("fuzz/\(target.rawValue)"))
        return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    /// What `Scripts/ops/fuzz.sh` seeds each target's corpus with.
    static func seeds(_ target: FuzzChecks.Target) throws -> [[UInt8]] {
        func sample(_ name: String) throws -> [UInt8] {
            let path = TestSupport.packageRoot.appendingPathComponent("Samples/\(name)").path
            return TestSupport.drain(DecompressingReader(source: try FileSource(path: path))).bytes
        }
        switch target {
        case .gzip:
            return try ["news-en.jsonl.gz", "malformed.jsonl.gz", "notiz-de.txt.gz"].map {
                Array(try Data(contentsOf: TestSupport.packageRoot.appendingPathComponent("Samples/\($0)")))
            }
        case .jsonl:
            return try ["news-en.jsonl.gz", "malformed.jsonl.gz", "news-multi.jsonl.gz"].map { try sample($0) }
        case .warc, .html: return [try sample("crawl.warc.gz")]
        case .sentences: return try ["notiz-de.txt.gz", "seed-article.txt.gz"].map { try sample($0) }
        case .pipeline:
            return try ["news.yaml", "corpus.yaml", "sentences.yaml"].map {
                Array(try Data(contentsOf: TestSupport.packageRoot.appendingPathComponent("Pipelines/\($0)")))
            }
        case .stats:
            return [Array(try Data(contentsOf: URL(fileURLWithPath: TestSupport.fixture("stats/corpus.json"))))]
        case .http:
            return [
                Array(
                    "Content-Type: text/html; charset=shift_jis\nTransfer-Encoding: chunked\n\n4\r\n\u{82}\u{a0}ab\r\n0\r\n\r\n"
                        .utf8)
            ]
        }
    }

    @Test(arguments: FuzzChecks.Target.allCases)
    func savedInputsAndSeedsKeepTheirPromises(_ target: FuzzChecks.Target) throws {
        let seeds = try Self.seeds(target)
        #expect(!seeds.isEmpty && seeds.allSatisfy { !$0.isEmpty })
        for input in seeds { FuzzChecks.run(target, input) }
        for url in Self.savedInputs(target) { FuzzChecks.run(target, Array(try Data(contentsOf: url))) }
    }
}
