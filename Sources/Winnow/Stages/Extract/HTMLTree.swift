#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTML page as a tree, built by a tolerant tokenizer and tree builder that reads real-world tag soup as browsers
/// roughly do: end tags implied by the HTML rules (`<p>` ends at the next block, `<li>` at the next `<li>`, cells,
/// rows, options, headings), void elements (`<br>`, `<img>` …) and `/>`, raw-text elements (`<script>`, `<style>`,
/// `<textarea>`, `<title>` …) read to their end tag, comments, doctype and processing instructions skipped, stray end
/// tags ignored, unclosed elements closed at the end; character references decoded (`HTMLEntities`).
///
/// Linear in the page: each byte is read once, an element is pushed and popped once, and the one search down the
/// open elements (is there a `<p>` to close in scope?) stops after `scopeSearchLimit` elements, so 100,000 nested
/// `<div>`s cost no more than 100,000 siblings. Nodes sit in document order in flat arrays (a parent before its
/// children), so bottom-up sums are one backwards loop and no walk recurses.
struct HTMLTree {
    /// An element or a text node: plain numbers, so nodes copy without reference counting.
    struct Node {
        /// The element (`HTMLTag`'s raw value, or above it one of the page's own names: `HTMLTree.name(of:)`); 0
        /// for a text node.
        var tag: UInt16
        /// What the tree builder and the extractor know of the element (one look-up of its name).
        var flags: TagFlags = []
        var parent: Int32
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var nextSibling: Int32 = -1
        /// A text node's text (references decoded, white space as written): its range in `textBytes`; an
        /// element's attributes: their range in `attributes`.
        var start: Int32 = 0, end: Int32 = 0

        var isText: Bool { tag == 0 }

        /// Whether the node is the element `tag`.
        func `is`(_ tag: HTMLTag) -> Bool { self.tag == tag.rawValue }
    }

    /// The attributes the extractor reads.
    enum AttributeName: String, CaseIterable {
        case `class`, id, role, itemprop, lang, href, rel, name, property, content, datetime, hidden
        case ariaHidden = "aria-hidden"
        case style, type, itemtype

        /// The names as bytes: a tag's attribute names are compared in place (making a lower-cased string of each
        /// and hashing it was ≈ 5% of `extract`).
        static let all = allCases
        static let bytes: [[UInt8]] = all.map { Array($0.rawValue.utf8) }
    }

    /// One attribute of an element: its value (references decoded) is a range of `attributeBytes`.
    struct Attribute {
        var name: AttributeName
        var start: Int32, end: Int32
    }

    /// Categories of elements, so that each name is looked up once.
    struct TagFlags: OptionSet, Sendable {
        let rawValue: UInt32
        static let rawText = TagFlags(rawValue: 1 << 0)
        static let void = TagFlags(rawValue: 1 << 1)
        static let closesParagraph = TagFlags(rawValue: 1 << 2)
        static let heading = TagFlags(rawValue: 1 << 3)
        /// Ends a block of text (`ContentExtractor`).
        static let block = TagFlags(rawValue: 1 << 4)
        /// Never holds main content (`ContentExtractor`).
        static let skipped = TagFlags(rawValue: 1 << 5)
        // Scope boundaries: where the search for an element to close stops.
        static let paragraphScope = TagFlags(rawValue: 1 << 6)
        static let listScope = TagFlags(rawValue: 1 << 7)
        static let definitionScope = TagFlags(rawValue: 1 << 8)
        static let tableScope = TagFlags(rawValue: 1 << 9)
        static let rowScope = TagFlags(rawValue: 1 << 10)
        static let selectScope = TagFlags(rawValue: 1 << 11)
        static let cellScope = TagFlags(rawValue: 1 << 12)
        // Single elements the extractor tests often.
        static let link = TagFlags(rawValue: 1 << 13)
        static let preformatted = TagFlags(rawValue: 1 << 14)
        /// `br`, `hr`: end a block without starting one.
        static let lineBreak = TagFlags(rawValue: 1 << 15)
        static let listItem = TagFlags(rawValue: 1 << 16)
        static let cell = TagFlags(rawValue: 1 << 17)
    }

    private(set) var nodes: [Node] = [Node(tag: HTMLTag.documentRoot.rawValue, parent: -1)]
    /// Every text node's text, one after another (one buffer rather than a string a node).
    private(set) var textBytes: [UInt8] = []
    /// Every element's attributes, an element's one after another.
    private(set) var attributes: [Attribute] = []
    /// The attributes' values, one after another.
    private(set) var attributeBytes: [UInt8] = []
    /// The names of this page's elements that `HTMLTag` does not know, from `HTMLTag.names.count` on.
    private var ownNames: [String] = []
    private var ownTags: [String: UInt16] = [:]

