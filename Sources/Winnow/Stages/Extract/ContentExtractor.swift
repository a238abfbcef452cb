import Foundation

/// Finds a page's main content in its `HTMLTree` and keeps it as text, one block a line.
///
/// 1. **Blocks.** The tree is cut into blocks at block elements (`p`, `div`, `li`, `h1`–`h6`, `td`, `pre`,
///    `blockquote` …) and `<br>`; each block knows its text (white space collapsed outside `pre`), how much of it is
///    link text, its element and that element's evidence. Hidden elements and those that never hold content
///    (`script`, `style`, `nav`, `form` controls, `svg` …) are skipped whole.
/// 2. **Evidence.** An element's class, id, role and itemprop words (and its tag: `article`, `main` vs `nav`,
///    `aside`, `footer`) say content (`article`, `content`, `post`, `entry`, `story`, `body`, `text`) or furniture
///    (`nav`, `menu`, `footer`, `sidebar`, `comment`, `share`, `social`, `related`, `cookie`, `breadcrumb`,
///    `banner`, `widget`, `ad` …).
/// 3. **The container.** As Readability scores it: each paragraph of at least 25 characters outside links gives
///    1 + its commas + up to 3 for its length to its parent, half to its grandparent and a third above; an
///    element's score is that plus its tag's and evidence's weight, times one minus its link density. The best
///    element is the content, with the siblings that score at least a fifth of it (a story split into several
///    `div`s), and its ancestors up while the parent holds nearly all the good text.
/// 4. **Inside it**, blocks go when their element or an element between them and the container is furniture,
///    when they are mostly links, or when they are of a kind `keep` leaves out (headings, lists, tables,
///    comments). `favor` moves the thresholds: `precision` drops more of the uncertain blocks, `recall` keeps more.
public struct ContentExtractor: Sendable {
    /// How the extractor trades precision for recall.
    public enum Favor: String, ChoiceOption {
        case precision, balanced, recall
    }

    /// What kinds of blocks are kept besides paragraphs.
    struct Keep: Sendable, Equatable {
        var title = false, headings = true, lists = true, tables = true, comments = false
    }

    /// One dropped block, for `explain`.
    struct DroppedBlock: Equatable {
        var text: String
        var score: Double
        var reason: String
    }

    /// What the extractor found.
    struct Result {
        var text: String
        /// Characters of the page's text (all its blocks).
        var charsIn = 0
        var title: String?
        var blocksKept = 0
        var blocksDropped = 0
        var dropped: [DroppedBlock] = []
        /// Page metadata found in the head (`title`, `lang`, `description`, `canonical_url`, `date`).
        var metadata: JSONObject = [:]
    }

    var favor: Favor = .balanced
    var keep = Keep()
    var explain = false
    /// Clean's phrase lists and rules: a block that is a cookie notice, a share prompt, a copyright line… scores
    /// against its container and is dropped.
    let boilerplate = BoilerplateMatcher(families: Set(BoilerplateFamily.allCases))

    // MARK: - Vocabulary

    static let skippedElements: [HTMLTag] = [
        .script, .style, .template, .svg, .math, .iframe, .object, .embed, .canvas, .button, .select, .input,
        .textarea, .head, .nav, .noembed, .noframes, .dialog, .map, .video, .audio, .picture, .figcaption,
    ]
    static let blockElements: [HTMLTag] = [
        .p, .div, .section, .article, .main, .header, .footer, .aside, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li, .dl,
        .dt, .dd, .table, .thead, .tbody, .tfoot, .tr, .td, .th, .caption, .blockquote, .pre, .figure, .figcaption,
        .address, .hr, .br, .form, .fieldset, .legend, .center, .details, .summary, .body, .html, .menu, .hgroup,
        .option,
    ]
    /// Words of class, id, role and itemprop that mark furniture wherever they stand in a word (`textwidget`,
    /// `site-footer`, `commentlist`).
    static let furnitureParts: [String] = [
        "menu", "footer", "sidebar", "comment", "disqus", "share", "sharing", "social", "related", "recommend",
        "cookie",
        "consent", "gdpr", "breadcrumb", "banner", "widget", "advert", "sponsor", "promo", "newsletter", "subscribe",
        "signup", "login", "popup", "modal", "masthead", "toolbar", "pagination", "navbar", "navigation", "outbrain",
        "taboola", "trending", "copyright", "tagcloud",
    ]
    /// Words that mark furniture at the start of a word (`nav-main`, `sidebar`; not `inside`).
    static let furniturePrefixes: [String] = [
        "nav", "foot", "side", "aside", "pager", "tags", "taglist", "byline", "meta", "author", "rating", "more",
        "print", "skip", "popular", "follow", "jumpto", "jumplink", "overlay", "secondary", "tertiary", "complementary",
        "register",
        "account", "password", "error", "alert", "notice", "notification", "dialog", "spons", "lnkrel", "search",
        "slide",
        "carousel", "ticker", "marquee",
    ]
    /// Words used exactly (too short to be prefixes), wherever they stand in a class or id (`ad-slot`, `hdr_wrap`).
    static let furnitureExactWords = ["ad", "ads", "adv", "hdr", "login", "jump"]
    /// Whole class names or ids that mark furniture, though as parts of one they do not (`top`, not
    /// `top-description`), and only when no content word stands beside them
    /// (`class="post_box top"` is a post).
    static let furnitureNames = ["top", "bottom", "links", "extra", "tools", "tab", "tabs"]
    static let contentWords: [String] = [
        "article", "content", "post", "entry", "story", "main", "body", "text", "blog", "hentry", "artikel", "inhalt",
        "beitrag", "news-detail",
    ]

