/// Language codes as the `language` stage reports them: ISO 639-1 where one exists, else the model's own code.
public enum LanguageCode {
    private static let twoLetter: [String: String] = Dictionary(uniqueKeysWithValues: threeToTwo)

    /// `en` for `en`, `eng`, `eng_Latn` or `__label__en`; `als`, `arz` … (no ISO 639-1 code) unchanged.
    public static func normalized(_ label: String) -> String {
        var code = label.hasPrefix("__label__") ? String(label.dropFirst(9)) : label
        // GlotLID-style `xxx_Scrp` labels: the language part decides.
        if let underscore = code.firstIndex(of: "_"), code.distance(from: underscore, to: code.endIndex) == 5 {
            let language = String(code[..<underscore])
            if language.count == 2 || twoLetter[language] != nil { code = language }
        }
        return twoLetter[code] ?? code
    }
}