    /// A text node's text.
    func text(of node: Node) -> String {
        String(decoding: textBytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
    }

    /// An element's lower-case name.
    func name(of node: Node) -> String {
        Int(node.tag) < HTMLTag.names.count
            ? HTMLTag.names[Int(node.tag)] : ownNames[Int(node.tag) - HTMLTag.names.count]
    }

    /// Where the value of an element's attribute `name` lies in `attributeBytes`, when it has one.
    func attributeRange(_ name: AttributeName, of node: Node) -> Range<Int>? {
        guard !node.isText else { return nil }
        for index in Int(node.start)..<Int(node.end) where attributes[index].name == name {
            return Int(attributes[index].start)..<Int(attributes[index].end)
        }
        return nil
    }

    /// The value of an element's attribute `name`, when it has one.
    func attribute(_ name: AttributeName, of node: Node) -> String? {
        attributeRange(name, of: node).map { String(decoding: attributeBytes[$0], as: UTF8.self) }
    }

    /// The text of `<title>`, references decoded.
    private(set) var title = ""
    /// The content of each `<script type="application/ld+json">` (publication dates live there).
    private(set) var linkedData: [String] = []

    /// How far down the open elements a scope search looks.
    static let scopeSearchLimit = 64

    private var open: [Int32] = [0]
    /// How many elements of each tag are open, by tag.
    private var openCount = [Int32](repeating: 0, count: HTMLTag.names.count)

    /// Parses `html`.
    init(_ html: String) {
        var html = html
        html.withUTF8 { bytes in parse(bytes) }
        while open.count > 1 { pop() }
    }

    // MARK: - Building

    private var current: Int32 { open[open.count - 1] }

    private mutating func append(_ node: Node) -> Int32 {
        let index = Int32(nodes.count)
        var node = node
        node.parent = current
        nodes.append(node)
        let parent = Int(current)
        if nodes[parent].lastChild >= 0 {
            nodes[Int(nodes[parent].lastChild)].nextSibling = index
        } else {
            nodes[parent].firstChild = index
        }
        nodes[parent].lastChild = index
        return index
    }

    private mutating func pop() {
        let index = Int(open.removeLast())
        openCount[Int(nodes[index].tag)] -= 1
    }

    /// Pops up to and including the nearest open `tag` when one is within the search limit and no boundary
    /// element comes first.
    private mutating func close(_ tag: HTMLTag, boundaries: TagFlags) {
        guard openCount[Int(tag.rawValue)] > 0 else { return }
        var depth = open.count - 1
        let lowest = max(1, open.count - Self.scopeSearchLimit)
        while depth >= lowest {
            let element = nodes[Int(open[depth])]
            if element.tag == tag.rawValue {
                while open.count > depth { pop() }
                return
            }
            if !element.flags.isDisjoint(with: boundaries) { return }
            depth -= 1
        }
    }

    private mutating func startTag(_ tag: UInt16, flags: TagFlags, attributes: Range<Int>, selfClosing: Bool) {
        if flags.contains(.closesParagraph) { close(.p, boundaries: .paragraphScope) }
        switch HTMLTag(rawValue: tag) {
        case .li: close(.li, boundaries: .listScope)
        case .dt, .dd:
            close(.dt, boundaries: .definitionScope)
            close(.dd, boundaries: .definitionScope)
        case .tr: close(.tr, boundaries: .tableScope)
        case .td, .th:
            close(.td, boundaries: .rowScope)
            close(.th, boundaries: .rowScope)
        case .thead, .tbody, .tfoot:
            for section in [HTMLTag.thead, .tbody, .tfoot] { close(section, boundaries: .tableScope) }
        case .option: close(.option, boundaries: .selectScope)
        case .a: close(.a, boundaries: .cellScope)
        default:
            if flags.contains(.heading), nodes[Int(current)].flags.contains(.heading) { pop() }
        }
        let index = append(
            Node(
                tag: tag, flags: flags, parent: current, start: Int32(attributes.lowerBound),
                end: Int32(attributes.upperBound)))
        if !(selfClosing || flags.contains(.void)) {
            open.append(index)
            openCount[Int(tag)] += 1
        }
    }

    private mutating func endTag(_ tag: UInt16) {
        guard openCount[Int(tag)] > 0 else { return }
        while let top = open.last, top != 0 {
            let element = nodes[Int(top)].tag
            pop()
            if element == tag { return }
        }
    }

    /// Adds text, references decoded, to the current element: to its last child when that is text.
    private mutating func text(_ raw: UnsafeBufferPointer<UInt8>) {
        guard !raw.isEmpty else { return }
        let start = textBytes.count
        HTMLEntities.decode(raw, html: true, into: &textBytes)
        let last = nodes.count - 1
        if nodes[last].isText, nodes[last].parent == current, nodes[last].end == Int32(start) {
            nodes[last].end = Int32(textBytes.count)
        } else {
            _ = append(Node(tag: 0, parent: current, start: Int32(start), end: Int32(textBytes.count)))
        }
    }

    /// The number of the element named by `bytes` (ASCII letters in any case): `HTMLTag`'s, or one of this page's
    /// own.
    private mutating func tag(named bytes: UnsafeBufferPointer<UInt8>) -> UInt16 {
        if let key = HTMLTag.Key(lowercasing: bytes), let known = HTMLTag.lookUp(key) { return known }
        let name = String(decoding: bytes.map(Self.asciiLowercased), as: UTF8.self)
        if let own = ownTags[name] { return own }
        // Past 65,535 names a page's own names share the last number (their end tags then close each other).
        let own = UInt16(min(HTMLTag.names.count + ownNames.count, Int(UInt16.max)))
        if Int(own) == openCount.count {
            ownNames.append(name)
            openCount.append(0)
        }
        ownTags[name] = own
        return own
    }

    // MARK: - Tokenizing

    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var index = 0
        var textStart = 0
        func flushText(upTo end: Int) {
            guard end > textStart else { return }
            text(UnsafeBufferPointer(rebasing: bytes[textStart..<end]))
        }
        while index < bytes.count {
            guard let found = memchr(base + index, Int32(UInt8(ascii: "<")), bytes.count - index) else { break }
            index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard index + 1 < bytes.count else { break }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
                flushText(upTo: index)
                if Self.matches(bytes, "<!--", at: index) {
                    index = Self.find(bytes, Array("-->".utf8), from: index + 4).map { $0 + 3 } ?? bytes.count
                } else {
                    index = Self.find(bytes, [UInt8(ascii: ">")], from: index + 2).map { $0 + 1 } ?? bytes.count
                }
                textStart = index
                continue
            }
            let closing = next == UInt8(ascii: "/")
            let nameStart = index + (closing ? 2 : 1)
            guard nameStart < bytes.count, (bytes[nameStart] | 0x20) &- UInt8(ascii: "a") < 26 else {
                index += 1  // a `<` that starts no tag is text
                continue
            }
            flushText(upTo: index)
            var nameEnd = nameStart
            while nameEnd < bytes.count, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            let tag = tag(named: UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]))
            let firstAttribute = attributes.count
            let (selfClosing, end) = readAttributes(bytes, from: nameEnd, keep: !closing)
            let tagAttributes = firstAttribute..<attributes.count
            index = end
            let flags = Int(tag) < HTMLTag.flags.count ? HTMLTag.flags[Int(tag)] : []
            if closing {
                endTag(tag)
            } else if flags.contains(.rawText) {
                let close = Self.closingTag(bytes, HTMLTag.endTagNeedles[Int(tag)], from: index)
                let content = UnsafeBufferPointer(rebasing: bytes[index..<close.contentEnd])
                if tag == HTMLTag.title.rawValue && title.isEmpty {
                    var decoded: [UInt8] = []
                    HTMLEntities.decode(content, html: true, into: &decoded)
                    title = String(decoding: decoded, as: UTF8.self)
                } else if tag == HTMLTag.textarea.rawValue {
                    startTag(tag, flags: flags, attributes: tagAttributes, selfClosing: false)
                    text(content)
                    endTag(tag)
                } else {
                    if tag == HTMLTag.script.rawValue, isLinkedData(tagAttributes) {
                        linkedData.append(String(decoding: content, as: UTF8.self))
                    }
                    startTag(tag, flags: flags, attributes: tagAttributes, selfClosing: true)
                }
                index = close.end
            } else {
                startTag(tag, flags: flags, attributes: tagAttributes, selfClosing: selfClosing)
            }
            textStart = index
        }
        flushText(upTo: bytes.count)
    }

    /// Whether a `<script>`'s `type` is JSON-LD.
    private func isLinkedData(_ range: Range<Int>) -> Bool {
        guard let type = range.first(where: { attributes[$0].name == .type }).map({ attributes[$0] }) else {
            return false
        }
        let value = attributeBytes[Int(type.start)..<Int(type.end)].map(Self.asciiLowercased)
        return value.withUnsafeBufferPointer { UTF8Bytes.contains($0, Array("ld+json".utf8)) }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: ">"))
    }

    /// HTML's white space (the tree builder's and the extractor's).
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    /// A byte with ASCII upper case made lower case.
    static func asciiLowercased(_ byte: UInt8) -> UInt8 { byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte }

    /// Reads a tag's attributes from after its name to its `>`, appending the ones the extractor uses (when `keep`)
    /// to `attributes`; returns whether it ends with `/>` and the index after the `>`.
    private mutating func readAttributes(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, keep: Bool
    ) -> (selfClosing: Bool, end: Int) {
        var i = start
        var selfClosing = false
        while i < bytes.count {
            while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            if bytes[i] == UInt8(ascii: ">") { return (selfClosing, i + 1) }
            if bytes[i] == UInt8(ascii: "/") {
                selfClosing = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: ">")
                i += 1
                continue
            }
            selfClosing = false
            let nameStart = i
            while i < bytes.count, !Self.isSpace(bytes[i]), bytes[i] != UInt8(ascii: "="),
                bytes[i] != UInt8(ascii: ">"), !(bytes[i] == UInt8(ascii: "/") && i > nameStart)
            { i += 1 }
            if i == nameStart { i += 1 }  // a stray `=`
            let nameEnd = i
            while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
            var valueRange = i..<i
            if i < bytes.count, bytes[i] == UInt8(ascii: "=") {
                i += 1
                while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") {
                    let quote = bytes[i]
                    let valueStart = i + 1
                    i = valueStart
                    while i < bytes.count, bytes[i] != quote { i += 1 }
                    valueRange = valueStart..<i
                    if i < bytes.count { i += 1 }
                } else {
                    let valueStart = i
                    while i < bytes.count, !Self.isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">") { i += 1 }
                    valueRange = valueStart..<i
                }
            }
            guard keep, nameEnd > nameStart, nameEnd - nameStart <= 12 else { continue }
            let written = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            guard
                let known = AttributeName.bytes.firstIndex(where: { name in
                    name.count == written.count && name.elementsEqual(written.lazy.map(Self.asciiLowercased))
                })
            else { continue }
            let valueStart = attributeBytes.count
            HTMLEntities.decode(UnsafeBufferPointer(rebasing: bytes[valueRange]), html: true, into: &attributeBytes)
            attributes.append(
                Attribute(
                    name: AttributeName.all[known], start: Int32(valueStart), end: Int32(attributeBytes.count)))
        }
        return (selfClosing, bytes.count)
    }

    /// Where a raw-text element's content ends and the index after its end tag (the input's end when it has none);
    /// `needle` is `</` and the element's name.
    private static func closingTag(
        _ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], from start: Int
    ) -> (contentEnd: Int, end: Int) {
        var i = start
        while let found = find(bytes, needle, from: i) {
            let after = found + needle.count
            if after >= bytes.count || !isNameByte(bytes[after]) || bytes[after] == UInt8(ascii: "/") {
                let close = find(bytes, [UInt8(ascii: ">")], from: after).map { $0 + 1 } ?? bytes.count
                return (found, close)
            }
            i = after
        }
        return (bytes.count, bytes.count)
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: String, at i: Int) -> Bool {
        let pattern = Array(literal.utf8)
        return i + pattern.count <= bytes.count && bytes[i..<(i + pattern.count)].elementsEqual(pattern)
    }

    /// The first position of `pattern` at or after `start`, ASCII letters compared case-insensitively. The first
    /// byte is not a letter (`<`, `-`, `>`), so one `memchr` finds each candidate and the search is linear.
    private static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8], from start: Int) -> Int? {
        guard let base = bytes.baseAddress, let first = pattern.first else { return nil }
        precondition(first | 0x20 &- UInt8(ascii: "a") >= 26, "the pattern starts with a letter")
        var i = start
        while i + pattern.count <= bytes.count, let found = memchr(base + i, Int32(first), bytes.count - i) {
            let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard at + pattern.count <= bytes.count else { return nil }
            if (1..<pattern.count).allSatisfy({ sameFolded(bytes[at + $0], pattern[$0]) }) { return at }
            i = at + 1
        }
        return nil
    }

    private static func sameFolded(_ byte: UInt8, _ expected: UInt8) -> Bool {
        expected | 0x20 &- UInt8(ascii: "a") < 26 ? byte | 0x20 == expected | 0x20 : byte == expected
    }
}
