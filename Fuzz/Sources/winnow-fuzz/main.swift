@testable import Winnow
#if canImport(Glibc)
import Glibc
#endif

// libFuzzer's driver, called from this executable's own `main` (SwiftPM gives executables a `main` of their own, so
// libFuzzer's is not linked in).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target named by `WINNOW_FUZZ_TARGET` (gzip, jsonl, warc, html, sentences, pipeline, stats, http).
guard let name = getenv("WINNOW_FUZZ_TARGET").map({ String(cString: $0) }), FuzzChecks.Target(rawValue: name) != nil
else {
    fatalError(
        "set WINNOW_FUZZ_TARGET to one of: \(FuzzChecks.Target.allCases.map(\.rawValue).joined(separator: ", "))")
}

/// libFuzzer's entry point: one input through the target's checks.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let target = FuzzChecks.Target(rawValue: String(cString: getenv("WINNOW_FUZZ_TARGET")))!
    FuzzChecks.run(target, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
