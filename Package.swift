// swift-tools-version: 6.0
import PackageDescription

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
        .systemLibrary(name: "CPlatform"),
        .target(
            name: "CEmbeddedModels",
            cSettings: [.define("WINNOW_LID176_PATH", to: "\"\(Context.packageDirectory)/Sources/Winnow/Resources/lid.176.ftz\"")]
        ),
        .target(name: "CMinHash"),
        .target(name: "CProseScan"),
        .target(
            name: "Winnow",
            dependencies: ["CZlib", "CPlatform", "CEmbeddedModels", "CMinHash", "CProseScan", .product(name: "Yams", package: "Yams")],
            exclude: ["Resources"]
        ),
        .executableTarget(
            name: "winnow",
            dependencies: ["Winnow", "CPlatform", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "WinnowTests",
            dependencies: ["Winnow", "CProseScan"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
