import Foundation
import Testing
@testable import Winnow

/// The HTML tree builder on tag soup, and `extract` on pages of the kinds the web is made of.
@Suite struct HTMLTreeTests {
    /// The tree as nested names, text nodes as their text: `p(a) p(b)`.
    static func shape(_ html: String) -> String {
        let tree = HTMLTree(html)
        func render(_ index: Int32) -> String {
            var parts: [String] = []
            var child = tree.nodes[Int(index)].firstChild
            while child >= 0 {
                let node = tree.nodes[Int(child)]
                parts.append(
                    node.isText
                        ? tree.text(of: node)
                        : node.firstChild < 0 ? tree.name(of: node) : "\(tree.name(of: node))(\(render(child)))")
                child = node.nextSibling
            }
            return parts.joined(separator: " ")
        }
        return render(0)
    }

    @Test(arguments: [
        ("<p>a<p>b", "p(a) p(b)"),
        ("<p>a<div>b</div>c</p>", "p(a) div(b) c"),
        ("<ul><li>a<li>b</ul>x", "ul(li(a) li(b)) x"),
        ("<table><tr><td>a<td>b<tr><td>c</table>", "table(tr(td(a) td(b)) tr(td(c)))"),
        ("<dl><dt>t<dd>d<dt>u</dl>", "dl(dt(t) dd(d) dt(u))"),
        ("<select><option>a<option>b</select>", "select(option(a) option(b))"),
        ("<h1>a<h2>b</h2>", "h1(a) h2(b)"),
        ("<div>a</span></b>b</div>", "div(ab)"),
        ("<div><b>a<i>b</div>c", "div(b(a i(b))) c"),
        ("a<br>b<br/>c<img src=x>d", "a br b br c img d"),
        ("<script>if (a<b) { x = '</p>' }</script>t", "script t"),
        ("<style>p{}</style><!-- <p>x</p> --><!DOCTYPE html><?xml x?>t", "style t"),
        ("<textarea><b>raw</b></textarea>", "textarea(<b>raw</b>)"),
        ("<p>AT&amp;T &eacute;&#233;&#x20AC; &copy 5 < 6</p>", "p(AT&T éé€ © 5 < 6)"),
        ("<div class='a' id=b data-x=\"y>z\">t</div>", "div(t)"),
        ("<div>unclosed<p>para", "div(unclosed p(para))"),
        ("<a href=1>x<a href=2>y</a>", "a(x) a(y)"),
        // Names in any case; a page's own elements (custom, longer than any known name) are told apart.
        ("<DIV>a</Div>b<BlockQuote>c</blockquote>", "div(a) b blockquote(c)"),
        ("<x-a><x-b>t</x-a>u<x-b>v</x-b>", "x-a(x-b(t)) u x-b(v)"),
        ("<some-very-long-element-name>t</SOME-VERY-LONG-ELEMENT-NAME>u", "some-very-long-element-name(t) u"),
    ])
    func tagSoupReadsAsBrowsersReadIt(html: String, expected: String) {
        #expect(Self.shape(html) == expected)
    }

    @Test func attributesAreReadWithEveryQuoting() {
        let tree = HTMLTree(#"<div CLASS="Story body" id='main' role=main hidden><p lang=de>x</div>"#)
        let div = tree.nodes[1]
        #expect(
            div.is(.div) && tree.attribute(.class, of: div) == "Story body" && tree.attribute(.id, of: div) == "main")
        #expect(tree.attribute(.role, of: div) == "main" && tree.attribute(.hidden, of: div) == "")
        #expect(tree.attribute(.lang, of: tree.nodes[2]) == "de")
        #expect(tree.attribute(.style, of: div) == nil && tree.attribute(.lang, of: div) == nil)
    }

    @Test func theTitleAndLinkedDataAreKept() {
        let tree = HTMLTree(
            #"<head><title>A &amp; B</title><script type="application/ld+json">{"datePublished": "2024-01-02"}</script></head>"#
        )
        #expect(tree.title == "A & B")
        #expect(tree.linkedData == [#"{"datePublished": "2024-01-02"}"#])
    }

