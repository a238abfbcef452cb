import Yams

/// An option's value as written in a pipeline file (a YAML node; the YAML library stays out of the public API).
public struct OptionNode {
    let node: Node
}

/// A value an option can take in a pipeline file, read from a YAML node.
public protocol OptionValue: Sendable {
    /// The type as `winnow stages` shows it (`string`, `integer`, `auto | jsonl | text` …).
    static var typeDescription: String { get }
    /// Reads the value; throws a message saying what was expected.
    static func read(_ node: OptionNode) throws(OptionValueError) -> Self
    /// The value as it is written in a pipeline file.
    var yamlText: String { get }
}

/// Why a node is not a valid option value (the caller adds the position).
public struct OptionValueError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

extension String: OptionValue {
    public static var typeDescription: String { "string" }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> String {
        let node = option.node
        guard case .scalar(let scalar) = node else { throw OptionValueError("expected a string") }
        return scalar.string
    }
    public var yamlText: String { self.isEmpty ? "\"\"" : self }
}

extension Int: OptionValue {
    public static var typeDescription: String { "integer" }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> Int {
        let node = option.node
        guard case .scalar(let scalar) = node else { throw OptionValueError("expected an integer") }
        if let value = node.int { return value }
        let digits = scalar.string.drop { $0 == "-" || $0 == "+" }
        if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
            throw OptionValueError("\(scalar.string) is too large for an integer (at most \(Int.max))")
        }
        if let number = node.float, !number.isFinite {
            throw OptionValueError("must be a finite integer, not \(scalar.string)")
        }
        throw OptionValueError("expected an integer")
    }
    public var yamlText: String { String(self) }
}

extension Double: OptionValue {
    public static var typeDescription: String { "number" }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> Double {
        let node = option.node
        guard case .scalar(let scalar) = node, let value = node.float else {
            throw OptionValueError("expected a number")
        }
        guard value.isFinite else { throw OptionValueError("must be finite, not \(scalar.string)") }
        return value
    }
    public var yamlText: String { String(self) }
}

extension Bool: OptionValue {
    public static var typeDescription: String { "boolean" }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> Bool {
        let node = option.node
        guard case .scalar = node, let value = node.bool else { throw OptionValueError("expected true or false") }
        return value
    }
    public var yamlText: String { self ? "true" : "false" }
}

extension Array: OptionValue where Element == String {
    public static var typeDescription: String { "list of strings" }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> [String] {
        let node = option.node
        guard case .sequence(let sequence) = node else {
            throw OptionValueError("expected a list of strings, e.g. [en, de]")
        }
        var result: [String] = []
        for element in sequence {
            guard case .scalar(let scalar) = element else {
                throw OptionValueError("expected a list of strings, e.g. [en, de]")
            }
            result.append(scalar.string)
        }
        return result
    }
    public var yamlText: String { "[" + joined(separator: ", ") + "]" }
}

/// Names with numbers, as an option value: `{mean_word_length: 3, digit_ratio: 0.2}` (order kept).
public struct NumberMapping: OptionValue, Hashable {
    public var entries: [(name: String, value: Double)]

    public init(_ entries: [(name: String, value: Double)] = []) { self.entries = entries }

    public static var typeDescription: String { "mapping of names to numbers" }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> NumberMapping {
        let node = option.node
        guard case .mapping(let mapping) = node else {
            throw OptionValueError("expected a mapping of names to numbers, e.g. {words: 50}")
        }
        var entries: [(name: String, value: Double)] = []
        for (key, value) in mapping {
            guard case .scalar(let name) = key else {
                throw OptionValueError("expected a mapping of names to numbers, e.g. {words: 50}")
            }
            do {
                entries.append((name.string, try Double.read(OptionNode(node: value))))
            } catch {
                throw OptionValueError("'\(name.string)': \(error.message)")
            }
        }
        return NumberMapping(entries)
    }
    public var yamlText: String { "{" + entries.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "}" }
    public static func == (lhs: NumberMapping, rhs: NumberMapping) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0 == $1 }
    }
    public func hash(into hasher: inout Hasher) {
        for entry in entries { hasher.combine(entry.name); hasher.combine(entry.value) }
    }
}

/// A named rule set as an option value: `false`, `true` (its defaults) or a mapping of thresholds that replace
/// some of the defaults (`{min_words: 20}`, which also switches it on).
public struct RuleSetOption: OptionValue, Hashable {
    public var enabled: Bool
    public var thresholds: NumberMapping

