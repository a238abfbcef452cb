/// A fastText model file could not be read: not fastText, truncated, of an unknown version or inconsistent.
public struct FastTextModelError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String

    public var description: String { "\(file): \(message)" }
}

/// The training arguments a model file starts with, as fastText's `Args::load` reads them.
public struct FastTextArguments: Sendable, Equatable {
    /// fastText's `loss_name`.
    public enum Loss: Int32, Sendable { case hierarchicalSoftmax = 1, negativeSampling, softmax, oneVsAll }
    /// fastText's `model_name`.
    public enum Kind: Int32, Sendable { case cbow = 1, skipgram, supervised }

    public var dimension: Int
    public var windowSize: Int
    public var epochs: Int
    public var minCount: Int
    public var negatives: Int
    public var wordNgrams: Int
    public var loss: Loss
    public var kind: Kind
    public var buckets: Int
    public var minn: Int
    public var maxn: Int
    public var learningRateUpdateRate: Int
    public var samplingThreshold: Double
}

/// Reads the little-endian fields of a fastText model file in order, failing with the byte offset on truncation.
struct ModelFileReader {
    static let magic: Int32 = 793_712_314
    /// The newest file format fastText writes (its `FASTTEXT_VERSION`); older versions 11 and 12 are read.
    static let newestVersion: Int32 = 12

    private var reader: LittleEndianReader
    let file: String
    var offset: Int { reader.offset }
    private var bytes: UnsafeRawBufferPointer { reader.bytes }

    init(_ bytes: UnsafeRawBufferPointer, file: String) {
        reader = LittleEndianReader(bytes)
        self.file = file
    }

    func error(_ message: String) -> FastTextModelError { FastTextModelError(file: file, message: message) }

    private func truncated(_ what: String, _ count: Int) -> FastTextModelError {
        error("truncated: \(what) needs \(count) bytes at byte \(offset), the file has \(bytes.count)")
    }

    private mutating func take(_ count: Int, _ what: String) throws(FastTextModelError) -> Int {
        guard let at = reader.take(count) else { throw truncated(what, count) }
        return at
    }

    private mutating func integer<T: FixedWidthInteger>(_ what: String) throws(FastTextModelError) -> T {
        guard let value: T = reader.integer() else { throw truncated(what, MemoryLayout<T>.size) }
        return value
    }

    mutating func int32(_ what: String) throws(FastTextModelError) -> Int32 { try integer(what) }

    mutating func int64(_ what: String) throws(FastTextModelError) -> Int64 { try integer(what) }

    mutating func double(_ what: String) throws(FastTextModelError) -> Double { Double(bitPattern: try integer(what)) }

    mutating func byte(_ what: String) throws(FastTextModelError) -> UInt8 { try integer(what) }

    mutating func bool(_ what: String) throws(FastTextModelError) -> Bool { try byte(what) != 0 }

    mutating func bytes(_ count: Int, _ what: String) throws(FastTextModelError) -> [UInt8] {
        guard let values: [UInt8] = reader.integers(count) else { throw truncated(what, count) }
        return values
    }

    mutating func floats(_ count: Int, _ what: String) throws(FastTextModelError) -> [Float] {
        guard count >= 0, count <= Int.max / 4 else { throw error("\(what): impossible count \(count)") }
        guard let values: [UInt32] = reader.integers(count) else { throw truncated(what, count * 4) }
        return values.map(Float.init(bitPattern:))
    }

    /// A NUL-terminated string (a dictionary word), without the NUL.
    mutating func word() throws(FastTextModelError) -> [UInt8] {
        guard let end = bytes[offset...].firstIndex(of: 0) else {
            throw error("truncated: a dictionary word at byte \(offset) has no end")
        }
        let word = try bytes(end - offset, "a dictionary word")
        _ = try take(1, "a dictionary word's end")
        return word
    }

    /// The magic number and version; returns the version.
    mutating func header() throws(FastTextModelError) -> Int32 {
        guard bytes.count >= 8 else { throw error("not a fastText model (\(bytes.count) bytes)") }
        guard try int32("magic") == Self.magic else { throw error("not a fastText model (wrong magic number)") }
        let version = try int32("version")
        guard version == 11 || version == 12 else {
            throw error("fastText file format version \(version) is not supported (versions 11 and 12 are)")
        }
        return version
    }

    mutating func arguments() throws(FastTextModelError) -> FastTextArguments {
        func count(_ value: Int32, _ name: String, _ range: ClosedRange<Int32>) throws(FastTextModelError) -> Int {
            guard range.contains(value) else { throw error("\(name) \(value) is out of range \(range)") }
            return Int(value)
        }
        let dimension = try count(int32("dim"), "dim", 1...4096)
        let windowSize = Int(try int32("ws"))
        let epochs = Int(try int32("epoch"))
        let minCount = Int(try int32("minCount"))
        let negatives = Int(try int32("neg"))
        let wordNgrams = try count(int32("wordNgrams"), "wordNgrams", 1...64)
        let lossCode = try int32("loss")
        guard let loss = FastTextArguments.Loss(rawValue: lossCode) else { throw error("unknown loss \(lossCode)") }
        let kindCode = try int32("model")
        guard let kind = FastTextArguments.Kind(rawValue: kindCode) else {
            throw error("unknown model kind \(kindCode)")
        }
        let buckets = try count(int32("bucket"), "bucket", 0...Int32.max)
        let minn = try count(int32("minn"), "minn", 0...64)
        let maxn = try count(int32("maxn"), "maxn", 0...64)
        let rate = Int(try int32("lrUpdateRate"))
        let threshold = try double("t")
        return FastTextArguments(
            dimension: dimension, windowSize: windowSize, epochs: epochs, minCount: minCount,
            negatives: negatives, wordNgrams: wordNgrams, loss: loss, kind: kind, buckets: buckets,
            minn: minn, maxn: maxn, learningRateUpdateRate: rate, samplingThreshold: threshold)
    }