    @Test func deepNestingAndHugePagesAreReadWithoutRecursion() {
        let nested =
            String(repeating: "<div>", count: 100_000) + "deep text" + String(repeating: "</div>", count: 100_000)
        let tree = HTMLTree(nested)
        #expect(tree.nodes.count == 100_002)
        let unclosed = String(repeating: "<div><span>", count: 50_000) + "x" + String(repeating: "</p>", count: 50_000)
        #expect(HTMLTree(unclosed).nodes.count == 100_002)
        // Extraction walks the same trees without recursing.
        _ = ContentExtractor().extract(nested)
        let paragraph = "<p>" + String(repeating: "A sentence of the article, with a comma. ", count: 20) + "</p>"
        let big = "<html><body><article>" + String(repeating: paragraph, count: 12_500) + "</article></body></html>"
        #expect(big.utf8.count > 10_000_000)
        let result = ContentExtractor().extract(big)
        #expect(result.blocksKept == 12_500)
    }

    @Test func randomTagSoupNeverCrashesAndOnlyKeepsItsOwnWords() {
        var random = SeededGenerator(seed: 22)
        let pieces = [
            "<p>", "</p>", "<div class=\"content\">", "<div class='nav'>", "</div>", "<li>", "<ul>", "</ul>", "<table>",
            "<td>", "<tr>", "</table>", "<a href=x>", "</a>", "<script>", "</script>", "<!--", "-->", "<br>", "<h2>",
            "</h2>", "&amp;", "&#", "<", ">", "\"", "'", "=", "<textarea>", "</textarea>", "<title>", "<pre>", "</pre>",
            " ", "\n", "word", "Wort", "слово", "كلمة", ",", ".",
        ]
        for _ in 0..<300 {
            let html = (0..<Int.random(in: 1...200, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            let result = ContentExtractor().extract(html)
            let allowed = Set(html.unicodeScalars).union(["&", "\n", " "])
            #expect(result.text.unicodeScalars.allSatisfy { allowed.contains($0) }, "\(html)")
        }
    }
}

@Suite struct ExtractStageTests {
    /// Class and id words: furniture words anywhere in a name, short ones only as a whole word, and the weakest
    /// (`top`, `tabs`) only as a whole class name without a content word beside it.
    @Test func classWordsSayFurnitureOrContent() {
        let cases: [(String, Int)] = [
            ("site-footer", -1), ("textwidget", -1), ("nav-main", -1), ("ad-slot", -1), ("inside", 0),
            ("top", -1), ("top-description", 0), ("post_box top", 1), ("tabs", -1), ("tab-content", 1),
            ("card", 0), ("card-body", 1), ("jump", -1), ("jumpto-links", -1), ("jumplage", 0),
            ("entry-content", 1), ("article-body sidebar", -1),
        ]
        for (words, expected) in cases {
            #expect(ContentExtractor.wordEvidence(words) == expected, "\(words)")
        }
    }

    static let story = [
        "The council voted on Tuesday to rebuild the old harbour wall, which storms damaged twice last winter, and to open it to walkers.",
        "Work starts in March, the engineers said, and the first stretch of the new wall should stand before the autumn tides arrive.",
        "Fishermen, who had asked for the repair for years, welcomed the decision but warned that the budget, set at four million, is tight.",
        "The mayor said the town would seek further money from the region if the costs rose, as they did with the bridge in 2019.",
    ]

    static func page(
        body: String, head: String = "<title>Harbour wall to be rebuilt</title>", lang: String = "en"
    ) -> String {
        "<!DOCTYPE html><html lang=\"\(lang)\"><head>\(head)</head><body>\(body)</body></html>"
    }

    static let navigation = """
        <header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
        """
    static let sidebar = """
        <aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Ten things to do in the valley this weekend</a></li>
        <li><a href="/b">Why the ferry timetable changed again this spring</a></li></ul>
        <div class="widget"><p>Advertise with us: reach forty thousand readers every week, in print and online, from one price.</p></div></aside>
        """
    static let shareBar =
        ##"<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Email</a></div>"##
    static let cookieBanner = """
        <div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience on our website, to analyse traffic and to show personalised adverts.</p><button>Accept all</button></div>
        """
    static let comments = """
        <section id="comments" class="comments-area"><h3>3 comments</h3>
        <div class="comment"><p>Finally! I have been waiting for this repair for a decade, and my father before me waited too.</p></div>
        <div class="comment"><p>Four million is far too much for a wall, the council should have asked the fishermen first, honestly.</p></div>
        <form class="comment-form"><p>Leave a reply</p><textarea></textarea></form></section>
        """
    static let footer =
        #"<footer class="site-footer"><p>© 2024 Harbour Gazette. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>"#

    static func articlePage() -> String {
        page(
            body: navigation + cookieBanner
                + "<div class=\"layout\"><main><article class=\"post\"><h1>Harbour wall to be rebuilt</h1>"
                + shareBar + story.map { "<p>\($0)</p>" }.joined() + shareBar + "</article>" + comments + "</main>"
                + sidebar + "</div>" + footer)
    }

    static func extract(
        _ html: String, _ configure: (inout ExtractStage.Configuration) -> Void = { _ in }
    ) -> (Verdict, Document) {
        var configuration = ExtractStage.Configuration.defaults
        configure(&configuration)
        var document = Document(id: "p", text: html, source: SourceLocation(file: "t", line: 1))
        document.scratch.isMarkup = true
        let verdict = ExtractStage(configuration: configuration).process(&document)
        return (verdict, document)
    }

    @Test func anArticleKeepsItsStoryAndLosesTheFurniture() {
        let (verdict, document) = Self.extract(Self.articlePage())
        #expect(verdict == .keep)
        #expect(
            document.text == (["Harbour wall to be rebuilt"] + Self.story).joined(separator: "\n"), "\(document.text)")
        #expect(document.fields["title"] == .string("Harbour wall to be rebuilt"))
        guard case .object(let report)? = document.fields["extract"] else { Issue.record("no extract field"); return }
        #expect(report["blocks_kept"] == .int(5))
        #expect((report["blocks_dropped"]?.intValue ?? 0) >= 10)
    }

    @Test func keepAndExplainChangeWhatIsKeptAndSayWhy() {
        let (_, withComments) = Self.extract(Self.articlePage()) { $0.keep = ["title", "comments"] }
        #expect(withComments.text.hasPrefix("Harbour wall to be rebuilt\n\(Self.story[0])"))
        #expect(withComments.text.contains("Finally! I have been waiting"))
        let (_, explained) = Self.extract(Self.articlePage()) { $0.explain = true }
        guard case .object(let report)? = explained.fields["extract"], case .array(let dropped)? = report["dropped"]
        else {
            Issue.record("no dropped list"); return
        }
        let reasons = Dictionary(
            grouping: dropped.compactMap { value -> (String, String)? in
                guard case .object(let block) = value, let text = block["text"]?.stringValue,
                    let reason = block["reason"]?.stringValue
                else { return nil }
                return (text, reason)
            }, by: \.0
        ).mapValues { $0[0].1 }
        #expect(
            reasons["Finally! I have been waiting for this repair for a decade, and my father before me waited too."]
                == "comments")
        #expect(["outside_main_content", "furniture"].contains(reasons["Ten things to do in the valley this weekend"]))
        #expect(reasons.keys.contains { $0.contains("Share on Facebook") })
    }