    public init(enabled: Bool, thresholds: NumberMapping = NumberMapping()) {
        self.enabled = enabled
        self.thresholds = thresholds
    }

    public static var typeDescription: String { "true | false | mapping of thresholds" }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> RuleSetOption {
        let node = option.node
        if case .mapping = node { return RuleSetOption(enabled: true, thresholds: try NumberMapping.read(option)) }
        guard case .scalar = node, let value = node.bool else {
            throw OptionValueError("expected true, false or a mapping of thresholds")
        }
        return RuleSetOption(enabled: value)
    }
    public var yamlText: String { thresholds.entries.isEmpty ? (enabled ? "true" : "false") : thresholds.yamlText }
}

/// A closed set of names as an option value: `format: auto | jsonl | text`.
public protocol ChoiceOption: OptionValue, RawRepresentable<String>, CaseIterable {}

extension ChoiceOption {
    public static var typeDescription: String { allCases.map(\.rawValue).joined(separator: " | ") }
    public static func read(_ option: OptionNode) throws(OptionValueError) -> Self {
        let node = option.node
        guard case .scalar(let scalar) = node, let value = Self(rawValue: scalar.string) else {
            throw OptionValueError("expected one of: \(typeDescription)")
        }
        return value
    }
    public var yamlText: String { rawValue }
}

/// What `winnow stages` shows of an option.
public struct OptionDescription: Sendable {
    public var name: String
    public var type: String
    public var defaultValue: String
    public var help: String
}

/// One option of a stage, declared once, where its configuration stores it:
///
///     @StageOption("top_k", in: 1...1000, help: "how many labels the list holds") public var topK = 3
///
/// The name in pipeline files, the default (the initial value), the check of its range and the line of help are all
/// there is to say about it. `StageConfiguration.read` finds the declarations by making the configuration with its
/// defaults and looking at it (as swift-argument-parser finds a command's options), reads each from the pipeline
/// file's entry, reports unknown names, and `winnow stages` lists the same declarations.
@propertyWrapper
public struct StageOption<Value: OptionValue>: Sendable {
    public var wrappedValue: Value
    /// The option's name in a pipeline file.
    public let name: String
    public let help: String
    /// Returns a message when a value is out of range.
    let check: @Sendable (Value) -> String?

    public init(
        wrappedValue: Value, _ name: String, help: String, check: @escaping @Sendable (Value) -> String? = { _ in nil }
    ) {
        self.wrappedValue = wrappedValue
        self.name = name
        self.help = help
        self.check = check
    }
}

extension StageOption where Value: Comparable {
    /// A number option that must lie in `range`.
    public init(wrappedValue: Value, _ name: String, in range: ClosedRange<Value>, help: String) {
        self.init(wrappedValue: wrappedValue, name, help: help) { value in
            range.contains(value) ? nil : "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"
        }
    }
}

/// What `StageConfiguration.read` sees of a `@StageOption` property without knowing its value type.
protocol OptionDeclaration: Sendable {
    var description: OptionDescription { get }
    /// The option with the value written in `options` (its default when absent).
    func reading(_ options: StageOptions) throws(PipelineError) -> any OptionDeclaration
}

extension StageOption: OptionDeclaration {
    var description: OptionDescription {
        OptionDescription(name: name, type: Value.typeDescription, defaultValue: wrappedValue.yamlText, help: help)
    }

    func reading(_ options: StageOptions) throws(PipelineError) -> any OptionDeclaration {
        var read = self
        read.wrappedValue = try options.value(of: name, default: wrappedValue, check: check)
        return read
    }
}

/// The declarations of a configuration's options: its stored `@StageOption` properties, in declaration order.
func optionDeclarations(
    of configuration: some StageConfiguration
) -> [(property: String, option: any OptionDeclaration)] {
    Mirror(reflecting: configuration).children.compactMap { child in
        guard let label = child.label, let option = child.value as? any OptionDeclaration else { return nil }
        // A property wrapper's storage is labelled `_name`.
        return (String(label.dropFirst(label.hasPrefix("_") ? 1 : 0)), option)
    }
}

extension StageOption: Decodable {
    /// Made only by `OptionDecoder`, which hands over the declaration with the value already read.
    public init(from decoder: any Decoder) throws {
        guard let decoder = decoder as? OptionDecoder, let key = decoder.codingPath.last?.stringValue,
            let option = decoder.options[key] as? Self
        else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "an option is read only by StageConfiguration.read"))
        }
        self = option
    }
}

