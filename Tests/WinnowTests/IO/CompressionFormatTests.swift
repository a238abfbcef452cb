import CBzip2
import CLzma
import CZstd
import Foundation
import Testing
@testable import Winnow

/// The formats `DecompressingReader` reads besides gzip, each through the same frame, fault and resync rules.
@Suite struct CompressionFormatTests {
    static let text = (1...300).map { "line \($0): ünïcödé text in every format 😀, the quick brown fox\n" }.joined()

    /// One frame of `format` holding `bytes`, made by the format's own library.
    static func compress(_ bytes: [UInt8], as format: CompressionFormat) -> [UInt8] {
        switch format {
        case .gzip:
            return GzipEncoder.member(bytes)
        case .zstd:
            return ZstdEncoder.frame(bytes)
        case .xz:
            var output = [UInt8](repeating: 0, count: bytes.count + bytes.count / 2 + 1024)
            var written = 0
            let status = bytes.withUnsafeBufferPointer { input in
                lzma_easy_buffer_encode(
                    6, LZMA_CHECK_CRC64, nil, input.baseAddress, input.count, &output, &written, output.count)
            }
            precondition(status == LZMA_OK)
            return Array(output[..<written])
        case .bzip2:
            var output = [CChar](repeating: 0, count: bytes.count + bytes.count / 100 + 700)
            var written = UInt32(output.count)
            var input = bytes.map { CChar(bitPattern: $0) }
            let status = BZ2_bzBuffToBuffCompress(&output, &written, &input, UInt32(input.count), 9, 0, 0)
            precondition(status == BZ_OK)
            return output[..<Int(written)].map { UInt8(bitPattern: $0) }
        }
    }

    func read(
        _ bytes: [UInt8], chunks: [Int] = [], bufferSize: Int = 4096
    ) -> (bytes: [UInt8], error: Error?, faults: [DecompressionFailure], format: CompressionFormat?) {
        let reader = DecompressingReader(
            source: MemorySource(bytes, path: "test.z", chunkSizes: chunks), inputBufferSize: 512)
        let result = TestSupport.drain(reader, bufferSize: bufferSize)
        return (result.bytes, result.error, reader.takeFaults(), reader.format)
    }

    @Test(arguments: CompressionFormat.allCases)
    func wholeByteByByteAndRandomChunksAgree(format: CompressionFormat) {
        let expected = Array(Self.text.utf8)
        let compressed = Self.compress(expected, as: format)
        let whole = read(compressed)
        #expect(whole.bytes == expected && whole.error == nil && whole.format == format)
        #expect(read(compressed, chunks: [1]).bytes == expected)
        #expect(read(compressed, chunks: [1], bufferSize: 1).bytes == expected)
        for seed in 1...4 as ClosedRange<UInt64> {
            let result = read(
                compressed, chunks: TestSupport.randomChunkSizes(seed: seed), bufferSize: 1 + Int(seed) * 131)
            #expect(result.bytes == expected && result.error == nil && result.faults.isEmpty, "\(format) seed \(seed)")
        }
    }

