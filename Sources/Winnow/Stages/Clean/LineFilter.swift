/// `clean`'s line rules: boilerplate families, the comment-form tail, the user's `extra_patterns`, and the C4
/// rules. It looks at each line of tidied text (UTF-8 bytes) and says which go and why.
struct LineFilter: Sendable {
    var matcher: BoilerplateMatcher
    /// User patterns (POSIX extended regular expressions, see `LinePattern`), matched against whole lines in bounded
    /// time. A compiled pattern is not `Sendable`, so they are kept as text (checked when the pipeline is loaded) and
    /// compiled for each document that is filtered: a cost only users of `extra_patterns` pay.
    var extraPatterns: [String]
    /// C4's rules: drop lines without terminal punctuation and lines mentioning "javascript" or "lorem ipsum".
    var c4Rules: Bool
    /// Drop lines with fewer words (0: off).
    var minLineWords: Int
    /// The noise-line model (nil: `lines: off`).
    var model: LineModel?

    /// A comment form that starts in the last third of a document, or within its last 15 lines, takes the rest.
    static let tailLines = 15

    /// A removed line and the rule that removed it: `boilerplate:share`, `noise_line` (the model; `score` says how
    /// sure it was), `comment_form_tail`, `extra_pattern`, `c4:terminal_punctuation`, `c4:javascript`,
    /// `c4:lorem_ipsum`, `min_line_words`.
    struct Removal: Sendable {
        var line: String
        var rule: String
        var score: Double?
    }

    /// The kept text (nil when every line stays) and the removed lines with their rules.
    func filter(_ text: UnsafeBufferPointer<UInt8>) -> (kept: [UInt8]?, removed: [Removal]) {
        let lines = TextLines.ranges(text)
        var keep = [Bool](repeating: true, count: lines.count)
        var rules = [String?](repeating: nil, count: lines.count)
        let compiled = extraPatterns.compactMap { try? LinePattern($0) }
        for (index, range) in lines.enumerated() where !range.isEmpty {
            rules[index] = rule(for: UnsafeBufferPointer(rebasing: text[range]), compiled)
        }
        var scores: [Double] = []
        if let model {
            scores = model.scores(text, lines)
            for index in lines.indices where rules[index] == nil && scores[index] > model.threshold {
                rules[index] = "noise_line"
            }
        }
        let tail = tailStart(text, lines, rules)
        var removed: [Removal] = []
        for index in lines.indices {
            let rule = index >= (tail ?? lines.count) ? "comment_form_tail" : rules[index]
            guard let rule, !lines[index].isEmpty else { continue }
            keep[index] = false
            removed.append(
                Removal(
                    line: String(decoding: UnsafeBufferPointer(rebasing: text[lines[index]]), as: UTF8.self),
                    rule: rule,
                    score: rule == "noise_line" ? scores[index] : nil))
        }
        guard !removed.isEmpty else { return (nil, []) }
        return (TextLines.join(text, lines) { keep[$0] }, removed)
    }

    /// Where the rest of the document goes with a comment form: only with strong evidence — a comment-form line in
    /// the last third (or the last 15 lines) with another removed line beside it (among the two non-empty lines
    /// before and after it), and nothing article-like after it (a line of 12 or more words that ends a sentence). A
    /// lone `*`, `Email` or `Share` line removes that line only.
    private func tailStart(_ text: UnsafeBufferPointer<UInt8>, _ lines: [Range<Int>], _ rules: [String?]) -> Int? {
        let formRule = "boilerplate:" + BoilerplateFamily.commentForm.rawValue
        for index in lines.indices
        where rules[index] == formRule && (index * 3 >= lines.count * 2 || lines.count - index <= Self.tailLines) {
            let before = lines[..<index].indices.reversed().filter { !lines[$0].isEmpty }.prefix(2)
            let after = lines[(index + 1)...].indices.filter { !lines[$0].isEmpty }.prefix(2)
            let near = (before + after).contains { rules[$0] != nil }
            guard near else { continue }
            let articleAfter = lines[(index + 1)...].contains { range in
                let line = UnsafeBufferPointer(rebasing: text[range])
                return Self.endsWithTerminalPunctuation(line) && TextLines.wordCount(line) >= 12
            }
            if !articleAfter { return index + 1 }
        }
        return nil
    }

    private func rule(for line: UnsafeBufferPointer<UInt8>, _ compiled: [LinePattern]) -> String? {
        if let family = matcher.family(of: line) { return "boilerplate:\(family.rawValue)" }
        if !compiled.isEmpty {
            let string = String(decoding: line, as: UTF8.self)
            for pattern in compiled where pattern.matchesWhole(string) { return "extra_pattern" }
        }
        if c4Rules {
            if Self.containsIgnoringASCIICase(line, "javascript") { return "c4:javascript" }
            if Self.containsIgnoringASCIICase(line, "lorem ipsum") { return "c4:lorem_ipsum" }
            if !Self.endsWithTerminalPunctuation(line) { return "c4:terminal_punctuation" }
        }
        if minLineWords > 0, line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).count < minLineWords {
            return "min_line_words"
        }
        return nil
    }

    private static func containsIgnoringASCIICase(_ line: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard line.count >= pattern.count else { return false }
        for start in 0...(line.count - pattern.count) where line[start] | 0x20 == pattern[0] {
            if (1..<pattern.count).allSatisfy({ line[start + $0] | 0x20 == pattern[$0] | 0x20 }) { return true }
        }
        return false
    }

    /// Whether a line ends with `.`, `!`, `?` or `…` (C4's rule; also `。！？`), allowing closing quotes and brackets
    /// after it.
    static func endsWithTerminalPunctuation(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for character in String(decoding: line, as: UTF8.self).reversed() {
            switch character {
            case "\"", "'", "”", "’", "»", ")", "]", " ": continue
            case ".", "!", "?", "…", "。", "！", "？": return true
            default: return false
            }
        }
        return false
    }
}
