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
    /// Tells this model's per-thread token caches from those of other models.
    let serial = FastTextTokenCache.serials.add(1, ordering: .relaxed).newValue

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
            throw reader.error(
                "has a pruned dictionary but a dense input matrix (an old .ftz: download the current model)")
        }
        input = try reader.matrix(
            quantized: inputQuantized, name: "input", dimension: arguments.dimension, normsInRows: true)
        let outputQuantized = try reader.bool("qout")
        output = try reader.matrix(
            quantized: inputQuantized && outputQuantized, name: "output", dimension: arguments.dimension,
            normsInRows: false)
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
            let bytes =
                entry.bytes.starts(with: FastTextDictionary.labelPrefix)
                ? entry.bytes.dropFirst(FastTextDictionary.labelPrefix.count) : entry.bytes[...]
            return String(decoding: bytes, as: UTF8.self)
        }
        loss = FastTextLoss(arguments.loss, labelCounts: labelEntries.map(\.count))
    }

    /// Reads a model file.
    public static func load(contentsOfFile path: String) throws(FastTextModelError) -> FastTextModel {
        let bytes: [UInt8]
        do {
            bytes = try FileSource.contents(of: path)
        } catch {
            throw FastTextModelError(file: path, message: "cannot read the model: \(error.message)")
        }
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
    static var embeddedLID176: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: winnow_lid176_bytes(), count: winnow_lid176_size())
    }

    /// The `k` most probable labels with probability ≥ `threshold`, most probable first (fastText's `predict`).
    public func predict(_ text: String, k: Int = 1, threshold: Float = 0) -> [FastTextPrediction] {
        var text = text
        return text.withUTF8 { predict(utf8: $0, k: k, threshold: threshold) }
    }

    /// `predict` on UTF-8 bytes. Newlines are whitespace here, as when a caller replaces them by spaces first.
    public func predict(utf8 text: UnsafeBufferPointer<UInt8>, k: Int = 1, threshold: Float = 0) -> [FastTextPrediction]
    {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: arguments.dimension) { hidden in
            guard averageRows(text, into: hidden) else { return [] }
            return loss.predict(
                hidden: UnsafePointer(hidden.baseAddress!), output: output, k: max(k, 1), threshold: threshold)
        }
    }

    /// Averages the input rows of the text's tokens into `hidden`; false when there are none.
    private func averageRows(_ text: UnsafeBufferPointer<UInt8>, into hidden: UnsafeMutableBufferPointer<Float>) -> Bool
    {
        let cache = FastTextTokenCache.forCurrentThread(model: serial)
        var rows: [Int32] = []
        rows.reserveCapacity(256)
        var wordHashes: [Int32] = []
        let wordNgrams = arguments.wordNgrams
        return input.values.withUnsafeBufferPointer { values in
            var sum = RowSum(values: values.baseAddress!, dimension: arguments.dimension, hidden: hidden.baseAddress!)
            // Room for the longest token with its `<` `>` markers.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(text.count, 4) + 2) { marked in
                var position = 0
                while true {
                    while position < text.count && Self.isSeparator(text[position]) { position += 1 }
                    let start = position
                    while position < text.count && !Self.isSeparator(text[position]) { position += 1 }
                    let token = UnsafeBufferPointer(rebasing: text[start..<position])
                    // The newline fastText's Python `predict` appends ends the line with `</s>`; a literal `</s>` in
                    // the text ends it there too (fastText stops reading at it).
                    if start == position || token.elementsEqual(FastTextDictionary.endOfSentence) {
                        let hash = FastTextDictionary.hash(FastTextDictionary.endOfSentence)
                        rows.removeAll(keepingCapacity: true)
                        let isWord = FastTextDictionary.endOfSentence.withUnsafeBufferPointer {
                            dictionary.appendRows(of: $0, hash: hash, to: &rows, marked: marked)
                        }
                        sum.add(rows)
                        if isWord && wordNgrams > 1 { wordHashes.append(Int32(bitPattern: hash)) }
                        break
                    }
                    let hash = FastTextDictionary.hash(token)
                    if let (cached, isWord) = cache.rows(of: token, hash: hash) {
                        sum.add(cached)
                        if isWord && wordNgrams > 1 { wordHashes.append(Int32(bitPattern: hash)) }
                        continue
                    }
                    rows.removeAll(keepingCapacity: true)
                    let isWord = dictionary.appendRows(of: token, hash: hash, to: &rows, marked: marked)
                    rows.withUnsafeBufferPointer { cache.insert(token, hash: hash, rows: $0, isWord: isWord) }
                    sum.add(rows)
                    if isWord && wordNgrams > 1 { wordHashes.append(Int32(bitPattern: hash)) }
                }
            }
            if wordNgrams > 1 {
                rows.removeAll(keepingCapacity: true)
                appendWordNgramRows(wordHashes, to: &rows)
                sum.add(rows)
            }
            guard sum.count > 0 else { return false }
            sum.scale(by: Float(1.0 / Double(sum.count)))
            return true
        }
    }

    /// fastText's `addWordNgrams`: hashes of 2…wordNgrams consecutive tokens, combined in 64 bits.
    private func appendWordNgramRows(_ hashes: [Int32], to rows: inout [Int32]) {
        guard dictionary.buckets > 0 else { return }
        for i in hashes.indices {
            var hash = UInt64(bitPattern: Int64(hashes[i]))
            for j in (i + 1)..<min(hashes.count, i + arguments.wordNgrams) {
                hash = hash &* 116_049_371 &+ UInt64(bitPattern: Int64(hashes[j]))
                let bucket = Int32(truncatingIfNeeded: hash % UInt64(dictionary.buckets))
                if let row = FastTextDictionary.row(
                    ofBucket: UInt32(bitPattern: bucket), pruneIndex: dictionary.pruneIndex, words: dictionary.wordCount
                ) {
                    rows.append(row)
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

/// The running sum of input rows, added in order one `Float` column at a time (vectorised across columns, which
/// keeps each column's sum exactly fastText's).
struct RowSum {
    let values: UnsafePointer<Float>
    let dimension: Int
    let hidden: UnsafeMutablePointer<Float>
    private(set) var count = 0

    init(values: UnsafePointer<Float>, dimension: Int, hidden: UnsafeMutablePointer<Float>) {
        self.values = values
        self.dimension = dimension
        self.hidden = hidden
        hidden.initialize(repeating: 0, count: dimension)
    }

    @inline(__always)
    mutating func add(_ rows: some Collection<Int32>) {
        count += rows.count
        if dimension == 16 {
            // lid.176's width: the sum stays in registers.
            var total = UnsafeRawPointer(hidden).loadUnaligned(as: SIMD16<Float>.self)
            for row in rows { total += UnsafeRawPointer(values + Int(row) * 16).loadUnaligned(as: SIMD16<Float>.self) }
            UnsafeMutableRawPointer(hidden).storeBytes(of: total, as: SIMD16<Float>.self)
            return
        }
        for row in rows {
            let base = values + Int(row) * dimension
            for column in 0..<dimension { hidden[column] += base[column] }
        }
    }

    func scale(by factor: Float) {
        for column in 0..<dimension { hidden[column] *= factor }
    }
}
