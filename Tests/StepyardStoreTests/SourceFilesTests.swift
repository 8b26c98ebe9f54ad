import Foundation
import StepyardStore
import StepyardTestSupport
import Testing

@Suite("Source files")
struct SourceFilesTests {
    /// Directories expand recursively to their YAML files, sorted, hidden folders skipped, the user's spelling kept.
    @Test func collectsYAMLRecursively() throws {
        let dir = try TemporaryDirectory()
        try dir.write("b/task.yaml", text: "a: 1")
        try dir.write("a/x.yml", text: "a: 1")
        try dir.write("a/notes.txt", text: "-")
        try dir.write(".git/config.yaml", text: "a: 1")
        let files = try SourceFiles.collect([dir.url.path + "/"])
        #expect(files == [dir.url.path + "/a/x.yml", dir.url.path + "/b/task.yaml"])
    }

    /// A missing path and a directory without YAML are errors that name the path.
    @Test func badPaths() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: SourceFilesError.notFound(dir.url.path + "/nope")) { try SourceFiles.collect([dir.url.path + "/nope"]) }
        #expect(throws: SourceFilesError.noYAML(dir.url.path)) { try SourceFiles.collect([dir.url.path]) }
    }

    /// A file over the limit is reported with its real size and not read whole.
    @Test func tooLarge() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("big.yaml", Data(count: 5000))
        guard case .tooLarge(let size) = try SourceFiles.read(path, limit: 100) else {
            Issue.record("expected tooLarge")
            return
        }
        #expect(size == 5000)
    }

    /// Stepyard links the system's libgit2.
    @Test func linksLibGit2() {
        #expect(LibGit2.version.split(separator: ".").count == 3)
    }
}
