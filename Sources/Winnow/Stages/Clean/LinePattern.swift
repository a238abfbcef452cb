import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A user pattern of `clean`'s `extra_patterns`, matched against whole lines in bounded time: a POSIX extended
/// regular expression compiled by the C library's `regcomp` with `REG_NOSUB`, which glibc matches with its DFA-based
/// matcher, without backtracking (`(a+)+$` on a long line of `a`s is as quick as `a+$`). Back-references — the one
/// feature that needs backtracking — and lookarounds are refused when the pipeline is loaded. A leading `(?i)` makes
/// the pattern ignore case; `\d` and `\D` are read as `[0-9]` and `[^0-9]`; glibc also knows `\w`, `\W`, `\s`, `\S`.
/// Not `Sendable` (a `regex_t` holds pointers): made for each document that is filtered, as `LineFilter` does.
final class LinePattern {
    private var regex = regex_t()

    /// Compiles `pattern`; the error says what is wrong with it.
    init(_ pattern: String) throws(PatternError) {
        var source = pattern
        var flags = REG_EXTENDED | REG_NOSUB
        if source.hasPrefix("(?i)") {
            source.removeFirst(4)
            flags |= REG_ICASE
        }
        if source.contains("(?") {
            throw PatternError(message: "lookarounds and (?…) groups are not supported (POSIX extended syntax)")
        }
        if source.firstMatch(of: /\\[1-9]/) != nil {
            throw PatternError(
                message: "back-references (\\1 …) cannot be matched in bounded time and are not supported")
        }
        source = source.replacingOccurrences(of: #"\d"#, with: "[0-9]").replacingOccurrences(of: #"\D"#, with: "[^0-9]")
        let status = regcomp(&regex, "^(" + source + ")$", flags)
        guard status == 0 else {
            var buffer = [UInt8](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer {
                _ = regerror(
                    status, &regex,
                    $0.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }, 256)
            }
            throw PatternError(message: String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self))
        }
    }

    deinit { regfree(&regex) }

    /// Whether the whole line matches.
    func matchesWhole(_ line: String) -> Bool {
        regexec(&regex, line, 0, nil, 0) == 0
    }

    /// Why a pattern cannot be used.
    struct PatternError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
