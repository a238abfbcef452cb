import Foundation

/// How a fastText model turns the averaged hidden vector into label probabilities (fastText's `Loss::predict`).
///
/// Scores are kept as fastText keeps them: `log(p + 1e-5)` in `Float`, the probability reported being `exp` of it.
enum FastTextLoss: Sendable {
    /// Hierarchical softmax: the Huffman tree over the label counts; node `i ≥ labels` uses output row `i − labels`.
    case hierarchicalSoftmax(HuffmanTree)
    case softmax
    /// One-vs-all and negative sampling: an independent sigmoid per label, from fastText's 512-step table.
    case logistic(sigmoidTable: [Float])

    init(_ loss: FastTextArguments.Loss, labelCounts: [Int64]) {
        switch loss {
        case .hierarchicalSoftmax: self = .hierarchicalSoftmax(HuffmanTree(counts: labelCounts))
        case .softmax: self = .softmax
        case .oneVsAll, .negativeSampling:
            // fastText: x = i·2·8/512 − 8, σ = 1 / (1 + exp(−x)) with exp in float and the division in double.
            self = .logistic(
                sigmoidTable: (0...512).map { i in
                    let x = Float(i * 2 * 8) / 512 - 8
                    return Float(1.0 / (1.0 + Double(expf(-x))))
                })
        }
    }

    /// fastText's `std_log`.
    @inline(__always)
    static func log(_ x: Float) -> Float { Float(Foundation.log(Double(x) + 1e-5)) }

    func predict(hidden: UnsafePointer<Float>, output: DecodedMatrix, k: Int, threshold: Float) -> [FastTextPrediction]
    {
        var best = TopK(k)
        switch self {
        case .hierarchicalSoftmax(let tree):
            tree.search(node: tree.root, score: 0, threshold: Self.log(threshold), best: &best) {
                output.dot($0, hidden)
            }
        case .softmax:
            var scores = (0..<output.rows).map { output.dot($0, hidden) }
            let maximum = scores.max() ?? 0
            var sum: Float = 0
            for i in scores.indices {
                scores[i] = expf(scores[i] - maximum)
                sum += scores[i]
            }
            for i in scores.indices { best.offer(scores[i] / sum, label: i, threshold: threshold) }
        case .logistic(let table):
            for i in 0..<output.rows {
                best.offer(Self.sigmoid(output.dot(i, hidden), table), label: i, threshold: threshold)
            }
        }
        return best.sorted.map { FastTextPrediction(label: $0.label, probability: expf($0.score)) }
    }

    @inline(__always)
    static func sigmoid(_ x: Float, _ table: [Float]) -> Float {
        if x < -8 { return 0 }
        if x > 8 { return 1 }
        return table[Int((x + 8) * 512 / 8 / 2)]
    }
}

/// fastText's hierarchical-softmax tree, built from the label counts exactly as its `buildTree` does.
struct HuffmanTree: Sendable {
    let leaves: Int
    let left: [Int32]
    let right: [Int32]
    var root: Int { 2 * leaves - 2 }

    init(counts: [Int64]) {
        let leaves = counts.count
        let nodes = max(2 * leaves - 1, 1)
        var count = [Int64](repeating: 1_000_000_000_000_000, count: nodes)
        var left = [Int32](repeating: -1, count: nodes), right = [Int32](repeating: -1, count: nodes)
        for i in 0..<leaves { count[i] = counts[i] }
        var leaf = leaves - 1, node = leaves
        for i in stride(from: leaves, to: 2 * leaves - 1, by: 1) {
            var smallest = [0, 0]
            for j in 0..<2 {
                if leaf >= 0 && count[leaf] < count[node] {
                    smallest[j] = leaf
                    leaf -= 1
                } else {
                    smallest[j] = node
                    node += 1
                }
            }
            left[i] = Int32(smallest[0])
            right[i] = Int32(smallest[1])
            count[i] = count[smallest[0]] + count[smallest[1]]
        }
        self.leaves = leaves
        self.left = left
        self.right = right
    }

    /// fastText's `dfs`: depth first, left (probability 1 − σ) before right (σ), skipping subtrees that cannot beat
    /// the current k-th best or the threshold.
    func search(node: Int, score: Float, threshold: Float, best: inout TopK, dot: (Int) -> Float) {
        if score < threshold { return }
        if best.isFull && score < best.worst { return }
        if left[node] == -1 && right[node] == -1 {
            best.insert(score, label: node)
            return
        }
        var f = dot(node - leaves)
        f = Float(1.0 / Double(1 + expf(-f)))
        search(
            node: Int(left[node]), score: score + FastTextLoss.log(Float(1.0 - Double(f))), threshold: threshold,
            best: &best, dot: dot)
        search(node: Int(right[node]), score: score + FastTextLoss.log(f), threshold: threshold, best: &best, dot: dot)
    }
}

/// The k best (score, label) pairs seen, as fastText's bounded min-heap keeps them.
struct TopK {
    let k: Int
    private(set) var entries: [(score: Float, label: Int)] = []

    init(_ k: Int) { self.k = k }

    var isFull: Bool { entries.count >= k }
    /// The smallest kept score (the heap's front).
    var worst: Float { entries.map(\.score).min() ?? -.infinity }

    /// fastText's `findKBest` step for one label probability: skipped below the threshold or the k-th best.
    mutating func offer(_ probability: Float, label: Int, threshold: Float) {
        if probability < threshold { return }
        let score = FastTextLoss.log(probability)
        if isFull && score < worst { return }
        insert(score, label: label)
    }

    mutating func insert(_ score: Float, label: Int) {
        entries.append((score, label))
        if entries.count > k, let index = entries.indices.min(by: { entries[$0].score < entries[$1].score }) {
            entries.remove(at: index)
        }
    }

    /// Best first.
    var sorted: [(score: Float, label: Int)] { entries.sorted { $0.score > $1.score } }
}
