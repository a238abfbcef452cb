/// What the sentence splitter knows about a language: abbreviations, titles that precede names, words that start
/// sentences (to tell "the U.S. How" from "the U.S. Government"), month names (for ordinal dots, "am 3. Oktober"),
/// and the language's own punctuation habits.
struct LanguageRules: Sendable {
    /// Abbreviations without their final dot, lower case (`etc`, `u.s`, `z.b`): a dot after one ends a sentence only
    /// when a sentence starter follows.
    var abbreviations: Set<String> = []
    /// Titles that stand before a name (`mr`, `dr`, `st`): a dot after one never ends a sentence.
    var titles: Set<String> = []
    /// Abbreviations that stand before a number (`p`, `no`, `vol`, `fig`): no sentence ends between them and it.
    var beforeNumbers: Set<String> = []
    /// Abbreviations that end the enumeration they close (`etc`, `usw`, `т.д`): before a capital they end the
    /// sentence.
    var enders: Set<String> = []
    /// Words that begin sentences, lower case (`the`, `he`, `how`).
    var starters: Set<String> = []
    /// Month names, lower case: "3. Oktober" is a date where the language writes ordinal dots.
    var months: Set<String> = []
    /// Whether the language writes ordinal numbers with a dot (de, da, cs, pl, tr, fi, hu, no).
    var ordinalDots = false
    /// Whether `;` is a question mark (Greek).
    var semicolonAsQuestionMark = false
    /// Whether `:` ends sentences as Armenian `։` does (Armenian text writes one for the other).
    var colonAsFullStop = false
    /// Whether a sentence may start in lower case after a dot that ends a word of four or more letters (web text in
    /// English: `…are looking for you. call them`), as the treebanks show (`LearnedSentenceRules`).
    var lowerCaseStartsAfterPeriod = false
    /// Whether a sentence may start in lower case after `?` (`where did you grow up? india?`).
    var lowerCaseStartsAfterQuestion = false
    /// Whether a number of one or two digits with a dot before a capital is an ordinal (`im 2. Weltkrieg`, `1. -3.
    /// Jahrhundert`) rather than the end of a sentence.
    var ordinalsBeforeCapitals = false
    /// Whether a colon before a capital that opens no quotation ends a sentence (`Preço: 18 URVs. Horário: …` in
    /// Portuguese treebanks).
    var colonsBeforeCapitals = false
    /// Whether a dot never ends a sentence (Armenian: its full stop is `։`, and `.` stands for a colon).
    var dotsEndNoSentences = false

    /// What a short ASCII word is (`abbreviation`, `title`, `beforeNumber` bits), keyed by its lower-case bytes
    /// packed into an integer: the splitter's look-up for every dot, without making a string.
    private(set) var packedKinds: [UInt64: UInt8] = [:]
    static let abbreviationBit: UInt8 = 1, titleBit: UInt8 = 2, beforeNumberBit: UInt8 = 4, enderBit: UInt8 = 8

