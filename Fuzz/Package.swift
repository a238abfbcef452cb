// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for Winnow's readers and parsers; `Scripts/ops/fuzz.sh TARGET SECONDS` builds and runs one (it passes
// `-sanitize=fuzzer,address`). A package of its own so that the main package's `swift build` never links an
// executable without a `main`.
let package = Package(
    name: "WinnowFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Winnow", path: "..")],
    targets: [
        .executableTarget(
            name: "winnow-fuzz",
            dependencies: [.product(name: "Winnow", package: "Winnow")],
            // gold fails on this link with an internal error; LLVM's lld comes with the toolchain.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        )
    ],
    swiftLanguageModes: [.v6]
)
