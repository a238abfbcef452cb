// swift-tools-version: 6.0
import Foundation
import PackageDescription

/// The commit checked out (from .git's files; no git process), for `winnow --version`. SwiftPM caches the manifest,
/// so a build after new commits without a change to this file keeps the older commit: a fresh clone (CI, a release)
/// or `swift package clean` is exact.
func checkedOutCommit() -> String {
    let git = Context.packageDirectory + "/.git/"
    guard let head = try? String(contentsOfFile: git + "HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else { return "unknown" }
    guard head.hasPrefix("ref: ") else { return String(head.prefix(12)) }
    let ref = String(head.dropFirst(5))
    if let commit = try? String(contentsOfFile: git + ref, encoding: .utf8) { return String(commit.prefix(12)) }
    let packed = (try? String(contentsOfFile: git + "packed-refs", encoding: .utf8)) ?? ""
    for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) { return String(line.prefix(12)) }
    return "unknown"
}

let package = Package(
    name: "Winnow",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Winnow", targets: ["Winnow"]),
        .executable(name: "winnow", targets: ["winnow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["libz-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "CLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"]), .brew(["xz"])]),
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        // ISA-L's igzip inflates gzip 2.8× faster than zlib on this machine (BBC ×20: 800 vs 285 MB/s); see GzipFrameDecoder.
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"]), .brew(["isa-l"])]),
        .systemLibrary(name: "CPlatform"),
        .target(
            name: "CEmbeddedModels",
            cSettings: [.define("WINNOW_LID176_PATH", to: "\"\(Context.packageDirectory)/Sources/Winnow/Resources/lid.176.ftz\"")]
        ),
        .target(name: "CMinHash"),
        .target(name: "CBuildInfo", cSettings: [.define("WINNOW_COMMIT", to: "\"\(checkedOutCommit())\"")]),
        .target(name: "CProseScan"),
        .target(
            name: "Winnow",
            dependencies: ["CZlib", "CZstd", "CLzma", "CBzip2", "CIsal", "CPlatform", "CEmbeddedModels", "CMinHash", "CProseScan", .product(name: "Yams", package: "Yams")],
            exclude: ["Resources"]
        ),
        .executableTarget(
            name: "winnow",
            dependencies: ["Winnow", "CPlatform", "CBuildInfo", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "WinnowTests",
            dependencies: ["Winnow", "CProseScan", "CLzma", "CBzip2", "CZstd"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