    /// Lower-case ASCII bytes of at most 8 packed into an integer, or nil.
    static func pack<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64? {
        guard bytes.count <= 8 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            let lower = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
            value = value << 8 | UInt64(lower)
        }
        return value
    }

    /// Fills `packedKinds` from the sets.
    mutating func index() {
        packedKinds = [:]
        for (set, bit) in [
            (abbreviations, Self.abbreviationBit), (titles, Self.titleBit), (beforeNumbers, Self.beforeNumberBit),
            (enders, Self.enderBit),
        ] {
            for word in set {
                if let key = Self.pack(word.utf8) { packedKinds[key, default: 0] |= bit }
            }
        }
    }

    /// The union of several languages' rules (for `auto` on Latin script).
    static func union(_ rules: [LanguageRules]) -> LanguageRules {
        var result = LanguageRules()
        for rule in rules {
            result.abbreviations.formUnion(rule.abbreviations)
            result.titles.formUnion(rule.titles)
            result.beforeNumbers.formUnion(rule.beforeNumbers)
            result.enders.formUnion(rule.enders)
            result.starters.formUnion(rule.starters)
            result.months.formUnion(rule.months)
        }
        result.index()
        return result
    }

    private static func words(_ text: String) -> Set<String> { Set(text.split(separator: " ").map(String.init)) }

    private static func make(
        abbreviations: String, titles: String, beforeNumbers: String = "", starters: String, months: String,
        ordinalDots: Bool = false, semicolonAsQuestionMark: Bool = false, colonAsFullStop: Bool = false
    ) -> LanguageRules {
        let numberWords = words(beforeNumbers + " no nr nos p pp vol vols fig figs art ch sec op n° nº n.º s str tel")
        var rules = LanguageRules(
            abbreviations: words(abbreviations), titles: words(titles).subtracting(numberWords),
            beforeNumbers: numberWords,
            enders: words("etc usw т.д т.п itd itp atd apod osv enz ecc κ.λπ vb"), starters: words(starters),
            months: words(months),
            ordinalDots: ordinalDots, semicolonAsQuestionMark: semicolonAsQuestionMark, colonAsFullStop: colonAsFullStop
        )
        rules.index()
        return rules
    }

    /// Rules by ISO 639-1 code: the lists written here with what the treebanks add (`LearnedSentenceRules`).
    static let byLanguage: [String: LanguageRules] = handWritten.reduce(into: [:]) { result, entry in
        var rules = entry.value
        let code = entry.key
        if let learned = LearnedSentenceRules.abbreviations[code] {
            // A learned word that the lists call a title or a number word stays that alone.
            rules.abbreviations.formUnion(words(learned).subtracting(rules.titles).subtracting(rules.beforeNumbers))
        }
        rules.lowerCaseStartsAfterPeriod = LearnedSentenceRules.lowerCaseStartsAfterPeriod.contains(code)
        rules.lowerCaseStartsAfterQuestion = LearnedSentenceRules.lowerCaseStartsAfterQuestion.contains(code)
        if let learned = LearnedSentenceRules.beforeNumbers[code] { rules.beforeNumbers.formUnion(words(learned)) }
        rules.ordinalsBeforeCapitals = LearnedSentenceRules.ordinalsBeforeCapitals.contains(code)
        rules.colonsBeforeCapitals = LearnedSentenceRules.colonsBeforeCapitals.contains(code)
        rules.dotsEndNoSentences = LearnedSentenceRules.dotsEndNoSentences.contains(code)
        rules.index()
        result[code] = rules
    }

    /// The rules written by hand, by ISO 639-1 code.
    private static let handWritten: [String: LanguageRules] = [
        "en": make(
            abbreviations:
                "a.m p.m etc e.g i.e vs viz approx est inc ltd co corp bros dept univ assn assoc avg a.d b.c u.s u.s.a u.k e.u u.n jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun ft lb lbs oz mi km kg cm mm yr yrs hr hrs min sec ave blvd rd hwy ph.d m.d b.a m.a d.c esp cf ibid ed eds al",
            titles:
                "mr mrs ms mx dr prof st mt ft jr sr gen gov sen rep capt col lt sgt maj cmdr adm rev hon pres supt insp messrs mme mlle fr",
            starters:
                "a an the he she it i we you they this that these those there here what when where why how who which however but and so then yet in on at for if as after before while his her its our their my your one some many most all no not meanwhile still also thus later today",
            months: "january february march april may june july august september october november december"),
        "de": make(
            abbreviations:
                "z.b u.a usw bzw d.h u.ä etc vgl ca ggf evtl inkl zzgl bspw sog s.o s.u o.ä i.d.r u.u z.t a.d jh jhd mio mrd tsd std min sek abs nr str tel bd bde kath ev evang röm geb gest verh bzgl chr dgl dt engl frz ital span lat griech hl insb kap max mind od rd spez stellv tägl u.dgl usf v.a v.chr n.chr z.zt zzt zus zw anm bsp dez jan feb apr aug sept okt nov",
            titles: "dr prof hr fr frl st dipl ing mag med jur phil rer nat theol hrn",
            beforeNumbers: "abs bd",
            starters:
                "der die das ein eine er sie es wir ich du ihr man dies diese dieser doch aber und dann denn so nun in im am auf mit nach bei als wenn wie was wer wo warum auch noch heute",
            months: "januar jänner februar märz april mai juni juli august september oktober november dezember",
            ordinalDots: true),
        "fr": make(
            abbreviations:
                "etc cf env av apr j.-c p.ex c.-à-d hab min max ex vol chap éd art bd boul fg sq suiv tél ibid op.cit janv févr avr juil sept oct nov déc",
            titles: "m mm mme mmes mlle mlles dr pr me mgr st ste p pp n° no art fig vve",
            starters:
                "le la les un une il elle on nous vous ils elles je tu ce cette ces c'est mais et donc puis en au dans pour si quand comment pourquoi qui que non oui ensuite alors cependant pourtant enfin aussi ainsi parce depuis après avant selon",
            months: "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"),
        "es": make(
            abbreviations:
                "etc p.ej aprox núm pág págs cap ej vol ee.uu a.c d.c s.a art arts avda admón apdo atte bco cía col coord cta cte dcha dpto esq fdo gral izq máx mín n.º párr párrf prov pza s.l sdad sig tfno ene feb abr jun jul sept sep oct nov dic",
            titles:
                "sr sra srta sres dr dra lic ing prof d dña ud uds vd vds sto sta excmo excma ilmo ilma mons fr sor",
            beforeNumbers: "pág págs núm art arts párr párrf cap tel tfno apdo vol",
            starters:
                "el la los las un una él ella ellos ellas yo tú nosotros usted este esta estos eso pero y entonces en con para si cuando como qué por",
            months: "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre"
        ),
        "it": make(
            abbreviations:
                "ecc ca es pag cap vol a.c d.c s.p.a pagg tel fax artt cfr sec secc s.r.l ca. gen feb mar apr mag giu lug ago set ott nov dic",
            titles:
                "sig sigg sig.ra sig.na dott dott.ssa prof prof.ssa ing avv arch on geom rag mons dir amm gen col cav comm sen dr ill mo egr spett",
            beforeNumbers: "pag n art artt cap pagg tel",
            starters:
                "il lo la i gli le un una egli ella lui lei noi voi loro io tu questo questa ma e poi in con per se quando come che perché",
            months: "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"),
        "pt": make(
            abbreviations: "etc p.ex aprox pág págs cap vol a.c d.c s.a ltda art arts av n.º núm tel obs fig cf",
            titles: "sr sra srta dr dra prof profa eng arq exmo exma v.exa d",
            beforeNumbers: "pág págs art arts núm tel",
            starters:
                "o a os as um uma ele ela eles elas eu tu nós você este esta isso mas e então em com para se quando como que por",
            months: "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"),
        "nl": make(
            abbreviations:
                "enz bijv d.w.z o.a m.a.w i.p.v t.o.v etc ca blz nl resp vnl bv jl jr e.d e.a mln mld m.b.t n.a.v t.a.v zgn",
            titles: "dhr mevr mw dr drs ir ing mr prof st mej",
            beforeNumbers: "blz",
            starters:
                "de het een hij zij ze het wij we ik jij jullie dit dat deze maar en dan toen in op met voor als wanneer hoe wat waarom",
            months: "januari februari maart april mei juni juli augustus september oktober november december"),
        "ru": make(
            abbreviations:
                "т.е т.д т.п т.к т.н др пр см ср напр ок руб коп тыс млн млрд г гг в вв пгт пос дер обл р-н пл пр-т просп наб пер гл ч т.ч зам",
            titles: "гр ул д кв им проф акад доц тов стр с рис п ст пгт пос дер обл просп наб пер",
            starters:
                "он она оно они я мы вы ты это этот эта эти но и а в на с по когда как что почему кто однако также потом затем тогда теперь сейчас здесь там после уже ещё все всё его её их мой наш при из за до для не",
            months:
                "января февраля марта апреля мая июня июля августа сентября октября ноября декабря январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
        ),
        "pl": make(
            abbreviations:
                "itd itp m.in np tj tzn tzw ok godz min r w ww tys mln mld zł gr ul al pl nr str wg ang niem franc łac ros cyt zob poz tab r.",
            titles: "dr prof hab inż mgr lek ks św ul al pl bp abp płk gen kpt por ppor mjr red",
            beforeNumbers: "rys s ss poz nr str tab",
            starters:
                "on ona ono oni one ja my wy ty to ten ta te ale i a w na z po kiedy jak co dlaczego kto jednak także",
            months:
                "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień",
            ordinalDots: true),
        "da": make(
            abbreviations:
                "bl.a ca dvs etc f.eks fx inkl jf kl mht mv o.l osv pga s.u t.o.m ang m.fl m.m nr o.a obs pct stk t.h t.v vedr",
            titles: "hr fr frk dr prof nr s st",
            starters: "den det de en et han hun vi jeg du i man dette men og så da når hvordan hvad hvorfor",
            months: "januar februar marts april maj juni juli august september oktober november december",
            ordinalDots: true),
        "sv": make(
            abbreviations:
                "bl.a ca dvs etc f.d fr.o.m t.o.m m.fl m.m mfl mm o.d osv p.g.a s.k t.ex tex resp ang e.kr f.kr jfr kap m.a.o nr obs sid tel",
            titles: "hr fru frk dr prof nr s st kl",
            starters: "den det de en ett han hon vi jag du ni man detta men och så då när hur vad varför",
            months: "januari februari mars april maj juni juli augusti september oktober november december"),
        "el": make(
            abbreviations: "κ.λπ κ.ά π.χ δηλ π.χ μ.χ π.μ μ.μ αι βλ σημ τηλ χλμ εκ οδ λεωφ",
            titles: "κ κα δρ καθ αρ σελ",
            starters: "ο η το οι τα ένας μια ένα αυτός αυτή αυτό εμείς εγώ αλλά και όταν πώς τι γιατί ποιος",
            months:
                "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου οκτωβρίου νοεμβρίου δεκεμβρίου",
            semicolonAsQuestionMark: true),
        "hy": make(
            abbreviations: "թ թթ դ դդ էջ մ կմ կգ ս տ",
            titles: "ընկ պրոֆ դոկտ",
            starters: "",
            months: "",
            colonAsFullStop: true),
        "cs": make(
            abbreviations: "atd apod tj tzv např resp cca mj popř př kč tis mil mld hod min str odst písm sb zák",
            titles: "dr ing mgr prof doc bc judr mudr phdr rndr sv ul nám",
            beforeNumbers: "č odst písm sb str",
            starters: "on ona ono oni já my vy ty to ten ta ale a v na s po když jak co proč kdo však také",
            months:
                "ledna února března dubna května června července srpna září října listopadu prosince leden únor březen duben květen červen červenec srpen říjen listopad prosinec",
            ordinalDots: true),
        "fi": make(
            abbreviations: "esim ym jne yms ns mm vrt ks klo n noin eaa jaa ts tms ko huom os milj mrd kpl",
            titles: "tri prof maist fil",
            starters: "hän he se ne me minä sinä tämä tuo mutta ja kun jos niin sitten miksi miten mitä",
            months:
                "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta",
            ordinalDots: true),
        "hu": make(
            abbreviations: "pl stb ill ún kb ld vö uo sz évf",
            titles: "dr id ifj özv prof",
            starters: "a az ez egy ő ők mi én te de és ha amikor miért hogyan mit",
            months:
                "január február március április május június július augusztus szeptember október november december január februárja márciusa áprilisa májusa júniusa júliusa augusztusa szeptembere októbere novembere decembere",
            ordinalDots: true),
        "nb": make(
            abbreviations: "bl.a ca dvs etc f.eks mht m.m osv pga s.k",
            titles: "hr fru frk dr prof nr s st kl",
            starters: "den det de en et han hun vi jeg du dere man dette men og så da når hvordan hva hvorfor",
            months: "januar februar mars april mai juni juli august september oktober november desember",
            ordinalDots: true),
        "tr": make(
            abbreviations: "vb vs örn bkz yy yüz s.a a.ş ltd şti cad sok mah apt bul",
            titles: "dr prof doç av sn no s",
            starters: "bu şu o bir ben sen biz siz onlar ama ve fakat çünkü ne nasıl neden kim",
            months: "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
            ordinalDots: true),
    ]

    /// Rules for a language code (`en`, `de`, `eng`…), or nil when there are none.
    static func forLanguage(_ code: String) -> LanguageRules? {
        let lowered = code.lowercased()
        if let rules = byLanguage[lowered] { return rules }
        let threeLetter = [
            "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it", "por": "pt",
            "nld": "nl", "dut": "nl", "rus": "ru", "pol": "pl", "dan": "da", "swe": "sv", "ell": "el", "gre": "el",
            "ces": "cs", "cze": "cs", "tur": "tr", "fin": "fi", "hun": "hu", "nob": "nb", "nor": "nb", "no": "nb",
            "nno": "nb", "nn": "nb", "hye": "hy", "arm": "hy",
        ]
        let base = String(lowered.prefix { $0 != "-" && $0 != "_" })
        return byLanguage[threeLetter[base] ?? base]
    }

    /// The language of Latin-script text guessed from the stop words among its first 40 words (ASCII ones: that is
    /// what most stop words are), when one language has at least 3 and half again as many as any other; nil else.
    /// The guess stops as soon as one language has 6 such words.
    static func guessLatinLanguage(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        var counts = [Int](repeating: 0, count: LineFeatures.languages.count)
        var words = 0
        var i = 0
        var leading = 0
        let end = min(text.count, 600)
        while i < end && words < 40 && leading < 6 {
            while i < end && !((text[i] | 0x20) &- UInt8(ascii: "a") < 26) { i += 1 }
            let start = i
            while i < end && ((text[i] | 0x20) &- UInt8(ascii: "a") < 26 || text[i] == 0x27 || text[i] >= 0x80) {
                i += 1
            }
            guard i > start else { break }
            words += 1
            guard let lower = ByteHash.ofWord(text, start..<i).1, var bits = LineFeatures.stopWordLanguages[lower]
            else { continue }
            while bits != 0 {
                counts[bits.trailingZeroBitCount] += 1
                leading = max(leading, counts[bits.trailingZeroBitCount])
                bits &= bits - 1
            }
        }
        var best = 0, second = 0, bestIndex = -1
        for (index, count) in counts.enumerated() {
            if count > best {
                (second, best, bestIndex) = (best, count, index)
            } else if count > second {
                second = count
            }
        }
        guard bestIndex >= 0, best >= 3, 2 * best >= 3 * second else { return nil }
        return LineFeatures.languages[bestIndex]
    }

    /// General rules for Latin-script text of unknown language: every Latin language's lists together.
    static let latin = union(
        ["en", "de", "fr", "es", "it", "pt", "nl", "pl", "da", "sv", "nb", "fi", "hu", "cs", "tr"].compactMap {
            byLanguage[$0]
        })
}
