// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "tasksync",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "tasksync", targets: ["tasksync"]),
    .library(name: "TaskModel", targets: ["TaskModel"]),
    .library(name: "ICalendar", targets: ["ICalendar"]),
    .library(name: "SalesforceCSV", targets: ["SalesforceCSV"]),
    .library(name: "EWSXML", targets: ["EWSXML"]),
    .library(name: "SyncEngine", targets: ["SyncEngine"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    // The common task model: values, dates, fingerprints, diagnostics. No I/O.
    .target(
      name: "TaskModel",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]
    ),
    // RFC 5545 VTODO files: lossless syntax layer, model mapping, writer.
    .target(name: "ICalendar", dependencies: ["TaskModel"]),
    // Salesforce Task CSV (Data Loader, Data Export, Bulk API).
    .target(name: "SalesforceCSV", dependencies: ["TaskModel"]),
    // The system libxml2; only EWSXML imports it.
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    // Exchange Web Services task XML.
    .target(name: "EWSXML", dependencies: ["TaskModel", "CLibXML2"]),
    // Pure reconciliation: state + both sides + window + policy -> plan.
    .target(name: "SyncEngine", dependencies: ["TaskModel"]),
    // The saved state (SQLite), journal and lock.
    .target(
      name: "SyncStore",
      dependencies: [
        "TaskModel", "SyncEngine", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]
    ),
    // Command line: argument parsing, files, formats, rendering, exit codes.
    .target(
      name: "TaskSyncCommands",
      dependencies: [
        "TaskModel", "ICalendar", "SalesforceCSV", "EWSXML", "SyncEngine", "SyncStore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]
    ),
    .executableTarget(name: "tasksync", dependencies: ["TaskSyncCommands"]),
    // Release-build throughput benchmarks, run by scripts/bench.sh.
    .executableTarget(
      name: "tasksync-bench",
      dependencies: [
        "TaskModel", "ICalendar", "SalesforceCSV", "EWSXML", "SyncEngine", "SyncStore", "TaskSyncCommands",
      ]
    ),

    .target(name: "TestSupport", dependencies: ["TaskModel"], path: "Tests/TestSupport"),
    .testTarget(name: "TaskModelTests", dependencies: ["TaskModel", "TestSupport"]),
    .testTarget(name: "ICalendarTests", dependencies: ["ICalendar", "TaskModel", "TestSupport"]),
    .testTarget(name: "SalesforceCSVTests", dependencies: ["SalesforceCSV", "TaskModel", "TestSupport"]),
    .testTarget(name: "EWSXMLTests", dependencies: ["EWSXML", "TaskModel", "TestSupport"]),
    .testTarget(
      name: "SyncEngineTests",
      dependencies: [
        "SyncEngine", "TaskModel", "TestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
    .testTarget(
      name: "SyncStoreTests",
      dependencies: [
        "SyncStore", "SyncEngine", "TaskModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .testTarget(
      name: "TaskSyncCommandsTests",
      dependencies: [
        "TaskSyncCommands", "TaskModel", "SyncEngine", "SyncStore", "SalesforceCSV", "TestSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
  ]
)
