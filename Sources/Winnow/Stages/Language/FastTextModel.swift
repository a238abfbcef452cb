import CEmbeddedModels
import Foundation

/// A label a fastText model predicts, with its probability.
public struct FastTextPrediction: Sendable, Equatable {
    /// The label's number: an index into `FastTextModel.labels`.
    public var label: Int
    public var probability: Float
}

/// A supervised fastText model, `.bin` or quantized `.ftz`, that predicts labels for a text as fastText does.
///
/// Loading follows fastText 0.9's `FastText::loadModel` field by field (arguments, dictionary with its prune index,
/// input and output matrices, dense or product-quantized). Prediction follows `FastText::predictLine` as the Python
/// `predict(text)` calls it: the text split at ASCII whitespace and NUL, an end-of-sentence token `</s>` at the end,
/// each token's rows (its own, if in the vocabulary, and its character n-grams'), word n-gram rows when the model
/// has them, averaged in that order in `Float`; then the loss's probabilities: hierarchical softmax (a walk of the
/// Huffman tree of label counts, pruned by the current k-th best), softmax, or one-vs-all sigmoids. The arithmetic
/// is done in the same order and precision as fastText's, so probabilities agree to the last bits or close to it.
public final class FastTextModel: Sendable {
    public let arguments: FastTextArguments
    /// The labels as the model names them, without `__label__`, in the model's order.
    public let labels: [String]
    let dictionary: FastTextDictionary
    let input: DecodedMatrix
    let output: DecodedMatrix
    let loss: FastTextLoss

    /// Reads a model from its bytes; `name` is used in errors.
    public init(bytes: UnsafeRawBufferPointer, name: String) throws(FastTextModelError) {
        var reader = ModelFileReader(bytes, file: name)
        let version = try reader.header()
        arguments = try reader.arguments()
        guard arguments.kind == .supervised else {
            throw reader.error("is an unsupervised (word-vector) model; only supervised models predict labels")
        }
        dictionary = try FastTextDictionary(reading: &reader, arguments: arguments, version: version)
        let inputQuantized = try reader.bool("quant_input")
        if !inputQuantized && dictionary.pruneIndex != nil {
            throw reader.error("has a pruned dictionary but a dense input matrix (an old .ftz: download the current model)")
        }
        input = try reader.matrix(quantized: inputQuantized, name: "input", dimension: arguments.dimension, normsInRows: true)
        let outputQuantized = try reader.bool("qout")
        output = try reader.matrix(quantized: inputQuantized && outputQuantized, name: "output", dimension: arguments.dimension, normsInRows: false)
        if reader.offset != bytes.count {
            throw reader.error("has \(bytes.count - reader.offset) bytes after the model (is it a fastText model?)")
        }
        guard input.rows >= dictionary.rowsNeeded else {
            throw reader.error("input matrix has \(input.rows) rows, the dictionary needs \(dictionary.rowsNeeded)")
        }
        guard dictionary.labelCount > 0, output.rows == dictionary.labelCount else {
            throw reader.error("output matrix has \(output.rows) rows for \(dictionary.labelCount) labels")
        }
        let labelEntries = dictionary.entries[dictionary.wordCount...]
        labels = labelEntries.map { entry in
            let bytes = entry.bytes.starts(with: FastTextDictionary.labelPrefix) ? entry.bytes.dropFirst(FastTextDictionary.labelPrefix.count) : entry.bytes[...]
            return String(decoding: bytes, as: UTF8.self)
        }
        loss = FastTextLoss(arguments.loss, labelCounts: labelEntries.map(\.count))
    }

