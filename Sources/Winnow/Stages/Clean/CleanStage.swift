/// Stage `clean`: repairs a document's text so that later stages and users see tidy Unicode.
///
/// In one pass over the UTF-8 bytes: CRLF and lone CR become LF; control characters other than `\n` and `\t`
/// (C0, DEL, C1) are removed; spaces and tabs at the end of lines go; runs of blank lines shrink to one blank line;
/// blank lines at the start and whitespace at the end of the text go. Then the text is put in Unicode NFC
/// (`normalize: nfc`, the default), skipping the normaliser when a quick check shows it is already NFC. A document
/// left with no text is dropped (reason `empty_text`) unless `drop_empty: false`.
public struct CleanStage: DocumentStage {
    public static let name = "clean"
    static let summary = "Normalises Unicode (NFC), line ends and blank lines; removes control characters and trailing spaces."
    static let outputFields = [FieldDescription(name: "text", help: "rewritten in place")]

    /// The Unicode normalisation form `clean` puts text in.
    public enum Normalization: String, ChoiceOption {
        case nfc, none
    }

    /// The options of `clean`.
    public struct Configuration: StageConfiguration {
        static let normalizeOption = StageOption<Normalization>("normalize", default: .nfc, help: "Unicode normalisation form of the cleaned text")
        static let dropEmptyOption = StageOption<Bool>("drop_empty", default: true, help: "drop documents whose cleaned text is empty (reason empty_text)")

        public static let optionDescriptions = [normalizeOption.description, dropEmptyOption.description]

        public var normalize: Normalization
        public var dropEmpty: Bool

        public init(_ options: StageOptions) throws(PipelineError) {
            normalize = try options.value(Self.normalizeOption)
            dropEmpty = try options.value(Self.dropEmptyOption)
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .defaults) { self.configuration = configuration }

    public func process(_ document: inout Document) -> Verdict {
        document.text = Self.clean(document.text, normalize: configuration.normalize)
        if document.text.isEmpty && configuration.dropEmpty { return .drop(reason: "empty_text") }
        return .keep
    }

    /// The cleaned form of `text` (see the type's comment).
    public static func clean(_ text: String, normalize: Normalization = .nfc) -> String {
        var text = text
        var output: [UInt8] = []
        text.withUTF8 { tidyLines($0, into: &output) }
        return output.withUnsafeBufferPointer { bytes in
            if normalize == .nfc && !NFCQuickCheck.isCertainlyNFC(bytes) {
                return String(decoding: String(decoding: bytes, as: UTF8.self)._nfcCodeUnits, as: UTF8.self)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The whitespace and control-character pass. Runs of ordinary bytes are copied whole.
    static func tidyLines(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(input.count)
        let count = input.count
        var i = 0
        let base = UnsafeRawPointer(input.baseAddress)
        while i < count {
            let runStart = i
            if let base {
                while i &+ 8 <= count {
                    let word = SWAR.load(base, i)
                    if SWAR.containsBelow(word, 0x20) | SWAR.contains(word, 0x7F) | SWAR.contains(word, 0xC2) != 0 { break }
                    i &+= 8
                }
            }
            while i < count {
                let byte = input[i]
                if byte < 0x20 || byte == 0x7F || byte == 0xC2 { break }
                i &+= 1
            }
            if runStart < i { output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<i])) }
            guard i < count else { break }
            let byte = input[i]
            switch byte {
            case 0x0A:
                endLine(&output)
                i &+= 1
            case 0x0D:
                endLine(&output)
                i &+= (i + 1 < count && input[i + 1] == 0x0A) ? 2 : 1
            case 0x09:
                output.append(0x09)
                i &+= 1
            case 0xC2:
                // U+0080–U+009F (C1 controls) are removed; other U+0080–U+00BF stay.
                let next = i + 1 < count ? input[i + 1] : 0
                if !(0x80...0x9F).contains(next) { output.append(0xC2); output.append(next) }
                i &+= 2
            default:
                i &+= 1
            }
        }
        trimTrailingWhitespace(&output)
    }

    /// Ends a line: drops its trailing spaces and tabs, then writes `\n` unless the text is still empty or already
    /// ends with a blank line.
    private static func endLine(_ output: inout [UInt8]) {
        while let last = output.last, last == 0x20 || last == 0x09 { output.removeLast() }
        let count = output.count
        if count == 0 || (count >= 2 && output[count - 1] == 0x0A && output[count - 2] == 0x0A) { return }
        output.append(0x0A)
    }

    private static func trimTrailingWhitespace(_ output: inout [UInt8]) {
        while let last = output.last, last == 0x20 || last == 0x09 || last == 0x0A { output.removeLast() }
    }
}
