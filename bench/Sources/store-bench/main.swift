// Store benchmarks: importing the Tekton catalog vs `git fast-import` of the same files, and a cold reindex of a
// synthetic 10 000-version store.
// Usage: store-bench [catalog-dir] [synthetic-versions]   (defaults: ../shared/corpus/tekton-catalog, 10000)
// With STEPYARD_BENCH_KEEP=DIR the synthetic store is copied to DIR afterwards (bench/run serves it to measure memory).
import Foundation
import StepyardCore
import StepyardStore

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Runs `git fast-import` on a stream into a new bare repository; returns its wall time.
func fastImport(_ stream: Data, into repo: URL) throws -> Double {
    let clock = ContinuousClock()
    let initProcess = Process()
    initProcess.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    initProcess.arguments = ["git", "init", "--quiet", "--bare", "--initial-branch=main", repo.path]
    try initProcess.run()
    initProcess.waitUntilExit()
    let start = clock.now
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "--git-dir", repo.path, "fast-import", "--quiet"]
    let input = Pipe()
    process.standardInput = input
    try process.run()
    input.fileHandleForWriting.write(stream)
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { fail("git fast-import failed") }
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// A fast-import stream committing `files` (path → bytes) in one commit on main.
func stream(_ files: [(String, [UInt8])], message: String) -> Data {
    var out = Data()
    func add(_ s: String) { out.append(contentsOf: Array(s.utf8)) }
    add("commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata \(message.utf8.count)\n\(message)\n")
    for (path, bytes) in files {
        add("M 100644 inline \(path)\ndata \(bytes.count)\n")
        out.append(contentsOf: bytes)
        add("\n")
    }
    add("\n")
    return out
}

let arguments = CommandLine.arguments
let catalog = URL(fileURLWithPath: arguments.count > 1 ? arguments[1] : "../shared/corpus/tekton-catalog")
let syntheticCount = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("stepyard-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: scratch) }
let author = Author(name: "Bench", email: "bench@example.com")

// 1. Import vs git fast-import of the same files (best of 3 each).
var importTimes: [Double] = [], fastImportTimes: [Double] = []
var importedFiles: [(String, [UInt8])] = []
for round in 0..<3 {
    let dir = scratch.appendingPathComponent("import-\(round)")
    let store = try Store.initialize(at: dir, author: author)
    var report: ImportReport?
    importTimes.append(try await seconds { report = try await store.importCatalog(from: catalog, author: author) })
    if round == 0 {
        // The same files, read back from the store's tree, for fast-import.
        for ref in report!.imported {
            let info = try await store.select(ResourceRef(parsing: ref))
            let folder = info.path.split(separator: "/").dropLast().joined(separator: "/")
            for name in [info.name + ".yaml", "README.md"] {
                let url = catalog.appendingPathComponent(info.kind.rawValue).appendingPathComponent(info.name)
                    .appendingPathComponent(info.version).appendingPathComponent(name)
                if let data = FileManager.default.contents(atPath: url.path) { importedFiles.append((folder + "/" + name, Array(data))) }
            }
        }
        print("imported \(report!.imported.count) versions (\(importedFiles.count) files), refused \(report!.refused.count)")
    }
    fastImportTimes.append(try fastImport(stream(importedFiles, message: "import"), into: scratch.appendingPathComponent("fast-\(round).git")))
}
let importBest = importTimes.min()!, fastBest = fastImportTimes.min()!

// 2. Cold reindex of a synthetic store with `syntheticCount` versions (written with fast-import).
let synthetic = scratch.appendingPathComponent("synthetic")
var files: [(String, [UInt8])] = [("stepyard.json", Array("{\"organisation\": \"tekton\"}\n".utf8))]
let perName = 10
for i in 0..<(syntheticCount / perName) {
    let name = "tool-\(i)"
    for v in 0..<perName {
        let version = "1.\(v).0"
        let yaml = """
            apiVersion: tekton.dev/v1
            kind: Task
            metadata:
              name: \(name)
              labels:
                app.kubernetes.io/version: "\(version)"
              annotations:
                tekton.dev/pipelines.minVersion: "0.50.0"
                tekton.dev/categories: Build Tools
                tekton.dev/tags: build, \(name)
                stepyard.dev/language: go
            spec:
              description: Builds and tests \(name) with the usual steps, version \(version).
              params:
                - name: url
                  description: The repository to clone.
                - name: revision
                  default: main
                - name: flags
                  type: array
                  default: ["-v"]
              results:
                - name: digest
                  description: The image digest.
              steps:
                - name: clone
                  image: alpine/git:2.45.2
                  script: git clone "$(params.url)" src && git -C src checkout "$(params.revision)"
                - name: test
                  image: golang:1.23
                  args: ["$(params.flags[*])"]
                  script: |
                    set -eu
                    cd src && go test ./...
                - name: build
                  image: gcr.io/kaniko-project/executor:v1.23.2
                  script: echo done > $(results.digest.path)

            """
        files.append(("task/\(name)/\(version)/\(name).yaml", Array(yaml.utf8)))
        files.append(("task/\(name)/\(version)/README.md", Array("# \(name)\n\nBuilds \(name).\n".utf8)))
    }
}
try FileManager.default.createDirectory(at: synthetic, withIntermediateDirectories: true)
_ = try fastImport(stream(files, message: "synthetic"), into: synthetic.appendingPathComponent("repo.git"))
var versions = 0
let cold = try await seconds {
    let store = try Store.open(at: synthetic)  // no index yet: built from git
    versions = try await store.allVersions().count
}
let warm = try await seconds {
    let store = try Store.open(at: synthetic)
    _ = try await store.reindex()
}
guard versions == syntheticCount / perName * perName else { fail("synthetic store indexed \(versions) versions") }
if let keep = ProcessInfo.processInfo.environment["STEPYARD_BENCH_KEEP"] {
    try? FileManager.default.removeItem(atPath: keep)
    try FileManager.default.copyItem(at: synthetic, to: URL(fileURLWithPath: keep))
}

func row(_ name: String, _ value: String, _ reference: String, _ target: String, _ ok: Bool) {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + value.padding(toLength: 12, withPad: " ", startingAt: 0)
          + reference.padding(toLength: 26, withPad: " ", startingAt: 0) + target.padding(toLength: 22, withPad: " ", startingAt: 0) + (ok ? "meets" : "MISSES"))
}
print("")
row("benchmark", "stepyard", "reference", "target", true)
row("import Tekton catalog (best of 3)", String(format: "%.2f s", importBest), String(format: "fast-import %.2f s", fastBest),
    "within 3x fast-import", importBest <= 3 * fastBest)
print(String(format: "  ratio import / fast-import: %.2fx", importBest / fastBest))
row("cold reindex, \(versions) versions", String(format: "%.2f s", cold), "-", "under 5 s", cold < 5)
row("reindex of an existing index, \(versions)", String(format: "%.2f s", warm), "-", "under 5 s", warm < 5)