    /// Reads a model file.
    public static func load(contentsOfFile path: String) throws(FastTextModelError) -> FastTextModel {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: [.alwaysMapped])
        } catch {
            throw FastTextModelError(file: path, message: "cannot read the model (\((error as NSError).localizedDescription))")
        }
        let bytes = [UInt8](data)
        do {
            return try bytes.withUnsafeBytes { try FastTextModel(bytes: $0, name: path) }
        } catch let error as FastTextModelError {
            throw error
        } catch {
            throw FastTextModelError(file: path, message: "\(error)")
        }
    }

    /// fastText's 176-language identification model `lid.176.ftz`, embedded in the binary (CC BY-SA 3.0; its notice
    /// is `Sources/Winnow/Resources/NOTICE.md`).
    public static let languageIdentification176: FastTextModel = {
        // The embedded bytes are checked by the tests; they cannot fail to load.
        try! FastTextModel(bytes: embeddedLID176, name: "lid.176.ftz (embedded)")
    }()

    /// The bytes of `lid.176.ftz` linked into the binary.
    static var embeddedLID176: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: winnow_lid176_bytes(), count: winnow_lid176_size()) }

    /// The `k` most probable labels with probability ≥ `threshold`, most probable first (fastText's `predict`).
    public func predict(_ text: String, k: Int = 1, threshold: Float = 0) -> [FastTextPrediction] {
        var text = text
        return text.withUTF8 { predict(utf8: $0, k: k, threshold: threshold) }
    }

    /// `predict` on UTF-8 bytes. Newlines are whitespace here, as when a caller replaces them by spaces first.
    public func predict(utf8 text: UnsafeBufferPointer<UInt8>, k: Int = 1, threshold: Float = 0) -> [FastTextPrediction] {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: arguments.dimension) { hidden in
            guard averageRows(text, into: hidden) else { return [] }
            return loss.predict(hidden: UnsafePointer(hidden.baseAddress!), output: output, k: max(k, 1), threshold: threshold)
        }
    }

    /// Averages the input rows of the text's tokens into `hidden`; false when there are none.
    private func averageRows(_ text: UnsafeBufferPointer<UInt8>, into hidden: UnsafeMutableBufferPointer<Float>) -> Bool {
        hidden.initialize(repeating: 0)
        var rowCount = 0
        var wordHashes: [Int32] = []
        let dimension = arguments.dimension
        let dictionary = self.dictionary
        input.values.withUnsafeBufferPointer { values in
            dictionary.entryRows.withUnsafeBufferPointer { entryRows in
                @inline(__always) func add(_ row: Int32) {
                    let base = values.baseAddress! + Int(row) * dimension
                    for column in 0..<dimension { hidden[column] += base[column] }
                    rowCount += 1
                }
                /// Adds one token's rows; false for a literal `</s>`, where fastText stops reading the line.
                func addToken(_ token: UnsafeBufferPointer<UInt8>, marked: UnsafeMutableBufferPointer<UInt8>) -> Bool {
                    let hash = FastTextDictionary.hash(token)
                    let entry = dictionary.entry(token, hash: hash)
                    let isEndOfSentence = token.elementsEqual(FastTextDictionary.endOfSentence)
                    let isLabel = entry.map { dictionary.entries[$0].type == .label } ?? token.starts(with: FastTextDictionary.labelPrefix)
                    guard !isLabel else { return !isEndOfSentence }
                    if let entry {
                        if dictionary.maxn <= 0 {
                            add(Int32(entry))
                        } else {
                            for index in Int(dictionary.entryRowStarts[entry])..<Int(dictionary.entryRowStarts[entry + 1]) { add(entryRows[index]) }
                        }
                    } else if !isEndOfSentence {
                        marked[0] = UInt8(ascii: "<")
                        _ = UnsafeMutableBufferPointer(rebasing: marked[1...]).initialize(from: token)
                        marked[token.count + 1] = UInt8(ascii: ">")
                        FastTextDictionary.forEachNgram(of: UnsafeBufferPointer(rebasing: marked[..<(token.count + 2)]),
                                                        minn: dictionary.minn, maxn: dictionary.maxn, buckets: dictionary.buckets,
                                                        pruneIndex: dictionary.pruneIndex, words: dictionary.wordCount, add)
                    }
                    if arguments.wordNgrams > 1 { wordHashes.append(Int32(bitPattern: hash)) }
                    return !isEndOfSentence
                }
                // Room for the longest token with its `<` `>` markers.
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(text.count, 4) + 2) { marked in
                    var position = 0
                    while true {
                        while position < text.count && Self.isSeparator(text[position]) { position += 1 }
                        let start = position
                        while position < text.count && !Self.isSeparator(text[position]) { position += 1 }
                        if start == position {
                            // The newline fastText's Python `predict` appends ends the line with `</s>`.
                            _ = FastTextDictionary.endOfSentence.withUnsafeBufferPointer { addToken($0, marked: marked) }
                            break
                        }
                        guard addToken(UnsafeBufferPointer(rebasing: text[start..<position]), marked: marked) else { break }
                    }
                }
                addWordNgrams(wordHashes, add)
            }
        }
        guard rowCount > 0 else { return false }
        let scale = Float(1.0 / Double(rowCount))
        for column in 0..<dimension { hidden[column] *= scale }
        return true
    }

    /// fastText's `addWordNgrams`: hashes of 2…wordNgrams consecutive tokens, combined in 64 bits.
    private func addWordNgrams(_ hashes: [Int32], _ add: (Int32) -> Void) {
        guard arguments.wordNgrams > 1, dictionary.buckets > 0 else { return }
        for i in hashes.indices {
            var hash = UInt64(bitPattern: Int64(hashes[i]))
            for j in (i + 1)..<min(hashes.count, i + arguments.wordNgrams) {
                hash = hash &* 116_049_371 &+ UInt64(bitPattern: Int64(hashes[j]))
                let bucket = Int32(truncatingIfNeeded: hash % UInt64(dictionary.buckets))
                if let row = FastTextDictionary.row(ofBucket: UInt32(bitPattern: bucket), pruneIndex: dictionary.pruneIndex, words: dictionary.wordCount) {
                    add(row)
                }
            }
        }
    }

    /// fastText's word separators: space, `\n`, `\r`, `\t`, `\v`, `\f` and NUL.
    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool {
        byte <= 32 && (UInt64(0x1_0000_3E01) >> UInt64(byte)) & 1 == 1
    }
}