/// Fills a configuration's `@StageOption` properties with options already read: the decoding the compiler writes for a
/// `Decodable` configuration asks for each property by name, and gets its declaration back with the value.
struct OptionDecoder: Decoder {
    let options: [String: any OptionDeclaration]
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>(decoder: self))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.notAnOption(codingPath) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Self.notAnOption(codingPath) }

    static func notAnOption(_ path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(
            .init(codingPath: path, debugDescription: "a stage configuration holds only @StageOption properties"))
    }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: OptionDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var allKeys: [Key] { decoder.options.keys.compactMap(Key.init(stringValue:)) }
        func contains(_ key: Key) -> Bool { decoder.options[key.stringValue] != nil }
        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            var nested = decoder
            nested.codingPath.append(key)
            return try T(from: nested)
        }
        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            throw OptionDecoder.notAnOption(codingPath + [key])
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw OptionDecoder.notAnOption(codingPath + [key])
        }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }
}

/// A stage's options as written in a pipeline file, read with positions for errors.
///
/// `StageConfiguration.read` reads a configuration's options from it; any key that is not one of the stage's options
/// is reported, listing the valid ones.
public struct StageOptions {
    public let stage: String
    public let file: String
    private let members: [(key: String, keyNode: Node, value: Node)]
    private let mark: Mark?

    /// Options from a node: a mapping, or empty (`{}`, `~` or nothing).
    init(stage: String, node: Node?, file: String) throws(PipelineError) {
        self.stage = stage
        self.file = file
        mark = node?.mark
        switch node {
        case nil:
            members = []
        case .scalar(let scalar)? where scalar.string.isEmpty || node?.null != nil:
            members = []
        case .mapping(let mapping)?:
            var members: [(key: String, keyNode: Node, value: Node)] = []
            for (key, value) in mapping {
                guard case .scalar(let name) = key else {
                    throw PipelineError(
                        file: file, line: key.mark?.line, column: key.mark?.column,
                        message: "option names of stage '\(stage)' must be plain words")
                }
                if members.contains(where: { $0.key == name.string }) {
                    throw PipelineError(
                        file: file, line: key.mark?.line, column: key.mark?.column,
                        message: "option '\(name.string)' of stage '\(stage)' is given twice")
                }
                members.append((key: name.string, keyNode: key, value: value))
            }
            self.members = members
        case let other?:
            throw PipelineError(
                file: file, line: other.mark?.line, column: other.mark?.column,
                message: "the options of stage '\(stage)' must be a mapping, e.g. `- \(stage): {}`")
        }
    }

    /// Options for code and tests: `StageOptions(stage: "clean", yaml: "{normalize: none}")`.
    public init(stage: String, yaml: String) throws {
        try self.init(stage: stage, node: try Yams.compose(yaml: yaml), file: "<options>")
    }

    /// The value of option `name`, or `defaultValue` when absent; an error with the position when it is invalid.
    func value<Value: OptionValue>(
        of name: String, default defaultValue: Value, check: (Value) -> String?
    ) throws(PipelineError) -> Value {
        guard let member = members.first(where: { $0.key == name }) else { return defaultValue }
        let value: Value
        do {
            value = try Value.read(OptionNode(node: member.value))
        } catch {
            throw positioned(member.value, "option '\(name)' of stage '\(stage)': \(error.message)")
        }
        if let problem = check(value) {
            throw positioned(member.value, "option '\(name)' of stage '\(stage)' \(problem)")
        }
        return value
    }

    /// Throws for the first option name that is not in `known`.
    func checkNoUnknownOptions(_ known: [OptionDescription]) throws(PipelineError) {
        for member in members where !known.contains(where: { $0.name == member.key }) {
            let valid =
                known.isEmpty ? "it has no options" : "valid options: " + known.map(\.name).joined(separator: ", ")
            throw positioned(member.keyNode, "unknown option '\(member.key)' for stage '\(stage)' (\(valid))")
        }
    }

    /// An error at the value of option `name` (or at the stage when it is absent), for problems found after reading it.
    public func error(at name: String, _ message: String) -> PipelineError {
        let node = members.first(where: { $0.key == name })?.value
        return PipelineError(
            file: file, line: (node?.mark ?? mark)?.line, column: (node?.mark ?? mark)?.column, message: message)
    }

    private func positioned(_ node: Node, _ message: String) -> PipelineError {
        let mark = node.mark ?? self.mark
        return PipelineError(file: file, line: mark?.line, column: mark?.column, message: message)
    }
}