    @Test func aPageInARightToLeftScriptIsReadAsAnyOther() {
        let paragraphs = [
            "قرر المجلس البلدي يوم الثلاثاء إعادة بناء جدار الميناء القديم، الذي تضرر مرتين خلال الشتاء الماضي، وفتحه أمام المشاة.",
            "ويبدأ العمل في شهر مارس، بحسب المهندسين، على أن يكتمل الجزء الأول من الجدار الجديد قبل وصول مد الخريف.",
            "ورحب الصيادون بالقرار، لكنهم حذروا من أن الميزانية المحددة بأربعة ملايين محدودة، وأن التكاليف قد ترتفع.",
        ]
        let html = Self.page(
            body: Self.navigation + "<div dir=\"rtl\" class=\"article-body\">"
                + paragraphs.map { "<p>\($0)</p>" }.joined() + "</div>" + Self.footer,
            head: "<title>جدار الميناء</title>", lang: "ar")
        let (verdict, document) = Self.extract(html)
        #expect(verdict == .keep && document.text == paragraphs.joined(separator: "\n"))
        #expect(document.metadata["lang"] == .string("ar"))
    }

    @Test func aForumPostAndAProductPageKeepTheirText() {
        let posts = (1...3).map { number in
            "<div class=\"post-message\"><div class=\"username\"><a href=\"/u\(number)\">user\(number)</a></div><p>\(Self.story[number])</p></div>"
        }.joined()
        let (forumVerdict, forum) = Self.extract(
            Self.page(body: Self.navigation + "<div class=\"thread\">" + posts + "</div>" + Self.footer))
        #expect(forumVerdict == .keep)
        #expect(Self.story[1...3].allSatisfy { forum.text.contains($0) } && !forum.text.contains("Privacy"))
        let product = """
            <div class="product-detail"><h1>Harbour Lamp</h1><p>A brass lamp made in the old harbour workshop, with a glass shade blown by hand, for indoor and outdoor use.</p>
            <ul><li>Height: 42 cm, weight 2.1 kg, brass and glass</li><li>Bulb: E27, up to 60 W, not included in the box</li></ul>
            <p>Each lamp is numbered and signed by the maker, and the brass darkens slowly, as old ship lamps do, unless it is polished.</p></div>
            """
        let (productVerdict, page) = Self.extract(
            Self.page(body: Self.navigation + product + Self.sidebar + Self.footer))
        #expect(productVerdict == .keep)
        #expect(
            page.text.contains("A brass lamp made") && page.text.contains("Height: 42 cm")
                && !page.text.contains("Most read"))
    }

    @Test func pagesWithoutMainContentAreDropped() {
        let navigationOnly = Self.page(body: Self.navigation + Self.footer)
        #expect(Self.extract(navigationOnly).0 == .drop(reason: "no_main_content"))
        // A hub page: a paginated list of links to stories.
        let links = (1...30).map {
            "<li><a href=\"/story/\($0)\">Story number \($0) about the harbour and the valley towns</a></li>"
        }.joined()
        let hub = Self.page(
            body: Self.navigation + "<ul class=\"story-list\">" + links
                + "</ul><div class=\"pagination\"><a href=\"?page=2\">Next page</a></div>" + Self.footer)
        #expect(Self.extract(hub).0 == .drop(reason: "no_main_content"))
        // A form and nothing else.
        let form = Self.page(
            body:
                "<form><label>Name</label><input name=n><label>Email address</label><input name=e><button>Send</button></form>"
        )
        #expect(Self.extract(form).0 == .drop(reason: "no_main_content"))
    }

    @Test func thePagesMetadataGoesToMetadata() {
        let head = """
            <title>Harbour wall to be rebuilt | Gazette</title><meta name="description" content="The council votes to rebuild the wall.">
            <link rel="canonical" href="https://gazette.example/harbour-wall"><meta property="article:published_time" content="2024-03-05T10:00:00Z">
            """
        let (_, document) = Self.extract(
            Self.page(
                body: "<article>" + Self.story.map { "<p>\($0)</p>" }.joined() + "</article>", head: head, lang: "en-GB"
            ))
        #expect(document.metadata["title"] == .string("Harbour wall to be rebuilt | Gazette"))
        #expect(document.metadata["description"] == .string("The council votes to rebuild the wall."))
        #expect(document.metadata["canonical_url"] == .string("https://gazette.example/harbour-wall"))
        #expect(document.metadata["date"] == .string("2024-03-05T10:00:00Z"))
        #expect(document.metadata["lang"] == .string("en-GB"))
        // The date from <time>, else from JSON-LD.
        let timed = ContentExtractor.metadata(
            of: HTMLTree("<article><time datetime=\"2023-01-02\">2 Jan</time></article>"))
        #expect(timed["date"] == .string("2023-01-02"))
        let linked = ContentExtractor.metadata(
            of: HTMLTree(
                #"<script type="application/ld+json">{"@type": "NewsArticle", "datePublished" : "2022-07-08"}</script>"#
            ))
        #expect(linked["date"] == .string("2022-07-08"))
    }

    @Test func plainTextPassesUnchanged() {
        var document = Document(
            id: "t", text: "Just text, no markup at all.", source: SourceLocation(file: "t", line: 1))
        #expect(ExtractStage().process(&document) == .keep)
        #expect(document.text == "Just text, no markup at all." && document.fields["extract"] == nil)
    }

    @Test func decodeLeavesHTMLForExtractAndExtractMustFollowDecode() throws {
        let pipeline = try Pipeline.parse(
            "version: 1\nstages:\n  - decode: {}\n  - extract: {}\n  - clean: {}\n", file: "p.yaml")
        #expect(pipeline.decode.leavesMarkup)
        #expect(!(try Pipeline.parse("version: 1\nstages:\n  - clean: {}\n", file: "p.yaml")).decode.leavesMarkup)
        #expect {
            try Pipeline.parse("version: 1\nstages:\n  - clean: {}\n  - extract: {}\n", file: "p.yaml")
        } throws: {
            "\($0)".contains("extract must come right after decode") && "\($0)".contains("p.yaml:4")
        }
        #expect {
            try Pipeline.parse("version: 1\nstages:\n  - extract: {keep: [sidebars]}\n", file: "p.yaml")
        } throws: { "\($0)".contains("unknown kinds") }
    }

    @Test func theWebPipelineRunsAsItIsOnTheSampleCrawl() throws {
        let result = try TestSupport.runWinnow(["run", "Pipelines/web.yaml", "--no-progress"])
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        let records = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        #expect(records.count == 3)
        // The HTML response went through extract; the WET conversions are text and pass as they are.
        #expect(records.filter { $0.contains(#""extract":{"chars_in""#) }.count == 1)
        #expect(!records.contains { $0.contains("<p>") || $0.contains("</") })
    }

    @Test func aWARCResponseRunsStraightIntoExtract() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = Array(Self.articlePage().utf8)
        let http =
            Array(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(html.count)\r\n\r\n"
                    .utf8) + html
        let record =
            Array(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://gazette.example/harbour-wall\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: \(http.count)\r\n\r\n"
                    .utf8) + http + Array("\r\n\r\n".utf8)
        TestSupport.write(
            TestSupport.gzip(String(decoding: record, as: UTF8.self)),
            to: directory.appendingPathComponent("pages.warc.gz"))
        try "version: 1\nstages:\n  - decode: {format: warc}\n  - extract: {}\n".write(
            to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let result = try TestSupport.runWinnow([
            "run", directory.appendingPathComponent("p.yaml").path,
            directory.appendingPathComponent("pages.warc.gz").path, "--no-progress",
        ])
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        var parser = JSONParser()
        let record0 = try parser.parse(String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .newlines))
        guard case .object(let output) = record0 else { Issue.record("not an object"); return }
        #expect(output["text"]?.stringValue == (["Harbour wall to be rebuilt"] + Self.story).joined(separator: "\n"))
        #expect(output["title"]?.stringValue == "Harbour wall to be rebuilt")
    }
}
