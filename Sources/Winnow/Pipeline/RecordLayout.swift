#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an output record holds and in which shape: `output.fields` / `output.rejects_fields` choose the fields,
/// `output.profile` the shape another tool reads.
///
/// - `winnow` (the default): `id`, `text`, `metadata` (the input's other fields), `source` (`{file, line}`), then
///   each stage's fields at the top level.
/// - `datatrove`: `{"text", "id", "metadata": {…}}` with the input's fields, `source` and the stages' fields all in
///   `metadata`, as datatrove's JsonlWriter writes documents (its JsonlReader reads them back unchanged).
/// - `dolma`: dolma's document format, `{"id", "text", "source", "added", "created", "metadata": {…}}`: `source`
///   the input's `source` string, else the pipeline's `name`, else `winnow`; `added` the input file's modification
///   time (UTC, ISO 8601; so the output does not depend on when it ran); `created` the input's `created`, `date`,
///   `published` or `date_published` when it is a string, else `added`; everything else in `metadata`.
///
/// `id` and `text` are always written; `fields` names the others (`metadata`, `source`, `language`, `sentences` …;
/// `winnow stages` lists every stage's fields). Rejects always keep `dropped` or `error`.
public struct RecordLayout: Sendable, Hashable {
    public enum Profile: String, Sendable, CaseIterable {
        case winnow, datatrove, dolma
    }

    public enum FieldSelection: Sendable, Hashable {
        case all
        case include(Set<String>)
        case exclude(Set<String>)
    }

    public var profile: Profile
    public var fields: FieldSelection
    /// The `source` string of the dolma profile when the input has none: the pipeline's name.
    public var sourceName: String

    public init(profile: Profile = .winnow, fields: FieldSelection = .all, sourceName: String = "winnow") {
        self.profile = profile
        self.fields = fields
        self.sourceName = sourceName
    }

    /// Whether the field called `name` is written.
    public func writes(_ name: String) -> Bool {
        switch fields {
        case .all: true
        case .include(let names): names.contains(name)
        case .exclude(let names): !names.contains(name)
        }
    }

    /// Input fields dolma's `created` is taken from, in order of preference.
    static let creationFields = ["created", "date", "published", "date_published"]

    /// A file's modification time as ISO 8601 UTC (`2024-05-01T12:00:00Z`); the epoch for standard input.
    static func modificationTime(of path: String) -> String {
        var info = stat()
        let seconds = path != "-" && stat(path, &info) == 0 ? info.st_mtim.tv_sec : 0
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
