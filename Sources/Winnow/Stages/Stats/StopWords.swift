/// Stop words of the web's most common languages: the short function words whose share tells running text from
/// lists, menus and keyword spam. Lower case; for Chinese and Japanese, where every character counts as a word,
/// single characters.
///
/// Hand-made lists of common function words (articles, pronouns, prepositions, conjunctions, auxiliaries) — about
/// 40–80 a language, chosen from general knowledge of each language, not copied from another project.
enum StopWords {
    /// Gopher's stop-word rule (Rae et al. 2021) and datatrove's `GopherQualityFilter`: a document must contain at
    /// least two of these eight distinct English words.
    static let gopher: Set<String> = ["the", "be", "to", "of", "and", "that", "have", "with"]

    /// Lists by ISO 639-1 code.
    static let byLanguage: [String: Set<String>] = lists.mapValues { Set($0.split(separator: " ").map(String.init)) }

    private static let lists: [String: String] = [
        "en":
            "a an the and or but if of to in on at by for with from as is are was were be been being have has had do does did not no it its this that these those he she they we you i me him her them us my your his our their what which who whom when where why how all any some there here so than then too very can could will would shall should may might must just about into over after before up down out",
        "de":
            "der die das den dem des ein eine einer eines einem einen und oder aber wenn als wie in im an am auf aus bei mit nach von vom zu zum zur für über unter vor durch ist sind war waren sein hat haben hatte wird werden wurde nicht kein keine es er sie wir ihr ich du man sich auch noch nur schon so dass daß was wer wo hier dort sehr mehr",
        "fr":
            "le la les un une des du de d l et ou mais si que qui quoi dont où en dans sur sous par pour avec sans au aux ce cet cette ces il elle ils elles on nous vous je tu me te se lui leur est sont était être avoir a ont avait fait ne pas plus très aussi bien comme tout tous",
        "es":
            "el la los las un una unos unas y o pero si que quien cual donde cuando como en de del al a por para con sin sobre entre es son era fue ser estar está están ha han había no ni se lo le les su sus mi tu este esta estos estas ese esa muy más también ya todo",
        "it":
            "il lo la i gli le un uno una e o ma se che chi cui dove quando come in di del della dei delle da dal al alla a per con su tra fra è sono era essere ha hanno aveva non si ci mi ti lui lei loro suo sua questo questa quello anche più molto già tutto",
        "pt":
            "o a os as um uma uns umas e ou mas se que quem qual onde quando como em no na nos nas de do da dos das ao à por pelo pela para com sem sobre entre é são era foi ser estar está têm tem não se lhe seu sua meu este esta esse essa isso muito mais também já",
        "nl":
            "de het een en of maar als dat die dit wat wie waar wanneer hoe in op aan bij met van voor naar uit door over onder is zijn was waren heeft hebben had wordt worden werd niet geen ook nog al er hij zij ze wij we jij je ik u men zich zo dan te om",
        "ru":
            "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже или быть был него до вас они мы это этот эта эти который которые для при",
        "uk":
            "і й та в у на з зі до від за по про для при не що як а але або це цей ця ці він вона воно вони ми ви я ти його її їх бути був була було є також вже ще тільки коли якщо який яка які де там тут",
        "pl":
            "i w we z ze na do od o u po za przez dla przy nie że się to ten ta te jest są był była było być a ale lub albo czy jak gdy jeśli który która które co kto on ona ono oni my wy ja ty jego jej ich tak także już jeszcze tylko bardzo",
        "cs":
            "a i v ve na do od o u po za s se z ze pro při není je jsou byl byla bylo být to ten ta že jak když který která které co kdo on ona ono oni my vy já ty jeho její jejich také už ještě jen velmi ale nebo",
        "tr":
            "ve veya ile için bir bu şu o da de ki mi mu ne gibi kadar daha çok en her ama fakat ancak değil var yok olan olarak ise ben sen biz siz onlar bunu şunu onu bana sana ona bizim sizin onların diye sonra önce",
        "sv":
            "och eller men om att som det den de en ett i på av för med till från vid under över efter är var varit har hade inte ingen han hon vi ni jag du man sig sin sitt sina också så när där här mycket mer",
        "da":
            "og eller men hvis at som det den de en et i på af for med til fra ved under over efter er var været har havde ikke ingen han hun vi i jeg du man sig sin sit sine også så når hvor her meget mere",
        "no":
            "og eller men hvis at som det den de en et ei i på av for med til fra ved under over etter er var vært har hadde ikke ingen han hun vi dere jeg du man seg sin sitt sine også så når hvor her mye mer",
        "fi":
            "ja tai mutta jos että kun kuin joka jotka mikä mitä se ne hän he me te minä sinä on ovat oli olivat ollut ei eivät myös vain jo vielä niin kuitenkin sekä tämä tuo nämä nuo siitä sen sitä hänen heidän",
        "hu":
            "a az egy és vagy de ha hogy mint ami amely aki amikor ahol is nem sem van volt lesz vannak voltak ez az ezt azt ezek azok én te ő mi ti ők meg már még csak nagyon is pedig mert után előtt alatt",
        "ro":
            "și sau dar dacă că care ce cine unde când cum în pe la de din cu pentru fără despre prin este sunt era fost fi nu se îl o un o unui unei al ale lui ei el ea noi voi eu tu acest această aceste mai foarte și",
        "el":
            "και ή αλλά αν ότι που ο η το οι τα ένας μία ένα του της των τον την σε στο στη στον στην από με για χωρίς είναι ήταν θα να δεν μη αυτός αυτή αυτό αυτοί εγώ εσύ εμείς εσείς πολύ πιο επίσης",
        "vi":
            "và hoặc nhưng nếu thì là của có không được cho với trong trên dưới từ đến về theo này đó các những một người đã đang sẽ cũng rất khi như để tôi bạn chúng họ anh chị nó",
        "id":
            "dan atau tetapi jika bahwa yang ini itu di ke dari pada untuk dengan dalam oleh adalah ialah akan telah sudah sedang tidak bukan juga saja ada sebagai karena saya kamu kami kita mereka dia ia nya para",
        "ar":
            "و أو لكن إذا أن إن التي الذي الذين في على من إلى عن مع هذا هذه ذلك تلك هو هي هم نحن أنا أنت كان كانت يكون لا لم لن ما قد كل بعض عند بين بعد قبل حتى أيضا",
        "fa":
            "و یا اما اگر که این آن در به از با برای تا را هم است بود شد می نمی هر چه او ما من تو شما آنها ای یک بر نیز خود دیگر پس",
        "zh": "的 了 是 在 和 有 不 这 我 他 她 它 也 就 都 人 一 个 们 中 上 为 以 到 说 要 会 着 与 及 或 但 而 被 把 对 从 之 其 所 于",
        "ja": "の に は を た が で て と し も な か だ へ や ば ね よ",
        "ko": "그 이 저 것 수 등 및 또는 그리고 하지만 그러나 또한 있다 없다 하다 있는 없는 하는 한 그는 그녀는 우리는 나는 때 더 잘 안 못",
    ]
}

/// Stop-word lists as sets of lower-case word hashes, the form `TextStatistics` compares.
enum StopWordHashes {
    static let byLanguage: [String: PerfectHashSet] = StopWords.byLanguage.mapValues {
        PerfectHashSet($0.map { ByteHash.of($0) })
    }
    /// Gopher's eight stop words, by hash as written.
    static let gopher = PerfectHashSet(StopWords.gopher.map { ByteHash.of($0) })
}
