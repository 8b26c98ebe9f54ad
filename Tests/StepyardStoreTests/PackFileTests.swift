import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore

@Suite("Pack files written by the store")
struct PackFileTests {
    /// Type and size headers as the pack format spells them: 4 bits of size first, then 7 bits a byte.
    @Test func objectHeaders() {
        func header(_ kind: PackFile.Kind, _ size: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            PackFile.appendHeader(kind: kind, size: size, to: &bytes)
            return bytes
        }
        #expect(header(.blob, 0) == [0x30])
        #expect(header(.blob, 15) == [0x3f])
        #expect(header(.blob, 16) == [0xb0, 0x01])
        #expect(header(.tree, 100) == [0xa4, 0x06])
        #expect(header(.commit, 1 << 20) == [0x90, 0x80, 0x80, 0x04])
    }

    /// A large write on top of history lands as one pack that git itself verifies, holding only the objects the
    /// repository lacked: unchanged folders and content it already had are not written again.
    @Test func largeWriteLandsAsOnePackOfNewObjects() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url.appendingPathComponent("repo.git").path
        let git = try GitRepository.create(at: path, branch: "main")
        let signature = GitSignature(name: "Alice", email: "alice@example.com", time: 1_700_000_000)
        let first = try git.commit(changes: ["kept/a.txt": Array("kept\n".utf8), "shared.txt": Array("same\n".utf8)],
                                   parent: nil, author: signature, message: "small")
        var changes: [String: [UInt8]?] = ["copy/of-shared.txt": Array("same\n".utf8), "empty.txt": []]
        for i in 0..<(GitRepository.packThreshold + 10) {
            changes["many/\(i / 10)/file-\(i).txt"] = Array(String(repeating: "line \(i)\n", count: i + 1).utf8)
        }
        var written: [ObjectID: [UInt8]] = [:]
        let second = try git.commit(changes: changes, parent: first, author: signature, message: "large", written: &written)
        #expect(try git.updateReference("refs/heads/main", to: second, expecting: nil, message: "large"))

        // Every file reads back as written, the untouched folder included.
        let files = try git.files(at: second)
        #expect(files.count == changes.count + 2)
        for file in files {
            let expected = changes[file.path] ?? (file.path == "kept/a.txt" ? Array("kept\n".utf8) : Array("same\n".utf8))
            #expect(try git.blobContent(file.blob) == expected, "\(file.path)")
        }
        #expect(Set(written.values) == Set(changes.values.compactMap { $0 }))

        // git agrees the repository is whole, and the pack holds only what was new.
        #expect(try gitOutput(["--git-dir", path, "fsck", "--strict"]).status == 0)
        let packs = try FileManager.default.contentsOfDirectory(atPath: path + "/objects/pack").filter { $0.hasSuffix(".pack") }
        try #require(packs.count == 1)
        let verify = try gitOutput(["verify-pack", "-v", path + "/objects/pack/" + packs[0]])
        #expect(verify.status == 0)
        let objects = verify.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            .filter { $0.count >= 5 && $0[0].count == 40 && $0[0].allSatisfy(\.isHexDigit) }
        // The commit, the trees of root, copy/, many/ and many/0…7, and the new blobs; not shared.txt, not kept/.
        let manyFolders = Set((0..<(GitRepository.packThreshold + 10)).map { $0 / 10 }).count
        #expect(objects.count == 1 + (3 + manyFolders) + (GitRepository.packThreshold + 10 + 1))
        #expect(objects.allSatisfy { $0.count == 5 })  // whole objects: a delta line also names its base
    }

    /// An import (one packed commit) indexes straight from the bytes it wrote; the rows equal a fresh reindex.
    @Test func importIndexEqualsReindex() async throws {
        let dir = try TemporaryDirectory()
        for i in 0..<40 {
            for version in ["0.1", "0.2"] {
                _ = try dir.write("catalog/task/tool-\(i)/\(version)/tool-\(i).yaml", text: taskYAML("tool-\(i)", version))
                _ = try dir.write("catalog/task/tool-\(i)/\(version)/README.md", text: "# tool-\(i)\n\nBuilds tool \(i).\n")
            }
        }
        let store = try Store.initialize(at: dir.url.appendingPathComponent("store"), author: alice)
        let report = try await store.importCatalog(from: dir.url.appendingPathComponent("catalog"), author: alice)
        #expect(report.imported.count == 80 && report.refused.isEmpty)
        let imported = try await store.indexSnapshot()
        #expect(try await store.reindex() == 80)
        #expect(try await store.indexSnapshot() == imported)
        let repo = dir.url.appendingPathComponent("store/repo.git").path
        #expect(try gitOutput(["--git-dir", repo, "fsck", "--strict"]).status == 0)
    }
}

/// Runs `git` with `arguments`; its exit status and standard output.
private func gitOutput(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
