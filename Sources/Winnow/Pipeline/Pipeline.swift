import Foundation
import Yams

/// A pipeline file, loaded: its stages ready to run, in order, and its optional input paths and output path.
///
/// The file is YAML (JSON is YAML too): `version: 1`, an optional `name`, optional `input: {paths: [...]}`, the
/// ordered `stages` list of one-key maps `stage-name: options`, and optional `output: {path: ...}`. Unknown keys,
/// stages and options, wrong types and out-of-range values are `PipelineError`s with line and column.
public struct Pipeline: Sendable {
    public var name: String?
    /// Always starts with `decode` (defaults when the file has none).
    public var steps: [PipelineStep]
    public var inputPaths: [String]
    public var outputPath: String?
    /// The compression level of compressed outputs and rejects (`output.compression_level`): gzip 1–9, zstd 1–19;
    /// nil: the format's default (`OutputCompression.defaultLevel`).
    public var compressionLevel: Int?
    /// What output records hold and their shape (`output.fields`, `output.profile`).
    public var outputLayout = RecordLayout()
    /// What rejects hold (`output.rejects_fields`; always the winnow profile).
    public var rejectsLayout = RecordLayout()
    /// With a directory output (`-o DIR/`): the size at which a file is finished and the next begun
    /// (`output.max_file_bytes`, compressed bytes).
    public var maximumFileBytes: Int?

    /// The decode step.
    public var decode: DecodeStage {
        guard case .decode(let decode) = steps[0] else { preconditionFailure("a pipeline starts with decode") }
        return decode
    }

    public init(
        name: String? = nil, steps: [PipelineStep], inputPaths: [String] = [], outputPath: String? = nil,
        compressionLevel: Int? = nil
    ) {
        var steps = steps
        if case .decode? = steps.first {} else { steps.insert(.decode(DecodeStage()), at: 0) }
        // Extract needs the HTML that decode would otherwise turn into text.
        if case .decode(var decode) = steps[0],
            steps.contains(where: { if case .document(let stage) = $0 { stage is ExtractStage } else { false } })
        {
            decode.leavesMarkup = true
            steps[0] = .decode(decode)
        }
        self.steps = Self.signingBeforeLineRemoval(steps)
        self.name = name
        self.inputPaths = inputPaths
        self.outputPath = outputPath
        self.compressionLevel = compressionLevel
    }

    /// Dedup's signatures (exact hash, MinHash) are taken from the text as clean's per-document pass left it, before
    /// `repeated_lines` removes lines: which lines a source's documents lose depends on what else the source holds,
    /// so two copies of a document could lose different lines and escape dedup (issue 23). The signature step moves
    /// to just before the line removal when only stages that leave the text alone (sentences, language, stats,
    /// filter) lie between; a second `clean` between them keeps the order as written.
    static func signingBeforeLineRemoval(_ steps: [PipelineStep]) -> [PipelineStep] {
        guard
            let signatures = steps.firstIndex(where: {
                if case .document(let stage) = $0 { stage is DedupSignatures } else { false }
            }),
            let removal = steps[..<signatures].lastIndex(where: { $0.name == RepeatedLines.name }),
            !steps[removal..<signatures].contains(where: {
                if case .document(let stage) = $0 { stage is CleanStage } else { false }
            })
        else {
            return steps
        }
        var moved = steps
        moved.insert(moved.remove(at: signatures), at: removal)
        return moved
    }

    /// Loads a pipeline file.
    public static func load(path: String) throws(PipelineError) -> Pipeline {
        let bytes: [UInt8]
        do {
            bytes = try FileSource.contents(of: path)
        } catch {
            throw PipelineError(file: path, message: "cannot read the pipeline file: \(error.message)")
        }
        if let offset = bytes.withUnsafeBufferPointer({ UTF8Bytes.firstInvalidOffset($0) }) {
            let before = bytes[..<offset]
            let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let column = offset - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            let byte = String(bytes[offset], radix: 16, uppercase: true)
            throw PipelineError(
                file: path, line: line, column: column,
                message: "a pipeline file is UTF-8 text; byte 0x\(byte) here is not (convert it with iconv -t UTF-8)")
        }
        return try parse(String(decoding: bytes, as: UTF8.self), file: path)
    }