    /// An element's evidence: positive for content, negative for furniture, 0 for none. `words` gives the evidence
    /// of a class or id value's bytes (`wordEvidence`, or a memo of it).
    static func evidence(
        of node: HTMLTree.Node, in tree: HTMLTree,
        words: (ArraySlice<UInt8>) -> Int = { wordEvidence($0) }
    ) -> Int {
        switch HTMLTag(rawValue: node.tag) {
        case .article, .main: return 2
        case .aside, .footer, .nav, .menu, .form: return -2
        default: break
        }
        var result = 0
        for attribute in tree.attributes[Int(node.start)..<Int(node.end)] {
            let value = tree.attributeBytes[Int(attribute.start)..<Int(attribute.end)]
            switch attribute.name {
            case .itemprop: if value.lazy.map(HTMLTree.asciiLowercased).elementsEqual("articlebody".utf8) { return 3 }
            case .role:
                if value.elementsEqual("main".utf8) { return 2 }
                if roleWords.contains(where: { value.elementsEqual($0) }) { return -2 }
            case .class, .id: break
            default: continue
            }
            guard !value.isEmpty else { continue }
            let evidence = words(value)
            if evidence < 0 { return -1 }
            result = max(result, evidence)
        }
        return result
    }

    /// ARIA roles of furniture.
    private static let roleWords = ["navigation", "contentinfo", "complementary", "banner", "menu"].map {
        Array($0.utf8)
    }

    // Compared in place, not hashed: a few short words cost less than hashing a copy of each word.
    private static let exactWordIndex = WordIndex(furnitureExactWords)
    private static let nameBytes = furnitureNames.map { Array($0.utf8) }
    private static let prefixIndex = WordIndex(furniturePrefixes)
    private static let partIndex = WordIndex(furnitureParts)
    private static let contentIndex = WordIndex(contentWords)

    /// Words by their first byte, so that a class word is compared only with those that start as it does at a
    /// place (comparing each word with all 40 prefixes and at each place with all 35 parts was ≈ 8% of `extract`).
    private struct WordIndex {
        private let byFirstByte: [[[UInt8]]]

        init(_ words: [String]) {
            var byFirstByte = [[[UInt8]]](repeating: [], count: 256)
            for word in words { byFirstByte[Int(word.utf8.first!)].append(Array(word.utf8)) }
            self.byFirstByte = byFirstByte
        }

        /// Whether one of the words starts at `start` in `word` (and ends by its end, or exactly there).
        func starts(_ word: ArraySlice<UInt8>, at start: Int, exactly: Bool = false) -> Bool {
            byFirstByte[Int(word[start])].contains { candidate in
                let end = start + candidate.count
                return (exactly ? end == word.endIndex : end <= word.endIndex)
                    && word[start..<end].elementsEqual(candidate)
            }
        }

        /// Whether one of the words occurs in `word`.
        func occurs(in word: ArraySlice<UInt8>) -> Bool { word.indices.contains { starts(word, at: $0) } }
    }

