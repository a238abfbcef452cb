/// What stages hand on to later stages about one document, typed and never written out. (What is written out is in
/// `Document.fields`, which stages read by the names in `FieldName`.) Each member says who sets it and who reads it.
public struct DocumentScratch: Sendable, Hashable {
    /// Set by `decode` when `extract` follows: the text is still HTML, and `extract` makes it text.
    public var isMarkup = false
    /// Set by `stats`; read by `filter` and the corpus statistics, so that they are not computed twice.
    public var statistics: TextStatistics?
    /// Set by `clean` on all jobs when `min_repeats` is on: each line's hash, taken by the ordered `repeated_lines`.
    var lineHashes: [UInt64]?
    /// Set by `dedup`'s per-document half on all jobs: the signature its ordered half looks up and takes.
    var dedupSignature: DocumentSignature?
}

/// The names of the output fields one stage reads from another's (`Document.fields`), each written once.
public enum FieldName {
    /// The document's language code: from `decode`'s `language_field` or the `language` stage (null: none passed).
    public static let language = "language"
    /// The `language` stage's probability of it.
    public static let languageScore = "language_score"
    /// The `sentences` stage's list.
    public static let sentences = "sentences"
    /// `decode`'s encoding of a record that was not clean UTF-8, and the bad sequences it replaced.
    public static let encoding = "encoding"
    public static let replacedSequences = "replaced_sequences"
}