    /// Parses pipeline YAML; `file` names it in errors.
    public static func parse(_ yaml: String, file: String) throws(PipelineError) -> Pipeline {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw PipelineError(
                    file: file, line: 1, column: 1,
                    message: "the pipeline file is empty; it needs at least `version: 1` and `stages:`")
            }
            root = node
        } catch let error as PipelineError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw PipelineError(file: file, message: "not valid YAML: \(error)")
        }
        return try PipelineFileReader(file: file).pipeline(from: root)
    }

    private static func yamlError(_ error: YamlError, file: String) -> PipelineError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) " } ?? ""
            return PipelineError(
                file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return PipelineError(
                file: file, line: context.mark.line, column: context.mark.column,
                message:
                    "the mapping that starts here gives \(duplicates.count == 1 ? "the key" : "the keys") \(keys) twice; keep one"
            )
        default:
            return PipelineError(file: file, message: "not valid YAML: \(error)")
        }
    }
}

/// Walks the YAML tree of a pipeline file, with positions for every error.
private struct PipelineFileReader {
    let file: String

    func error(_ node: Node?, _ message: String) -> PipelineError {
        PipelineError(file: file, line: node?.mark?.line, column: node?.mark?.column, message: message)
    }

    func mapping(
        _ node: Node, _ what: String, keys: [String]
    ) throws(PipelineError) -> [String: (key: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(node, "\(what) must be a mapping of \(keys.joined(separator: ", "))")
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let name) = key, keys.contains(name.string) else {
                throw error(
                    key, "unknown key '\(key.string ?? "?")' in \(what) (valid keys: \(keys.joined(separator: ", ")))")
            }
            guard result[name.string] == nil else { throw error(key, "key '\(name.string)' is given twice in \(what)") }
            result[name.string] = (key, value)
        }
        return result
    }

    func string(_ node: Node, _ what: String) throws(PipelineError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, "\(what) must be a string") }
        return scalar.string
    }

    /// `{include: [names]}` or `{exclude: [names]}`.
    func fieldSelection(_ node: Node, _ what: String) throws(PipelineError) -> RecordLayout.FieldSelection {
        let entries = try mapping(node, what, keys: ["include", "exclude"])
        guard entries.count == 1, let (kind, entry) = entries.first else {
            throw error(node, "\(what) takes one of include: [names] or exclude: [names]")
        }
        guard case .sequence(let sequence) = entry.value else {
            throw error(entry.value, "\(what).\(kind) must be a list of field names")
        }
        var names = Set<String>()
        let known = Set(StageKind.all.flatMap { $0.outputFields.map(\.name) })
        for element in sequence {
            let name = try string(element, "each of \(what).\(kind)")
            guard known.contains(name) else {
                throw error(
                    element,
                    "\(what).\(kind): no stage writes a field '\(name)' (fields: \(known.sorted().joined(separator: ", ")))"
                )
            }
            names.insert(name)
        }
        return kind == "include" ? .include(names) : .exclude(names)
    }

    func pipeline(from root: Node) throws(PipelineError) -> Pipeline {
        let top = try mapping(root, "the pipeline file", keys: ["version", "name", "input", "stages", "output"])
        guard let version = top["version"] else { throw error(root, "missing `version: 1`") }
        if case .scalar(let scalar) = version.value, scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
            throw error(
                version.value,
                "version is the number 1, not the string '\(scalar.string)': write `version: 1` without quotes")
        }
        guard version.value.int == 1 else {
            throw error(
                version.value, "unsupported version '\(version.value.string ?? "?")'; this winnow reads version 1")
        }
        let name = try top["name"].map { (entry) throws(PipelineError) in try string(entry.value, "name") }

        var inputPaths: [String] = []
        if let input = top["input"] {
            let fields = try mapping(input.value, "input", keys: ["paths"])
            if let paths = fields["paths"] {
                guard case .sequence(let sequence) = paths.value else {
                    throw error(paths.value, "input.paths must be a list of paths")
                }
                for element in sequence { inputPaths.append(try string(element, "each of input.paths")) }
            }
        }
        var outputPath: String?
        var compressionLevel: Int?
        var outputLayout = RecordLayout(sourceName: name ?? "winnow"), rejectsLayout = RecordLayout()
        var maximumFileBytes: Int?
        if let output = top["output"] {
            let fields = try mapping(
                output.value, "output",
                keys: ["path", "compression_level", "fields", "rejects_fields", "profile", "max_file_bytes"])
            if let profile = fields["profile"] {
                let names = RecordLayout.Profile.allCases.map(\.rawValue)
                guard let value = RecordLayout.Profile(rawValue: try string(profile.value, "output.profile")) else {
                    throw error(profile.value, "output.profile must be one of \(names.joined(separator: ", "))")
                }
                outputLayout.profile = value
            }
            if let selection = fields["fields"] {
                outputLayout.fields = try fieldSelection(selection.value, "output.fields")
            }
            if let selection = fields["rejects_fields"] {
                rejectsLayout.fields = try fieldSelection(selection.value, "output.rejects_fields")
            }
            if let size = fields["max_file_bytes"] {
                guard let value = size.value.int, value >= 1 << 10 else {
                    throw error(
                        size.value,
                        "output.max_file_bytes must be an integer of at least 1024 (bytes of each output file)")
                }
                maximumFileBytes = value
            }
            outputPath = try fields["path"].map { (entry) throws(PipelineError) in
                try string(entry.value, "output.path")
            }
            if let level = fields["compression_level"] {
                guard let value = level.value.int, OutputCompression.zstd.levels.contains(value) else {
                    throw error(
                        level.value,
                        "output.compression_level must be an integer: 1 (fastest) to 9 (smallest) for gzip, 1 to 19 for zstd"
                    )
                }
                compressionLevel = value
            }
        }

        guard let stagesEntry = top["stages"] else { throw error(root, "missing `stages:`, the list of stages to run") }
        guard case .sequence(let stageNodes) = stagesEntry.value else {
            throw error(stagesEntry.value, "stages must be a list, e.g.\n  stages:\n    - clean: {}")
        }
        var steps: [PipelineStep] = []
        let validNames = StageKind.all.map(\.name).joined(separator: ", ")
        for (index, entry) in stageNodes.enumerated() {
            guard case .mapping(let one) = entry, one.count == 1, let (key, value) = one.first,
                case .scalar(let name) = key
            else {
                throw error(
                    entry,
                    "each stage is a one-key map `stage-name: options`, e.g. `- clean: {}` (stages: \(validNames))")
            }
            guard let kind = StageKind.named(name.string) else {
                throw error(key, "unknown stage '\(name.string)' (stages: \(validNames))")
            }
            if kind.name == DecodeStage.name && index != 0 { throw error(key, "decode must be the first stage") }
            let afterDecode = steps.allSatisfy { if case .decode = $0 { true } else { false } }
            if kind.name == ExtractStage.name && !afterDecode {
                throw error(key, "extract must come right after decode (the later stages read text, not HTML)")
            }
            let options = try StageOptions(stage: kind.name, node: value, file: file)
            steps.append(contentsOf: try kind.build(options))
        }
        var pipeline = Pipeline(
            name: name, steps: steps, inputPaths: inputPaths, outputPath: outputPath, compressionLevel: compressionLevel
        )
        (pipeline.outputLayout, pipeline.rejectsLayout, pipeline.maximumFileBytes) = (
            outputLayout, rejectsLayout, maximumFileBytes
        )
        return pipeline
    }
}