    /// The evidence of class and id words (ASCII lower-cased; a word is a run of letters and digits): −1 when one
    /// is furniture, else 1 when one is content, else 0.
    static func wordEvidence(_ words: String) -> Int { wordEvidence(ArraySlice(words.utf8)) }

    /// `wordEvidence` on the value's bytes. (Foundation's `contains` on substrings made this 40% of extract's time.)
    static func wordEvidence(_ value: ArraySlice<UInt8>) -> Int {
        var bytes = Array(value)
        for index in bytes.indices { bytes[index] = HTMLTree.asciiLowercased(bytes[index]) }
        var positive = false
        var weakFurniture = false
        var nameStart = 0
        for end in 0...bytes.count where end == bytes.count || HTMLTree.isSpace(bytes[end]) {
            let name = bytes[nameStart..<end]
            if !weakFurniture { weakFurniture = nameBytes.contains { name.elementsEqual($0) } }
            nameStart = end + 1
        }
        var start = 0
        while start < bytes.count {
            while start < bytes.count, !isWordByte(bytes[start]) { start += 1 }
            var end = start
            while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
            guard end > start else { break }
            let word = bytes[start..<end]
            if exactWordIndex.starts(word, at: start, exactly: true) || prefixIndex.starts(word, at: start)
                || partIndex.occurs(in: word)
            {
                return -1
            }
            if !positive { positive = contentIndex.starts(word, at: start) }
            start = end
        }
        return positive ? 1 : weakFurniture ? -1 : 0
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte >= 0x80
    }

    /// Whether `part` occurs in `word`. Class words are a few bytes: this loop beats a `memmem` call
    /// (`UTF8Bytes.contains`) there — extract 1.36 against 1.44 core-seconds on the dev pages.
    private static func contains(_ word: ArraySlice<UInt8>, _ part: [UInt8]) -> Bool {
        guard word.count >= part.count else { return false }
        var start = word.startIndex
        while start + part.count <= word.endIndex {
            if word[start] == part[0] && word[start..<(start + part.count)].elementsEqual(part) { return true }
            start += 1
        }
        return false
    }

    static func isHidden(_ node: HTMLTree.Node, in tree: HTMLTree) -> Bool {
        // Not aria-hidden: sites put it on visible wrappers (an off-canvas layout) as often as on decoration.
        guard node.end > node.start else { return false }
        if tree.attributeRange(.hidden, of: node) != nil { return true }
        guard let style = tree.attributeRange(.style, of: node) else { return false }
        let bytes = ArraySlice(
            tree.attributeBytes[style].compactMap { $0 == 0x20 ? nil : HTMLTree.asciiLowercased($0) })
        return contains(bytes, hiddenStyles[0]) || contains(bytes, hiddenStyles[1])
    }

    private static let hiddenStyles = [Array("display:none".utf8), Array("visibility:hidden".utf8)]

    // MARK: - Blocks

    /// A run of text between block boundaries.
    struct Block {
        var text: String
        var chars: Int
        var linkChars: Int
        /// The nearest block element holding it.
        var element: Int32
        var kind: Kind
        var commas: Int

        enum Kind { case paragraph, heading, listItem, cell, preformatted }
        var linkDensity: Double { chars == 0 ? 0 : Double(linkChars) / Double(chars) }
    }

    /// Cuts the tree into blocks in document order.
    static func blocks(of tree: HTMLTree) -> [Block] {
        var cutter = BlockCutter()
        tree.textBytes.withUnsafeBufferPointer { text in
            tree.nodes.withUnsafeBufferPointer { nodes in cutter.walk(tree, nodes, text) }
        }
        return cutter.blocks
    }

    /// The walk that cuts blocks: down and up the tree by its child and sibling links (no stack of nodes, no list
    /// of children), with the block being written and the elements that own blocks.
    private struct BlockCutter {
        var blocks: [Block] = []
        var buffer: [UInt8] = []
        var chars = 0, linkChars = 0, commas = 0
        var pendingSpace = false
        /// The open block-owning elements with their kinds; the last owns the block being written.
        var owners: [(element: Int32, kind: Block.Kind)] = [(0, .paragraph)]
        var linkDepth = 0, preDepth = 0

        mutating func flush() {
            if chars > 0 {
                let owner = owners[owners.count - 1]
                blocks.append(
                    Block(
                        text: String(decoding: buffer, as: UTF8.self), chars: chars, linkChars: linkChars,
                        element: owner.element, kind: owner.kind, commas: commas))
            }
            buffer.removeAll(keepingCapacity: true)
            (chars, linkChars, commas, pendingSpace) = (0, 0, 0, false)
        }

