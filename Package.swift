// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "chan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chan", targets: ["chan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "ChanCrypto", dependencies: ["CSecp256k1", "COpenSSL"]),
        .target(name: "ChanLedger", dependencies: ["ChanCrypto"]),
        .target(
            name: "ChanCore",
            dependencies: ["ChanCrypto", "ChanLedger"]
        ),
        .target(name: "ChanSim", dependencies: ["ChanCore", "ChanLedger", "ChanCrypto"]),
        .target(name: "ChanGzip", dependencies: ["CZlib"]),
        .target(
            name: "ChanStore",
            dependencies: [
                "ChanCore", "ChanLedger", "ChanCrypto", "ChanGzip",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(name: "ChanAPI", dependencies: ["ChanCore", "ChanLedger", "ChanCrypto"]),
        // The fuzz targets as plain functions: `make test` replays their corpus; Tools/fuzz.sh
        // compiles them with libFuzzer outside SwiftPM (no NIO, no GRDB).
        .target(name: "ChanFuzz", dependencies: ["ChanCore", "ChanLedger", "ChanCrypto", "ChanSim", "ChanAPI", "ChanGzip"]),
        .target(
            name: "ChanNode",
            dependencies: [
                "ChanAPI", "ChanStore", "ChanCore", "ChanLedger", "ChanCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "chan",
            dependencies: [
                "ChanCrypto", "ChanLedger", "ChanCore", "ChanSim", "ChanStore", "ChanAPI", "ChanNode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What more than one test target needs (a library only tests link).
        .target(name: "ChanTestSupport", dependencies: ["ChanCrypto"], path: "Tests/ChanTestSupport"),
        .testTarget(name: "ChanCryptoTests", dependencies: ["ChanCrypto"]),
        .testTarget(name: "ChanLedgerTests", dependencies: ["ChanLedger", "ChanCrypto", "ChanTestSupport"]),
        .testTarget(name: "ChanCoreTests", dependencies: ["ChanCore", "ChanSim", "ChanLedger", "ChanCrypto"]),
        .testTarget(name: "ChanSimTests", dependencies: ["ChanSim", "ChanCore", "ChanLedger", "ChanCrypto"]),
        .testTarget(name: "ChanStoreTests", dependencies: ["ChanStore", "ChanLedger", "ChanCore", "ChanCrypto", "ChanTestSupport"]),
        .testTarget(name: "ChanNodeTests", dependencies: ["ChanNode", "ChanAPI", "ChanStore", "ChanCore", "ChanLedger", "ChanCrypto", "ChanTestSupport"]),
        .testTarget(name: "ChanCLITests", dependencies: ["chan"]),
        .testTarget(name: "ChanFuzzTests", dependencies: ["ChanFuzz"]),
    ],
    swiftLanguageModes: [.v6]
)
