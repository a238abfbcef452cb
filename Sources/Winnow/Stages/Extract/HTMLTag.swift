/// The elements `HTMLTree` and `ContentExtractor` know by name: HTML's elements and the SVG and MathML ones pages
/// carry inline. A node holds its element as a small number, so the tree builder looks a tag name up once, in a
/// table keyed by its bytes, and nothing after compares or hashes names (making a lower-cased `String` of each tag
/// and hashing it for its flags and open count was ≈ 8% of `extract`). Names outside this list get numbers of their
/// own per page (`HTMLTree.name(of:)`).
enum HTMLTag: UInt16, CaseIterable {
    // 0 is a text node.
    /// The tree's root, above `<html>` (its name, `#root`, is no tag's: a tag name starts with a letter).
    case documentRoot = 1
    case a
    case abbr, acronym, address, applet, area, article, aside, audio, b, base, basefont, bdi, bdo, bgsound, big, blink
    case blockquote, body, br, button, canvas, caption, center, cite, code, col, colgroup, data, datalist, dd, del
    case details, dfn, dialog, dir, div, dl, dt, em, embed, fieldset, figcaption, figure, font, footer, form, frame
    case frameset, h1, h2, h3, h4, h5, h6, head, header, hgroup, hr, html, i, iframe, image, img, input, ins, kbd
    case keygen, label, legend, li, link, listing, main, map, mark, marquee, math, menu, menuitem, meta, meter, nav
    case nobr, noembed, noframes, noscript, object, ol, optgroup, option, output, p, param, picture, plaintext, pre
    case progress, q, rb, rp, rt, rtc, ruby, s, samp, script, search, section, select, slot, small, source, spacer
    case span, strike, strong, style, sub, summary, sup, svg, table, tbody, td, template, textarea, tfoot, th, thead
    case time, title, tr, track, tt, u, ul, `var`, video, wbr, xmp
    // SVG inside `<svg>` (skipped whole, but read).
    case circle, clippath, defs, ellipse, g, line, lineargradient, mask, path, pattern, polygon, polyline
    case radialgradient, rect, stop, symbol, text, tspan, use

    /// The lower-case name.
    var name: String { Self.names[Int(rawValue)] }

    /// Names by raw value (index 0, a text node, is empty).
    static let names: [String] = [""] + allCases.map { $0 == .documentRoot ? "#root" : String(describing: $0) }

    /// What the tree builder and the extractor know of each element, by raw value.
    static let flags: [HTMLTree.TagFlags] = {
        var flags = [HTMLTree.TagFlags](repeating: [], count: names.count)
        func add(_ tags: [HTMLTag], _ flag: HTMLTree.TagFlags) {
            for tag in tags { flags[Int(tag.rawValue)].insert(flag) }
        }
        add(rawText, .rawText)
        add(void, .void)
        add(closesParagraph, .closesParagraph)
        add([.h1, .h2, .h3, .h4, .h5, .h6], .heading)
        add(ContentExtractor.blockElements, .block)
        add(ContentExtractor.skippedElements, .skipped)
        add([.table, .td, .th, .caption, .button, .html, .template], .paragraphScope)
        add([.ul, .ol, .table, .td, .th], .listScope)
        add([.dl, .table, .td], .definitionScope)
        add([.table], .tableScope)
        add([.tr, .table], .rowScope)
        add([.select, .datalist], .selectScope)
        add([.td, .th, .table], .cellScope)
        add([.a], .link)
        add([.pre], .preformatted)
        add([.br, .hr], .lineBreak)
        add([.li, .dd, .dt], .listItem)
        add([.td, .th], .cell)
        return flags
    }()

    /// Elements whose content is raw text up to their end tag.
    static let rawText: [HTMLTag] = [
        .script, .style, .textarea, .title, .xmp, .iframe, .noembed, .noframes, .plaintext,
    ]
    static let void: [HTMLTag] = [
        .area, .base, .br, .col, .embed, .hr, .img, .input, .link, .meta, .param, .source, .track, .wbr, .keygen,
    ]
    /// Start tags that end an open `<p>` (HTML's "close a p element in button scope").
    static let closesParagraph: [HTMLTag] = [
        .address, .article, .aside, .blockquote, .center, .details, .dialog, .dir, .div, .dl, .fieldset, .figcaption,
        .figure, .footer, .form, .h1, .h2, .h3, .h4, .h5, .h6, .header, .hgroup, .hr, .main, .menu, .nav, .ol, .p,
        .pre, .section, .summary, .table, .ul, .li, .dd, .dt,
    ]

    /// A raw-text element's end tag as bytes to search for (`</script`), by raw value.
    static let endTagNeedles: [[UInt8]] = names.map { Array("</\($0)".utf8) }

    // MARK: - Looking names up

    /// Up to 16 bytes of a lower-case name packed into two words, with its length: the key of the table of known names.
    struct Key: Hashable {
        var low: UInt64 = 0, high: UInt64 = 0, count: Int = 0

        /// The key of `bytes` with ASCII letters lower-cased, or nil when the name is longer than 16 bytes.
        init?(lowercasing bytes: UnsafeBufferPointer<UInt8>) {
            guard bytes.count <= 16 else { return nil }
            count = bytes.count
            for (offset, byte) in bytes.enumerated() {
                let lowered = UInt64(byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte)
                if offset < 8 { low |= lowered << (offset * 8) } else { high |= lowered << ((offset - 8) * 8) }
            }
        }

        var place: Int { Int(truncatingIfNeeded: ((low ^ (high &* 31) ^ UInt64(count)) &* Mixer.golden) >> 56) }
    }

    /// An open-addressing table of the known names, 256 places for ≈ 150 names, found by a multiply and a short probe.
    private static let known: [(key: Key, tag: UInt16)?] = {
        var table = [(key: Key, tag: UInt16)?](repeating: nil, count: 256)
        for tag in allCases {
            var bytes = Array(tag.name.utf8)
            let key = bytes.withUnsafeMutableBufferPointer { Key(lowercasing: UnsafeBufferPointer($0))! }
            var place = key.place
            while table[place] != nil { place = (place + 1) & 255 }
            table[place] = (key, tag.rawValue)
        }
        return table
    }()

    /// The known element named by `key`, as a raw value.
    static func lookUp(_ key: Key) -> UInt16? {
        var place = key.place
        while let entry = known[place] {
            if entry.key == key { return entry.tag }
            place = (place + 1) & 255
        }
        return nil
    }
}