        mutating func walk(
            _ tree: HTMLTree, _ nodes: UnsafeBufferPointer<HTMLTree.Node>, _ text: UnsafeBufferPointer<UInt8>
        ) {
            var index = 0
            while true {
                let node = nodes[index]
                var entered = false
                if node.isText {
                    add(UnsafeBufferPointer(rebasing: text[Int(node.start)..<Int(node.end)]))
                } else if index == 0 || !(node.flags.contains(.skipped) || isHidden(node, in: tree)) {
                    enter(index, node.flags)
                    entered = true
                }
                if entered && node.firstChild >= 0 {
                    index = Int(node.firstChild)
                    continue
                }
                if entered { leave(node.flags) }
                // On to the next sibling, leaving the elements whose last child this was.
                while index != 0 && nodes[index].nextSibling < 0 {
                    index = Int(nodes[index].parent)
                    leave(nodes[index].flags)
                }
                guard index != 0 else { break }
                index = Int(nodes[index].nextSibling)
            }
            flush()
        }

        mutating func enter(_ index: Int, _ flags: HTMLTree.TagFlags) {
            if flags.contains(.block) {
                flush()
                if !flags.contains(.lineBreak) {
                    // A block inside a list item, cell or heading is of its kind.
                    let kind: Block.Kind =
                        flags.contains(.heading)
                        ? .heading
                        : flags.contains(.listItem)
                            ? .listItem
                            : flags.contains(.cell)
                                ? .cell
                                : flags.contains(.preformatted) ? .preformatted : owners[owners.count - 1].kind
                    owners.append((Int32(index), kind))
                }
            }
            if flags.contains(.link) { linkDepth += 1 }
            if flags.contains(.preformatted) { preDepth += 1 }
        }

        mutating func leave(_ flags: HTMLTree.TagFlags) {
            if flags.contains(.link) { linkDepth -= 1 }
            if flags.contains(.preformatted) { preDepth -= 1 }
            if flags.contains(.block) && !flags.contains(.lineBreak) {
                flush()
                owners.removeLast()
            }
        }

