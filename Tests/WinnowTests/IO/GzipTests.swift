import Foundation
import Testing
@testable import Winnow

@Suite struct DecompressingReaderTests {
    static let text = (1...400).map { "line \($0): the quick brown fox jumps over the lazy dog, ünïcödé 😀\n" }.joined()

    func read(_ bytes: [UInt8], chunks: [Int] = [], bufferSize: Int = 4096) -> (bytes: [UInt8], error: Error?) {
        TestSupport.drain(DecompressingReader(source: MemorySource(bytes, path: "test.gz", chunkSizes: chunks), inputBufferSize: 512),
                          bufferSize: bufferSize)
    }

    @Test func wholeByteByByteAndRandomChunksAgree() {
        let compressed = TestSupport.gzip(Self.text)
        let expected = Array(Self.text.utf8)
        #expect(read(compressed).bytes == expected)
        #expect(read(compressed, chunks: [1]).bytes == expected)
        #expect(read(compressed, chunks: [1], bufferSize: 1).bytes == expected)
        for seed in 1...5 as ClosedRange<UInt64> {
            let result = read(compressed, chunks: TestSupport.randomChunkSizes(seed: seed), bufferSize: 1 + Int(seed) * 97)
            #expect(result.bytes == expected && result.error == nil, "seed \(seed)")
        }
    }

    @Test func concatenatedMembersAreOneStream() {
        let parts = ["first member\n", "second member\n", "", "fourth after an empty member\n"]
        let compressed = parts.flatMap { TestSupport.gzip($0) }
        for chunks in [[], [1], [3, 5, 7]] {
            let result = read(compressed, chunks: chunks)
            #expect(String(decoding: result.bytes, as: UTF8.self) == parts.joined())
            #expect(result.error == nil)
        }
    }

    @Test func uncompressedInputPassesThroughWhateverItsName() throws {
        let reader = DecompressingReader(source: try FileSource(path: TestSupport.fixture("plain-named.jsonl.gz")))
        let result = TestSupport.drain(reader)
        #expect(!reader.isGzip)
        #expect(result.error == nil)
        #expect(String(decoding: result.bytes, as: UTF8.self).hasPrefix(#"{"id": "r1""#))
        #expect(read([]).bytes.isEmpty && read([]).error == nil, "an empty input is empty, not an error")
        #expect(read([0x1F]).bytes == [0x1F], "one byte cannot be gzip")
    }

    @Test func truncatedStreamDeliversEverythingBeforeTheCutThenNamesFileAndOffset() {
        let compressed = TestSupport.gzip(Self.text)
        for cut in [10, compressed.count / 3, compressed.count / 2, compressed.count - 4] {
            for chunks in [[], [1], [13, 2]] {
                let result = read(Array(compressed[..<cut]), chunks: chunks)
                #expect(Self.text.utf8.starts(with: result.bytes))
                let failure = result.error as? GzipFailure
                #expect(failure?.problem.contains("truncated") == true, "cut at \(cut): \(String(describing: result.error))")
                #expect(failure?.path == "test.gz")
                #expect(failure?.offset == cut)
            }
        }
        // Nearly everything before a late cut comes out.
        let late = read(Array(compressed[..<(compressed.count - 9)]))
        #expect(late.bytes.count > Self.text.utf8.count - 100)
    }

    @Test func corruptDataAndBadChecksumsAreErrors() throws {
        var compressed = TestSupport.gzip(Self.text)
        compressed[compressed.count / 2] ^= 0x55
        let corrupt = read(compressed)
        #expect((corrupt.error as? GzipFailure)?.problem.contains("corrupt") == true)

        let badCRC = TestSupport.drain(DecompressingReader(source: try FileSource(path: TestSupport.fixture("bad-crc.jsonl.gz"))))
        let failure = try #require(badCRC.error as? GzipFailure)
        #expect(failure.problem.contains("incorrect data check"))
        #expect(failure.path.hasSuffix("bad-crc.jsonl.gz"))
        #expect(badCRC.bytes.count > 0, "the data before the bad trailer is delivered")
    }

    @Test func garbageAfterTheLastMemberIsReportedButZeroPaddingIsNot() {
        let member = TestSupport.gzip("hello\n")
        let padded = read(member + [0, 0, 0, 0])
        #expect(padded.error == nil && padded.bytes == Array("hello\n".utf8))
        let garbage = read(member + Array("trailing junk".utf8))
        #expect(garbage.bytes == Array("hello\n".utf8))
        #expect((garbage.error as? GzipFailure)?.offset == member.count)
    }

    @Test func encoderMembersRoundTripThroughTheReader() {
        var output: [UInt8] = []
        for part in ["a", "", String(repeating: "bc", count: 100_000)] {
            Array(part.utf8).withUnsafeBytes { GzipEncoder.appendMember(compressing: $0, to: &output) }
        }
        let result = read(output, bufferSize: 65536)
        #expect(result.error == nil)
        #expect(result.bytes.count == 1 + 200_000)
    }
}
