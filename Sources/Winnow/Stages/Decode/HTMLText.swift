#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Extracts the text of an HTML document or fragment, as a reader sees it.
///
/// `script`, `style`, `noscript`, `template`, `svg`, `iframe` and `object` are dropped with their content, and so
/// are comments, `<!DOCTYPE>`, CDATA and processing instructions. Block elements (`p`, `div`, `br`, `li`, `h1`–`h6`,
/// `tr`, `section`, `article` …) become line breaks; other tags go. Runs of whitespace in text collapse to one
/// space, except inside `pre` and `textarea`. Character references are decoded by the HTML5 rules
/// (`HTMLEntities`). Works in one pass over the UTF-8 bytes; malformed markup (a `<` that starts no tag, an
/// unclosed comment) is read as leniently as browsers read it.
enum HTMLText {
    /// Elements dropped together with their content.
    static let droppedElements: Set<String> = ["script", "style", "noscript", "template", "svg", "iframe", "object"]
    /// Elements that end a paragraph (a blank line) or a line.
    static let paragraphElements: Set<String> = [
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote", "pre", "figure",
        "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "form", "fieldset", "address",
        "details", "summary", "hr", "title", "body", "html",
    ]
    static let lineElements: Set<String> = ["br", "li", "tr", "dt", "dd", "caption", "option", "legend"]
    static let cellElements: Set<String> = ["td", "th"]

    /// Whether text is mostly markup: it starts with `<!DOCTYPE html` or `<html`, or tags make up at least 30% of it.
    static func looksLikeHTML(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "<")), bytes.count) != nil else {
                return false
            }
            var start = 0
            while start < bytes.count,
                bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x0D || bytes[start] == 0x09
            { start += 1 }
            let head = String(
                decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(bytes.count, start + 14)]), as: UTF8.self
            ).lowercased()
            if head.hasPrefix("<!doctype html") || head.hasPrefix("<html") { return true }
            var markup = 0
            var i = 0
            while i < bytes.count, let open = memchr(base + i, Int32(UInt8(ascii: "<")), bytes.count - i) {
                i = base.distance(to: open.assumingMemoryBound(to: UInt8.self))
                if i + 1 < bytes.count, startsTag(bytes[i + 1]),
                    let close = memchr(base + i + 1, Int32(UInt8(ascii: ">")), bytes.count - i - 1)
                {
                    let end = base.distance(to: close.assumingMemoryBound(to: UInt8.self))
                    markup += end - i + 1
                    i = end + 1
                } else {
                    i += 1
                }
            }
            return markup * 10 >= bytes.count * 3
        }
    }

    private static func startsTag(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "!")
            || byte == UInt8(ascii: "?")
    }

    /// The text of `html`.
    static func text(_ html: String) -> String {
        var html = html
        return html.withUTF8 { bytes in
            var extractor = Extractor(bytes: bytes)
            extractor.run()
            return String(decoding: extractor.output, as: UTF8.self)
        }
    }

    private struct Extractor {
        let bytes: UnsafeBufferPointer<UInt8>
        var output: [UInt8] = []
        var index = 0
        var preformatted = 0
        var pendingSpace = false
        /// Line breaks owed before the next text: 1 for a line, 2 for a paragraph.
        var pendingBreaks = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            output.reserveCapacity(bytes.count / 2)
        }

        mutating func run() {
            var textStart = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, HTMLText.startsTag(bytes[index + 1])
                else {
                    index += 1
                    continue
                }
                emitText(textStart..<index)
                markup()
                textStart = index
            }
            emitText(textStart..<bytes.count)
        }

        /// Consumes one tag, comment or declaration at `index` (a `<`), and the content of dropped elements.
        mutating func markup() {
            if matches("<!--", at: index) {
                index = find("-->", from: index + 4).map { $0 + 3 } ?? bytes.count
                return
            }
            if bytes[index + 1] == UInt8(ascii: "!") || bytes[index + 1] == UInt8(ascii: "?") {
                index = find(">", from: index + 2).map { $0 + 1 } ?? bytes.count
                return
            }
            let closing = bytes[index + 1] == UInt8(ascii: "/")
            var nameEnd = index + (closing ? 2 : 1)
            let nameStart = nameEnd
            while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]), as: UTF8.self)
                .lowercased()
            index = tagEnd(from: nameEnd)
            if !closing && HTMLText.droppedElements.contains(name) {
                index = closingTag(name, from: index)
                return
            }
            if name == "pre" || name == "textarea" { preformatted = max(0, preformatted + (closing ? -1 : 1)) }
            if HTMLText.paragraphElements.contains(name) {
                pendingBreaks = 2
            } else if HTMLText.lineElements.contains(name) {
                pendingBreaks = max(pendingBreaks, 1)
            } else if HTMLText.cellElements.contains(name) && !closing {
                pendingSpace = true
            }
        }

        /// Appends text (entities decoded), collapsing whitespace outside `pre`.
        mutating func emitText(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            var decoded: [UInt8] = []
            HTMLEntities.decode(UnsafeBufferPointer(rebasing: bytes[range]), html: true, into: &decoded)
            for byte in decoded {
                let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
                if isSpace && preformatted == 0 {
                    pendingSpace = true
                    continue
                }
                if pendingBreaks > 0 {
                    if !output.isEmpty { output.append(contentsOf: repeatElement(0x0A, count: pendingBreaks)) }
                    pendingBreaks = 0
                    pendingSpace = false
                } else if pendingSpace {
                    if !output.isEmpty && output.last != 0x0A { output.append(0x20) }
                    pendingSpace = false
                }
                output.append(byte)
            }
        }

        func isNameByte(_ byte: UInt8) -> Bool {
            (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ":")
        }

        /// The index after the `>` that ends a tag, skipping quoted attribute values.
        func tagEnd(from start: Int) -> Int {
            var i = start
            var quote: UInt8 = 0
            while i < bytes.count {
                let byte = bytes[i]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    return i + 1
                }
                i += 1
            }
            return bytes.count
        }

        /// The index after `</name …>`, or the end of the input.
        func closingTag(_ name: String, from start: Int) -> Int {
            let needle = Array("</\(name)".utf8)
            var i = start
            while let found = find(needle, from: i) {
                let after = found + needle.count
                if after >= bytes.count || !isNameByte(bytes[after]) { return tagEnd(from: after) }
                i = after
            }
            return bytes.count
        }

        func matches(_ literal: String, at i: Int) -> Bool {
            let pattern = Array(literal.utf8)
            return i + pattern.count <= bytes.count && bytes[i..<(i + pattern.count)].elementsEqual(pattern)
        }

        func find(_ literal: String, from start: Int) -> Int? { find(Array(literal.utf8), from: start) }

        /// The first position of `pattern` at or after `start`, ASCII case-insensitively.
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            guard pattern.count > 0, start + pattern.count <= bytes.count else { return nil }
            var i = start
            while i + pattern.count <= bytes.count {
                if (0..<pattern.count).allSatisfy({ bytes[i + $0] | 0x20 == pattern[$0] | 0x20 }) { return i }
                i += 1
            }
            return nil
        }
    }
}