        /// A text node's bytes: white space collapsed outside `pre`, where a line ends a block.
        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            let inLink = linkDepth > 0
            for byte in bytes {
                if HTMLTree.isSpace(byte) && preDepth == 0 {
                    pendingSpace = chars > 0
                    continue
                }
                if preDepth > 0 && byte == 0x0A {
                    flush()
                    continue
                }
                if pendingSpace {
                    buffer.append(0x20)
                    chars += 1
                    if inLink { linkChars += 1 }
                    pendingSpace = false
                }
                buffer.append(byte)
                if byte & 0xC0 != 0x80 {
                    chars += 1
                    if inLink { linkChars += 1 }
                }
                if byte == UInt8(ascii: ",") { commas += 1 }
            }
        }
    }

    // MARK: - Extraction

    /// The main content of `html`.
    func extract(_ html: String) -> Result {
        let tree = HTMLTree(html)
        let nodes = tree.nodes
        let blocks = Self.blocks(of: tree)
        var result = Result(text: "")
        result.charsIn = blocks.reduce(0) { $0 + $1.chars }
        result.metadata = Self.metadata(of: tree)
        result.title = result.metadata["title"]?.stringValue

        // Per element: its evidence, and the characters and link characters of its blocks (summed bottom-up:
        // nodes are in document order, a parent before its children).
        var evidence = [Int](repeating: 0, count: nodes.count)
        var evidenceOfWords: [UInt64: Int] = [:]  // pages repeat their classes: by the hash of the value's bytes
        for index in nodes.indices where !nodes[index].isText {
            evidence[index] = Self.evidence(of: nodes[index], in: tree) { words in
                let key = words.withUnsafeBufferPointer { ByteHash.of($0, 0..<$0.count) }
                if let known = evidenceOfWords[key] { return known }
                let value = Self.wordEvidence(words)
                evidenceOfWords[key] = value
                return value
            }
        }
        var chars = [Int](repeating: 0, count: nodes.count), linkChars = chars
        for block in blocks {
            chars[Int(block.element)] += block.chars
            linkChars[Int(block.element)] += block.linkChars
        }
        for index in stride(from: nodes.count - 1, to: 0, by: -1) where nodes[index].parent >= 0 {
            chars[Int(nodes[index].parent)] += chars[index]
            linkChars[Int(nodes[index].parent)] += linkChars[index]
        }
        func linkDensity(_ index: Int) -> Double {
            chars[index] == 0 ? 0 : Double(linkChars[index]) / Double(chars[index])
        }

        // Readability's scores: each paragraph scores its parent, grandparent and the element above.
        let minimumParagraph = favor == .recall ? 20 : 25
        var score = [Double](repeating: 0, count: nodes.count)
        var scored = [Bool](repeating: false, count: nodes.count)
        let isBoilerplate = blocks.map { block in
            var text = block.text
            return text.withUTF8 { boilerplate.family(of: $0) } != nil
        }
        for (number, block) in blocks.enumerated()
        where block.kind != .heading && (block.chars - block.linkChars >= minimumParagraph || isBoilerplate[number]) {
            let points =
                (isBoilerplate[number] ? -1 : 1) * (1 + Double(block.commas) + min(Double(block.chars) / 100, 3))
            var element = Int(block.element)
            // A paragraph element gives to the element around it; a div holding text directly counts as one.
            if nodes[element].is(.p) || nodes[element].is(.li) || nodes[element].is(.br) {
                guard nodes[element].parent >= 0 else { continue }
                element = Int(nodes[element].parent)
            }
            var level = 1.0
            while element > 0 && level <= 3 {
                score[element] += points / level
                scored[element] = true
                element = Int(nodes[element].parent)
                level += 1
            }
        }
        // An element marked as content holding much text outside links is a candidate whatever its paragraphs (a
        // post of short lines); one inside furniture (a sidebar that holds a small part of the page) is not.
        let pageGood = Double(chars[0] - linkChars[0])
        var insideFurniture = [Bool](repeating: false, count: nodes.count)
        for index in 1..<nodes.count {
            let parent = Int(nodes[index].parent)
            insideFurniture[index] =
                insideFurniture[parent]
                || (parent > 0 && evidence[parent] < 0 && !nodes[parent].is(.body)
                    && Double(chars[parent] - linkChars[parent]) < pageGood * 0.5)
        }
        for index in nodes.indices
        where evidence[index] > 0 && !nodes[index].isText && chars[index] - linkChars[index] >= 200 {
            score[index] += Double(chars[index] - linkChars[index]) / 100
            scored[index] = true
        }
        var best = -1
        var bestScore = 0.0
        for index in nodes.indices where scored[index] {
            score[index] =
                (score[index] + Self.tagWeight(nodes[index]) + 25 * Double(evidence[index]))
                * (1 - linkDensity(index))
            if insideFurniture[index] || evidence[index] < 0 { score[index] *= 0.2 }
            if score[index] > bestScore { (best, bestScore) = (index, score[index]) }
        }
        guard best > 0 else {
            result.blocksDropped = blocks.count
            if explain {
                result.dropped = blocks.map { DroppedBlock(text: $0.text, score: 0, reason: "no_main_content") }
            }
            return result
        }
        // Up while the parent holds little more good text than the element (the content is split below it).
        var container = best
        // Also up when what the parent adds is prose like the element's, not links (a table of cells, a story in
        // several blocks), up to GROWTH times the text.
        while nodes[container].parent > 0 {
            let parent = Int(nodes[container].parent)
            let good = Double(chars[container] - linkChars[container]),
                parentGood = Double(chars[parent] - linkChars[parent])
            let added = Double(chars[parent] - chars[container]),
                addedLinks = Double(linkChars[parent] - linkChars[container])
            let little = parentGood <= good * (favor == .precision ? 1.1 : 1.25)
            let prose = added > 0 && addedLinks / added < 0.2 && parentGood <= good * 2 && !insideFurniture[parent]
            guard evidence[parent] >= 0, !nodes[parent].is(.body), little || prose else { break }
            container = parent
        }
        // The container's siblings that score well join it.
        var roots = [container]
        if nodes[container].parent >= 0 {
            let threshold = max(10, bestScore * (favor == .recall ? 0.15 : 0.2))
            var sibling = nodes[Int(nodes[container].parent)].firstChild
            roots = []
            while sibling >= 0 {
                let index = Int(sibling)
                let good = chars[index] - linkChars[index]
                if index == container || (score[index] >= threshold && evidence[index] >= 0)
                    || (nodes[index].is(.p) && good > 80 && linkDensity(index) < 0.25)
                    || (good > 150 && linkDensity(index) < 0.15 && evidence[index] >= 0 && !insideFurniture[index])
                {
                    roots.append(index)
                }
                sibling = nodes[index].nextSibling
            }
        }
        // Each node's nearest root, and whether furniture lies between it and that root: an element with furniture
        // evidence that holds a small part of the content's text (a wrapper classed `sidebar-layout` that holds
        // the story is not furniture).
        let rootGood = roots.reduce(0) { $0 + chars[$1] - linkChars[$1] }
        let furnitureShare = favor == .precision ? 0.5 : (favor == .recall ? 0.2 : 0.3)
        var inRoot = [Bool](repeating: false, count: nodes.count)
        var furniture = [Int8](repeating: 0, count: nodes.count)  // 0 none, 1 comments, 2 other furniture
        for root in roots { inRoot[root] = true }
        for index in 1..<nodes.count where !inRoot[index] {
            let parent = Int(nodes[index].parent)
            guard inRoot[parent] else { continue }
            inRoot[index] = true
            furniture[index] = furniture[parent]
            if furniture[index] == 0 && evidence[index] < 0 && !nodes[index].isText
                && Double(chars[index] - linkChars[index]) < Double(rootGood) * furnitureShare
            {
                furniture[index] = Self.isComments(nodes[index], in: tree) ? 1 : 2
            }
        }
        // Comment sections wherever they are (but not a wrapper around the content, `div.has-comments`): with
        // `keep: comments` they are kept, also outside the content.
        var holdsContent = [Bool](repeating: false, count: nodes.count)
        for root in roots {
            var element = root
            while element > 0 && !holdsContent[element] {
                holdsContent[element] = true
                element = Int(nodes[element].parent)
            }
        }
        var inComments = [Bool](repeating: false, count: nodes.count)
        for index in 1..<nodes.count {
            inComments[index] =
                inComments[Int(nodes[index].parent)]
                || (!nodes[index].isText && !holdsContent[index] && evidence[index] < 0
                    && Self.isComments(nodes[index], in: tree))
        }
        let maximumLinkDensity = favor == .precision ? 0.33 : (favor == .recall ? 0.7 : 0.5)
        var reasons = [String?](repeating: nil, count: blocks.count)
        for (number, block) in blocks.enumerated() {
            let element = Int(block.element)
            var reason: String?
            if inComments[element] && !keep.comments {
                reason = "comments"
            } else if !inRoot[element] && !inComments[element] {
                reason = "outside_main_content"
            } else if isBoilerplate[number] {
                reason = "boilerplate"
            } else if inRoot[element] && (furniture[element] == 2 || (furniture[element] == 1 && !keep.comments)) {
                reason = furniture[element] == 1 ? "comments" : "furniture"
            } else if block.linkDensity > maximumLinkDensity && block.chars < 400 {
                reason = "links"
            } else if (block.kind == .heading && !keep.headings) || (block.kind == .listItem && !keep.lists)
                || (block.kind == .cell && !keep.tables)
            {
                reason = "kind"
            }
            reasons[number] = reason
        }
        // A short line that is not a sentence and comes right before a dropped block heads a section of furniture
        // ("Related articles", "Weitere Informationen:"); so do such lines after the last paragraph (credits,
        // "Follow us", a site's name). Measured on the dev pages: precision 0.862 → 0.903, recall 0.920 → 0.908. A
        // line of code or a table cell heads nothing.
        let lastParagraph = blocks.indices.last { reasons[$0] == nil && blocks[$0].chars >= 100 } ?? -1
        for number in blocks.indices
        where reasons[number] == nil && blocks[number].chars < 60 && !Self.endsSentence(blocks[number].text)
            && blocks[number].kind != .preformatted && blocks[number].kind != .cell
        {
            // A heading holds on when kept text follows close behind (a title, a share bar, the story).
            let nextKept =
                blocks[number].kind == .heading ? blocks.indices[(number + 1)...].first { reasons[$0] == nil } : nil
            let headsDropped =
                number + 1 < blocks.count && reasons[number + 1] != nil && (nextKept.map { $0 - number > 3 } ?? true)
            if headsDropped || (lastParagraph >= 0 && number > lastParagraph) { reasons[number] = "section_heading" }
        }
        var kept: [String] = []
        if keep.title, let title = result.title, !title.isEmpty { kept.append(title) }
        for (number, block) in blocks.enumerated() {
            if let reason = reasons[number] {
                result.blocksDropped += 1
                if explain {
                    result.dropped.append(
                        DroppedBlock(
                            text: block.text, score: (score[Int(block.element)] * 100).rounded() / 100, reason: reason))
                }
            } else {
                result.blocksKept += 1
                kept.append(block.text)
            }
        }
        result.text = kept.joined(separator: "\n")
        return result
    }

    /// Whether a line ends as a sentence does (`.`, `!`, `?`, `…`, `。`, a closing quote after one).
    static func endsSentence(_ text: String) -> Bool {
        var last = text.unicodeScalars.reversed().drop {
            $0 == " " || $0 == "\"" || $0 == "”" || $0 == "»" || $0 == "«" || $0 == ")"
        }.makeIterator()
        guard let scalar = last.next() else { return false }
        return ".!?…。！？".unicodeScalars.contains(scalar)
    }

    static func tagWeight(_ node: HTMLTree.Node) -> Double {
        switch HTMLTag(rawValue: node.tag) {
        case .article, .main: 10
        case .div, .section: 5
        case .pre, .td, .blockquote: 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th, .header, .footer, .nav, .aside: -5
        default: 0
        }
    }

    static func isComments(_ node: HTMLTree.Node, in tree: HTMLTree) -> Bool {
        [HTMLTree.AttributeName.class, .id].contains { name in
            guard let value = tree.attributeRange(name, of: node) else { return false }
            let bytes = ArraySlice(tree.attributeBytes[value].map(HTMLTree.asciiLowercased))
            return contains(bytes, Array("comment".utf8)) || contains(bytes, Array("disqus".utf8))
        }
    }

    // MARK: - Metadata

    /// `text` without ASCII white space around it.
    static func trimmed(_ text: String) -> String {
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !HTMLTree.isSpace($0) }),
            let last = bytes.lastIndex(where: { !HTMLTree.isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// `title`, `lang`, `description`, `canonical_url` and `date` from the page's head, when present.
    static func metadata(of tree: HTMLTree) -> JSONObject {
        var metadata: JSONObject = [:]
        var title = tree.title.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var description: String?, canonical: String?, date: String?, lang: String?
        for node in tree.nodes where !node.isText {
            func attribute(_ name: HTMLTree.AttributeName) -> String? { tree.attribute(name, of: node) }
            switch HTMLTag(rawValue: node.tag) {
            case .html:
                lang = lang ?? attribute(.lang).flatMap { $0.isEmpty ? nil : $0 }
            case .meta:
                let key = (attribute(.name) ?? attribute(.property) ?? attribute(.itemprop) ?? "").lowercased()
                guard let value = attribute(.content) else { continue }
                let content = Self.trimmed(value)
                guard !content.isEmpty else { continue }
                switch key {
                case "description", "og:description": description = description ?? content
                case "og:title": if title.isEmpty { title = content }
                case "article:published_time", "datepublished", "date", "pubdate", "publishdate", "dc.date",
                    "dc.date.issued",
                    "dcterms.date", "sailthru.date", "parsely-pub-date", "og:published_time":
                    date = date ?? content
                default: break
                }
            case .link:
                if attribute(.rel)?.lowercased() == "canonical", let href = attribute(.href), !href.isEmpty {
                    canonical = canonical ?? href
                }
            case .time:
                if date == nil, let value = attribute(.datetime), !value.isEmpty { date = value }
            default: break
            }
        }
        if date == nil {
            for data in tree.linkedData {
                guard let range = data.range(of: "\"datePublished\"") else { continue }
                let rest = data[range.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\n" || $0 == "\t" }
                if rest.first == "\"" {
                    let value = rest.dropFirst().prefix { $0 != "\"" }
                    if !value.isEmpty { date = String(value) }
                    break
                }
            }
        }
        if !title.isEmpty { metadata["title"] = .string(title) }
        if let lang { metadata["lang"] = .string(lang) }
        if let description { metadata["description"] = .string(description) }
        if let canonical { metadata["canonical_url"] = .string(canonical) }
        if let date { metadata["date"] = .string(date) }
        return metadata
    }
}
