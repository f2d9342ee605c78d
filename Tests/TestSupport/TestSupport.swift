import Foundation

/// Paths to the repository's fixtures and to the shared corpus of real exports.
public enum TestPaths {
  /// The repository root (the folder holding Package.swift).
  public static let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }()

  /// `Fixtures/` in the repository.
  public static var fixtures: URL { repositoryRoot.appendingPathComponent("Fixtures") }

  /// The shared corpus of real exports (`shared/corpus` in the repository's folder or any folder
  /// above it, or `$TASKSYNC_CORPUS`), or `nil` when it is not on this machine.
  public static let corpus: URL? = {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment["TASKSYNC_CORPUS"], fm.fileExists(atPath: env) {
      return URL(fileURLWithPath: env)
    }
    var url = repositoryRoot
    while url.path != "/" {
      let candidate = url.appendingPathComponent("shared/corpus")
      if fm.fileExists(atPath: candidate.path) { return candidate }
      url.deleteLastPathComponent()
    }
    return nil
  }()

  /// Every file under `folder` of the corpus whose extension is in `extensions`, sorted.
  public static func corpusFiles(_ folder: String, extensions: Set<String>) -> [URL] {
    guard let root = corpus?.appendingPathComponent(folder),
      let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    else { return [] }
    return walker.compactMap { $0 as? URL }
      .filter { extensions.contains($0.pathExtension.lowercased()) }
      .sorted { $0.path < $1.path }
  }

  /// A fresh temporary folder for one test, inside ``temporaryRoot``: tests need not remove it.
  public static func temporaryFolder(_ name: String = "tasksync-test") throws -> URL {
    let url = temporaryRoot.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// This test process's own folder of temporary folders, removed with everything in it when the
  /// process exits (a process killed on purpose leaves its folder; it made none of its own).
  public static let temporaryRoot: URL = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tasksync-tests-\(getpid())")
    try? FileManager.default.removeItem(at: root)  // a folder left by a killed process with this pid
    TemporaryRootPath.path = root.path
    atexit { if let path = TemporaryRootPath.path { try? FileManager.default.removeItem(atPath: path) } }
    return root
  }()
}

/// The path the exit handler removes (a C function pointer cannot capture it).
private enum TemporaryRootPath {
  nonisolated(unsafe) static var path: String?
}

/// Feeding helpers: every reader must give the same result however its input is split.
public enum Splits {
  /// Every split point of `count` bytes when small, else `samples` points spread evenly plus
  /// random ones.
  public static func points(count: Int, exhaustiveUpTo limit: Int = 4096, samples: Int = 256) -> [Int] {
    if count <= limit { return Array(0...count) }
    var rng = SystemRandomNumberGenerator()
    let even = stride(from: 0, through: count, by: max(1, count / samples)).map { $0 }
    let random = (0..<samples).map { _ in Int.random(in: 0...count, using: &rng) }
    return Array(Set(even + random + [count])).sorted()
  }
}

/// A small seeded generator (SplitMix64) so a failing generated case can be reproduced from
/// the seed printed with it.
public struct SeededGenerator: RandomNumberGenerator {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