    @Test(arguments: CompressionFormat.allCases)
    func framesOneAfterAnotherAreOneStream(format: CompressionFormat) {
        let parts = ["first frame\n", "second frame\n", String(repeating: "a longer third frame ", count: 5000) + "\n"]
        let compressed = parts.flatMap { Self.compress(Array($0.utf8), as: format) }
        for chunks in [[], [1], [3, 5, 7]] {
            let result = read(compressed, chunks: chunks)
            #expect(
                String(decoding: result.bytes, as: UTF8.self) == parts.joined() && result.error == nil,
                "\(format) \(chunks)")
        }
    }

    @Test func zstdSkippableFramesYieldNothing() {
        // A skippable frame (magic 0x184D2A5A, 4-byte length, payload) before, between and after data frames.
        let skippable: [UInt8] = [0x5A, 0x2A, 0x4D, 0x18, 5, 0, 0, 0] + Array("meta!".utf8)
        let bytes =
            skippable + ZstdEncoder.frame(Array("one\n".utf8)) + skippable + ZstdEncoder.frame(Array("two\n".utf8))
            + skippable
        for chunks in [[], [1]] {
            let result = read(bytes, chunks: chunks)
            #expect(
                String(decoding: result.bytes, as: UTF8.self) == "one\ntwo\n" && result.faults.isEmpty
                    && result.format == .zstd)
        }
    }

    @Test(arguments: CompressionFormat.allCases)
    func aDamagedFrameIsDroppedAndReadingGoesOnAtTheNext(format: CompressionFormat) {
        let frames = (0..<4).map { index in
            Self.compress(
                Array(("frame \(index)\n" + String(repeating: "padding \(index) text ", count: 400) + "\n").utf8),
                as: format)
        }
        var damaged = frames
        damaged[1][damaged[1].count / 2] ^= 0x55
        for chunks in [[], [1], [7, 3, 11]] {
            let result = read(damaged.flatMap { $0 }, chunks: chunks)
            let text = String(decoding: result.bytes, as: UTF8.self)
            #expect(result.error == nil, "\(format)")
            #expect(
                text.hasPrefix("frame 0") && text.contains("frame 2") && text.contains("frame 3")
                    && !text.contains("frame 1"), "\(format) \(chunks)")
            #expect(
                result.faults.count == 1 && result.faults[0].problem.contains("corrupt \(format.rawValue) data"),
                "\(format): \(result.faults)")
            #expect(
                result.faults.first?.problem.contains("compressed bytes \(frames[0].count)–") == true,
                "\(format): \(result.faults)")
        }
    }

    @Test(arguments: CompressionFormat.allCases)
    func aTruncatedStreamGivesWhatCameBeforeThenNamesTheOffset(format: CompressionFormat) {
        let first = Self.compress(Array("complete frame\n".utf8), as: format)
        let second = Self.compress(Array(Self.text.utf8), as: format)
        let cut = first + second[..<(second.count / 2)]
        for chunks in [[], [1]] {
            let result = read(cut, chunks: chunks)
            let failure = result.error as? DecompressionFailure
            #expect(String(decoding: result.bytes, as: UTF8.self).hasPrefix("complete frame\n"), "\(format)")
            #expect(
                failure?.problem.contains("truncated \(format.rawValue) stream") == true
                    && failure?.offset == cut.count,
                "\(format): \(String(describing: result.error))")
        }
    }

    @Test func signaturesDoNotMatchText() {
        for text in ["BZh9 is not bzip2", "(\u{b5}/", "{\"id\": 1}", "\u{1f}"] {
            let result = read(Array(text.utf8))
            #expect(result.format == nil && result.bytes == Array(text.utf8), "\(text)")
        }
    }

    @Test func zstdOutputFramesRoundTripAtEveryLevel() {
        let bytes = Array(Self.text.utf8)
        for level in OutputCompression.zstd.levels where level % 6 == 1 {
            #expect(read(OutputCompression.zstd.frame(bytes, level: level)).bytes == bytes, "level \(level)")
        }
        #expect(
            OutputCompression(path: "a.jsonl.zst") == .zstd && OutputCompression(path: "a.jsonl.gz") == .gzip
                && OutputCompression(path: "a.jsonl") == .none)
    }

    @Test func bothGzipInflatersAgree() {
        let bytes = Array(Self.text.utf8)
        var damaged = GzipEncoder.member(bytes)
        damaged[damaged.count - 6] ^= 1
        for decoder in [GzipDecoderChoice.isal, .zlib] {
            let frame = decoder.makeDecoder()
            let compressed = GzipEncoder.member(bytes) + damaged
            var output = [UInt8](repeating: 0, count: 1 << 16)
            var steps: [FrameStep] = []
            var offset = 0
            for _ in 0..<2 {
                _ = frame.startFrame()
                while true {
                    let (consumed, _, step) = output.withUnsafeMutableBytes { out in
                        compressed.withUnsafeBytes {
                            frame.decode(UnsafeRawBufferPointer(rebasing: $0[offset...]), into: out)
                        }
                    }
                    offset += consumed
                    if step != .going { steps.append(step); break }
                }
            }
            #expect(steps.first == .ended, "\(decoder)")
            if case .failed(let message) = steps.last {
                #expect(message.contains("incorrect data check"), "\(decoder): \(message)")
            } else {
                Issue.record("\(decoder): a bad CRC was not found")
            }
        }
    }
}