    /// A matrix as fastText saves it: dense (`DenseMatrix`) or product-quantized (`QuantMatrix`), decoded to rows.
    ///
    /// Quantized rows are decoded once here, exactly as fastText adds them: a centroid value times the row's norm
    /// (when norms are quantized too), as one `Float` product, so the sums over them match fastText's bit for bit.
    /// `scales` keeps the norms apart for the output matrix, whose dot products fastText scales after summing.
    mutating func matrix(
        quantized: Bool, name: String, dimension: Int, normsInRows: Bool
    ) throws(FastTextModelError) -> DecodedMatrix {
        if !quantized {
            let rows = try int64("\(name) rows"), columns = try int64("\(name) columns")
            guard columns == dimension, rows >= 0, rows <= Int64(Int32.max) else {
                throw error("\(name) matrix is \(rows) × \(columns), expected \(dimension) columns")
            }
            return DecodedMatrix(
                rows: Int(rows), dimension: dimension, values: try floats(Int(rows) * dimension, "\(name) matrix"),
                scales: nil)
        }
        let normsQuantized = try bool("\(name) qnorm")
        let rows = try int64("\(name) rows"), columns = try int64("\(name) columns")
        guard columns == dimension, rows >= 0, rows <= Int64(Int32.max) else {
            throw error("\(name) matrix is \(rows) × \(columns), expected \(dimension) columns")
        }
        let codeSize = Int(try int32("\(name) code size"))
        let codes = try bytes(codeSize, "\(name) codes")
        let quantizer = try productQuantizer(name)
        guard quantizer.dimension == dimension, codeSize == Int(rows) * quantizer.subquantizers else {
            throw error("\(name) quantizer does not fit the matrix (\(codeSize) codes for \(rows) rows)")
        }
        var norms = [Float](repeating: 1, count: Int(rows))
        if normsQuantized {
            let normCodes = try bytes(Int(rows), "\(name) norm codes")
            let normQuantizer = try productQuantizer("\(name) norm")
            guard normQuantizer.dimension == 1 else {
                throw error("\(name) norm quantizer has dimension \(normQuantizer.dimension)")
            }
            norms = normCodes.map { normQuantizer.centroids[Int($0)] }
        }
        var values = [Float](repeating: 0, count: Int(rows) * dimension)
        for row in 0..<Int(rows) {
            let scale: Float = normsInRows ? norms[row] : 1
            for sub in 0..<quantizer.subquantizers {
                let centroid = quantizer.centroidStart(sub, code: codes[row * quantizer.subquantizers + sub])
                let width = sub == quantizer.subquantizers - 1 ? quantizer.lastSubDimension : quantizer.subDimension
                for n in 0..<width {
                    values[row * dimension + sub * quantizer.subDimension + n] =
                        scale * quantizer.centroids[centroid + n]
                }
            }
        }
        return DecodedMatrix(
            rows: Int(rows), dimension: dimension, values: values, scales: normsInRows || !normsQuantized ? nil : norms)
    }

    /// fastText's `ProductQuantizer`: 256 centroids for each sub-vector.
    private struct ProductQuantizer {
        var dimension: Int
        var subquantizers: Int
        var subDimension: Int
        var lastSubDimension: Int
        var centroids: [Float]

        /// Where centroid `code` of sub-quantizer `sub` starts (the last sub-vector may be narrower).
        func centroidStart(_ sub: Int, code: UInt8) -> Int {
            sub == subquantizers - 1
                ? sub * 256 * subDimension + Int(code) * lastSubDimension : (sub * 256 + Int(code)) * subDimension
        }
    }

    private mutating func productQuantizer(_ name: String) throws(FastTextModelError) -> ProductQuantizer {
        let dimension = Int(try int32("\(name) quantizer dim"))
        let subquantizers = Int(try int32("\(name) quantizer nsubq"))
        let subDimension = Int(try int32("\(name) quantizer dsub"))
        let lastSubDimension = Int(try int32("\(name) quantizer lastdsub"))
        guard dimension > 0, dimension <= 4096, subquantizers > 0, subDimension > 0, lastSubDimension > 0,
            (subquantizers - 1) * subDimension + lastSubDimension == dimension
        else {
            throw error(
                "\(name) quantizer has inconsistent sizes (dim \(dimension), nsubq \(subquantizers), dsub \(subDimension), lastdsub \(lastSubDimension))"
            )
        }
        let centroids = try floats(dimension * 256, "\(name) centroids")
        return ProductQuantizer(
            dimension: dimension, subquantizers: subquantizers, subDimension: subDimension,
            lastSubDimension: lastSubDimension, centroids: centroids)
    }
}

/// A model matrix as plain rows of `Float`; `scales`, when present, multiplies each row's dot product.
struct DecodedMatrix: Sendable {
    var rows: Int
    var dimension: Int
    var values: [Float]
    var scales: [Float]?

    /// Row `row` · `vector`, summed in column order and then scaled, as fastText's `dotRow` and `mulcode` do.
    func dot(_ row: Int, _ vector: UnsafePointer<Float>) -> Float {
        values.withUnsafeBufferPointer { values in
            var sum: Float = 0
            let start = row * dimension
            for column in 0..<dimension { sum += values[start + column] * vector[column] }
            return scales.map { sum * $0[row] } ?? sum
        }
    }
}
