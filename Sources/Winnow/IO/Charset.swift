import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Declared character encodings: a label from HTTP `Content-Type` or an HTML `<meta>` mapped to one encoding (as the
/// WHATWG Encoding standard maps labels), and bytes in that encoding decoded to text through the C library's
/// `iconv` (glibc's converters are on every Linux machine; writing them again would add nothing).
enum Charset {
    /// An encoding: the name reported in `encoding` and the name `iconv` knows it by (nil: decoded by Winnow itself).
    struct Encoding: Equatable, Sendable {
        var name: String
        var iconvName: String?
    }

    static let utf8 = Encoding(name: "utf-8", iconvName: nil)
    static let windows1252 = Encoding(name: "windows-1252", iconvName: nil)

    /// The encoding a label names, or nil for a label nobody defines. As browsers do, `iso-8859-1`, `latin1` and
    /// `us-ascii` mean windows-1252, `gb2312` means GBK, `shift_jis` means Windows' Shift_JIS (cp932), and `utf-16`
    /// means little-endian.
    static func encoding(label: String) -> Encoding? {
        let key = label.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n\"'")).lowercased()
        if let known = aliases[key] { return known }
        // ISO-8859-N and windows-125N by pattern.
        for (prefix, iconvPrefix) in [
            ("iso-8859-", "ISO-8859-"), ("iso8859-", "ISO-8859-"), ("iso_8859-", "ISO-8859-"), ("windows-", "CP"),
            ("cp", "CP"),
        ] {
            if key.hasPrefix(prefix), let number = Int(key.dropFirst(prefix.count)) {
                if prefix.hasPrefix("iso"), (2...16).contains(number), number != 12 {
                    return Encoding(name: "iso-8859-\(number)", iconvName: "\(iconvPrefix)\(number)")
                }
                if !prefix.hasPrefix("iso"), (1250...1258).contains(number) {
                    return number == 1252 ? windows1252 : Encoding(name: "windows-\(number)", iconvName: "CP\(number)")
                }
                if !prefix.hasPrefix("iso"), [866, 874].contains(number) {
                    return Encoding(name: "ibm\(number)", iconvName: "CP\(number)")
                }
            }
        }
        return nil
    }

    private static let aliases: [String: Encoding] = {
        var table: [String: Encoding] = [:]
        func add(_ encoding: Encoding, _ labels: String...) { for label in labels { table[label] = encoding } }
        add(utf8, "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8")
        add(
            windows1252, "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii", "ascii", "ansi_x3.4-1968",
            "cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252")
        add(Encoding(name: "utf-16le", iconvName: "UTF-16LE"), "utf-16", "utf-16le", "utf16", "ucs-2", "unicode")
        add(Encoding(name: "utf-16be", iconvName: "UTF-16BE"), "utf-16be", "unicodefffe")
        add(
            Encoding(name: "shift_jis", iconvName: "CP932"), "shift_jis", "shift-jis", "sjis", "ms_kanji", "csshiftjis",
            "windows-31j", "x-sjis", "ms932", "cp932")
        add(Encoding(name: "euc-jp", iconvName: "EUC-JP"), "euc-jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese")
        add(Encoding(name: "iso-2022-jp", iconvName: "ISO-2022-JP"), "iso-2022-jp", "csiso2022jp")
        add(
            Encoding(name: "gbk", iconvName: "GBK"), "gbk", "gb2312", "gb_2312", "gb_2312-80", "chinese", "csgb2312",
            "x-gbk", "cp936", "windows-936", "euc-cn")
        add(Encoding(name: "gb18030", iconvName: "GB18030"), "gb18030")
        add(Encoding(name: "big5", iconvName: "BIG5-HKSCS"), "big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5")
        add(
            Encoding(name: "euc-kr", iconvName: "CP949"), "euc-kr", "euckr", "ks_c_5601-1987", "ks_c_5601-1989",
            "ksc5601", "korean", "cp949", "windows-949", "csksc56011987")
        add(Encoding(name: "koi8-r", iconvName: "KOI8-R"), "koi8-r", "koi8r", "koi8", "cskoi8r")
        add(Encoding(name: "koi8-u", iconvName: "KOI8-U"), "koi8-u", "koi8-ru")
        add(Encoding(name: "macintosh", iconvName: "MACINTOSH"), "macintosh", "mac", "x-mac-roman", "csmacintosh")
        add(Encoding(name: "windows-874", iconvName: "CP874"), "tis-620", "windows-874", "iso-8859-11", "dos-874")
        add(Encoding(name: "iso-8859-9", iconvName: "CP1254"), "iso-8859-9", "latin5", "l5")
        return table
    }()

    /// The encoding a byte order mark at the start of `bytes` gives (it overrides any declaration, as in browsers).
    static func byteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Encoding? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return utf8 }
        if bytes.starts(with: [0xFF, 0xFE]) { return aliases["utf-16le"] }
        if bytes.starts(with: [0xFE, 0xFF]) { return aliases["utf-16be"] }
        return nil
    }

    /// The `charset` parameter of a `Content-Type` value (`text/html; charset="Shift_JIS"`).
    static func label(inContentType value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            let label = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
            return label.isEmpty ? nil : label
        }
        return nil
    }

    /// The charset an HTML document declares in its first 4 KB, as a browser's prescan finds it: `<meta
    /// charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">` (comments skipped).
    static func declaredInHTML(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = String(decoding: bytes.prefix(4096).map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self).lowercased()
        var searchFrom = head.startIndex
        while let meta = head.range(of: "<meta", range: searchFrom..<head.endIndex) {
            guard let close = head.range(of: ">", range: meta.upperBound..<head.endIndex) else { return nil }
            let tag = head[meta.upperBound..<close.lowerBound]
            searchFrom = close.upperBound
            if let charset = tag.range(of: "charset") {
                var rest = tag[charset.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
                guard rest.first == "=" else { continue }
                rest = rest.dropFirst().drop { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\t" }
                let label = rest.prefix { !" \t\r\n\"';/>".contains($0) }
                if !label.isEmpty { return String(label) }
            }
        }
        return nil
    }

    /// Text decoded from `encoding` by iconv; a byte sequence the encoding does not define becomes U+FFFD (counted).
    /// nil when iconv does not know the encoding.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, as encoding: Encoding) -> (text: String, replacements: Int)?
    {
        guard let iconvName = encoding.iconvName else { return nil }
        let converter = iconv_open("UTF-8", iconvName)
        guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: max(64, bytes.count * 3 + 16))
        var written = 0
        var replacements = 0
        var position = 0
        while position < bytes.count {
            var inLeft = bytes.count - position
            let result: Int32 = output.withUnsafeMutableBytes { out in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                    mutating: UnsafeRawPointer(bytes.baseAddress! + position).assumingMemoryBound(to: CChar.self))
                var outPointer: UnsafeMutablePointer<CChar>? = (out.baseAddress! + written).assumingMemoryBound(
                    to: CChar.self)
                var outLeft = out.count - written
                let status = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                written = out.count - outLeft
                return status == -1 ? errno : 0
            }
            position = bytes.count - inLeft
            switch result {
            case 0:
                break
            case E2BIG:
                output += [UInt8](repeating: 0, count: output.count)
            default:
                // EILSEQ or EINVAL (a sequence cut at the end): one byte becomes U+FFFD and conversion goes on.
                if output.count - written < 3 { output += [UInt8](repeating: 0, count: output.count) }
                output[written] = 0xEF; output[written + 1] = 0xBF; output[written + 2] = 0xBD
                written += 3
                replacements += 1
                position += 1
                iconv(converter, nil, nil, nil, nil)  // back to the initial shift state
            }
        }
        return (String(decoding: output[0..<written], as: UTF8.self), replacements)
    }
}
