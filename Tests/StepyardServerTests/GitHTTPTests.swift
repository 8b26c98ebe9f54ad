import Foundation
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardServer

/// Git smart HTTP with git's own client against a live server: clones of the organisation's and a department's views,
/// what Tekton's git resolver does, and that a view never hands out another namespace's objects.
@Suite struct GitHTTPTests {
    /// `git clone` of the organisation's view over protocol v2 and v0: the catalog layout, nothing of a department.
    @Test(arguments: ["2", "0"])
    func cloneTheOrganisationView(_ version: String) async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", name: "go-payments",
                                         author: ServerFixture.author)
        try await fixture.application().test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)/git"
            let work = try TemporaryDirectory()
            let clone = try await git(["-c", "protocol.version=\(version)", "clone", "-q", base + "/tekton.git", "org"], in: work.url)
            #expect(clone.status == 0, "\(clone.stderr)")
            let root = work.url.appendingPathComponent("org")
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == [".git", "pipeline", "stepaction", "task"])
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("task/go/1.0.0/go.yaml").path))
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("task/go/1.0.0/go.schema.json").path))
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("task/go/1.0.0/README.md").path))
            let (_, original) = try await fixture.store.content(of: try ResourceRef(parsing: "task/go@1.0.0"))
            #expect(try Array(Data(contentsOf: root.appendingPathComponent("task/go/1.0.0/go.yaml"))) == original)
            let log = try await git(["log", "--format=%an %s"], in: root)
            #expect(!log.stdout.contains("payments") && !log.stdout.contains("go-payments"), "\(log.stdout)")
            let all = try await git(["rev-list", "--objects", "--all"], in: root)
            #expect(!all.stdout.contains("departments") && !all.stdout.contains("go-payments"))
        }
    }

    /// A department's view: a member's token as the password; anonymous callers are challenged, other departments
    /// get the 404 of a repository that does not exist.
    @Test func cloneADepartmentView() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", name: "go-payments",
                                         author: ServerFixture.author)
        try await fixture.application().test(.live) { client in
            let port = client.port!
            let work = try TemporaryDirectory()
            let anonymous = try await git(["clone", "-q", "http://127.0.0.1:\(port)/git/payments.git", "a"], in: work.url)
            #expect(anonymous.status != 0 && anonymous.stderr.contains("could not read Username"), "\(anonymous.stderr)")
            let challenge = try await client.call(.get, "/git/payments.git/info/refs?service=git-upload-pack")
            #expect(challenge.status == .unauthorized && challenge.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
            let other = try await git(["clone", "-q", "http://lou:\(fixture.logistics)@127.0.0.1:\(port)/git/payments.git", "b"], in: work.url)
            #expect(other.status != 0 && other.stderr.contains("not found"), "\(other.stderr)")
            #expect(try await client.call(.get, "/git/payments.git/info/refs?service=git-upload-pack", token: fixture.logistics).status == .notFound)
            #expect(try await client.call(.get, "/git/nowhere.git/info/refs?service=git-upload-pack", token: fixture.logistics).status == .notFound)
            let member = try await git(["clone", "-q", "http://pam:\(fixture.payments)@127.0.0.1:\(port)/git/payments.git", "c"], in: work.url)
            #expect(member.status == 0, "\(member.stderr)")
            let root = work.url.appendingPathComponent("c")
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("task/go-payments/1.0.0/go-payments.yaml").path))
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("task/go-payments/1.0.0/fork.json").path))
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("task/go").path))
            // The whole repository is for admins.
            #expect(try await client.call(.get, "/git/repo.git/info/refs?service=git-upload-pack", token: fixture.payments).status == .forbidden)
            // A replica token reads it (and every view), and changes nothing.
            let replica = try fixture.tokens.create(name: "Replica", role: .replica, departments: []).secret
            #expect(try await client.call(.get, "/git/repo.git/info/refs?service=git-upload-pack", token: replica).status == .ok)
            #expect(try await client.call(.get, "/git/payments.git/info/refs?service=git-upload-pack", token: replica).status == .ok)
            #expect(try await client.call(.get, "/git/payments.git/info/refs?service=git-receive-pack", token: replica).status == .forbidden)
            #expect(try await client.call(.put, "/api/v1/resources/tekton/task/x/1.0.0", token: replica, body: taskYAML("x", "1.0.0"),
                                          contentType: "application/yaml").status == .forbidden)
            let whole = try await git(["clone", "-q", "--bare", "http://ada:\(fixture.admin)@127.0.0.1:\(port)/git/repo.git", "whole.git"], in: work.url)
            #expect(whole.status == 0, "\(whole.stderr)")
            #expect(try await git(["cat-file", "-e", "main:departments/payments/task/go-payments/1.0.0/go-payments.yaml"],
                            in: work.url.appendingPathComponent("whole.git")).status == 0)
        }
    }

    /// What Tekton's git resolver runs (pkg/resolution/resolver/git/repository.go at tektoncd/pipeline
    /// 3ee1745ae5b2d9175b11917d7c1935eaad44910c): `clone --depth=1 --no-checkout`, `fetch origin --depth=1 -- REVISION`,
    /// `checkout FETCH_HEAD`, read `pathInRepo`, `rev-list -n1 HEAD`; the token as Basic auth in `http.extraHeader`.
    @Test(arguments: ["main", "commit"])
    func whatTektonsGitResolverDoes(_ revision: String) async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        try await fixture.application().test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/git/payments.git"
            let work = try TemporaryDirectory()
            let header = "Authorization: Basic " + Data("git:\(fixture.payments)".utf8).base64EncodedString()
            let environment = ["GIT_TERMINAL_PROMPT": "false", "GIT_AUTH_HEADER": header]
            let auth = ["--config-env", "http.extraHeader=GIT_AUTH_HEADER"]
            let directory = work.url.appendingPathComponent("resolver")
            #expect(try await git(["-C", work.url.path] + auth + ["clone", "--depth=1", "--no-checkout", "--", url, directory.path], environment: environment).status == 0)
            var wanted = revision
            if revision == "commit" {
                let refs = try await client.call(.get, "/git/payments.git/info/refs?service=git-upload-pack", token: fixture.payments)
                #expect(refs.status == .ok)
                wanted = try await git(["-C", directory.path, "rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let fetch = try await git(["-C", directory.path] + auth + ["fetch", "origin", "--depth=1", "--", wanted], environment: environment)
            #expect(fetch.status == 0, "\(fetch.stderr)")
            #expect(try await git(["-C", directory.path, "checkout", "FETCH_HEAD"]).status == 0)
            let file = directory.appendingPathComponent("task/go/1.0.0/go.yaml")
            let (_, original) = try await fixture.store.content(of: try ResourceRef(parsing: "payments/task/go@1.0.0"))
            #expect(try Array(Data(contentsOf: file)) == original)
            #expect(try await git(["-C", directory.path, "rev-list", "-n1", "HEAD"]).stdout.count == 41)
        }
    }

    /// Protocol v2 lets a client want any object id; a view holds only its own, so an object of a department
    /// cannot be fetched through the organisation's view even by id.
    @Test func aDepartmentsObjectCannotBeFetchedThroughTheOrganisationView() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.publish(PublishRequest(document: Array(taskYAML("secret-build", "1.0.0", description: "Payments only.").utf8),
                                                           sourcePath: "secret-build.yaml", department: "payments"), author: ServerFixture.author)
        try await fixture.application().test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)/git"
            let work = try TemporaryDirectory()
            #expect(try await git(["clone", "-q", "http://pam:\(fixture.payments)@\(base.dropFirst("http://".count))/payments.git", "dept"], in: work.url).status == 0)
            let department = work.url.appendingPathComponent("dept")
            let blob = try await git(["rev-parse", "HEAD:task/secret-build/1.0.0/secret-build.yaml"], in: department).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let commit = try await git(["rev-parse", "HEAD"], in: department).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(blob.count == 40 && commit.count == 40)
            #expect(try await git(["clone", "-q", base + "/tekton.git", "org"], in: work.url).status == 0)
            let organisation = work.url.appendingPathComponent("org")
            for id in [blob, commit] {
                for version in ["2", "0"] {
                    let fetch = try await git(["-c", "protocol.version=\(version)", "fetch", "origin", id], in: organisation)
                    #expect(fetch.status != 0 && fetch.stderr.contains("not our ref"), "\(fetch.stderr)")
                }
                #expect(try await git(["cat-file", "-e", id], in: organisation).status != 0)
            }
        }
    }
}

extension GitHTTPTests {
    /// `git push` to a view is a publish: new version folders pass the gate and become one commit authored by the
    /// token's name; a push with anything refused is refused whole, its reasons printed, nothing written.
    @Test func pushPublishesOrIsRefusedWhole() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.live) { client in
            let port = client.port!
            let work = try TemporaryDirectory()
            let url = "http://pam:\(fixture.payments)@127.0.0.1:\(port)/git/payments.git"
            // An empty department's view: clone, add a version, push.
            #expect(try await git(["clone", "-q", url, "dept"], in: work.url).status == 0)
            let clone = work.url.appendingPathComponent("dept")
            func add(_ name: String, _ version: String, _ yaml: String) throws {
                let folder = clone.appendingPathComponent("task/\(name)/\(version)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(yaml.utf8).write(to: folder.appendingPathComponent("\(name).yaml"))
            }
            func commit(_ message: String) async throws {
                #expect(try await git(["add", "-A"], in: clone).status == 0)
                #expect(try await git(["-c", "user.name=Pam", "-c", "user.email=pam@example.com", "commit", "-qm", message], in: clone).status == 0)
            }
            try add("hello", "1.0.0", taskYAML("hello", "1.0.0"))
            try add("bye", "1.0.0", taskYAML("bye", "1.0.0"))
            try await commit("hello and bye")
            let pushed = try await git(["push", "origin", "HEAD:main"], in: clone)
            #expect(pushed.status == 0, "\(pushed.stderr)")
            #expect(pushed.stderr.contains("remote: stepyard: published payments/task/hello@1.0.0 sha256:"))
            #expect(pushed.stderr.contains("remote: stepyard: published payments/task/bye@1.0.0 sha256:"))
            let hello = try await fixture.store.versions(of: try ResourceRef(parsing: "payments/task/hello"))
            #expect(hello.map(\.version) == ["1.0.0"])
            let history = try await fixture.store.history(of: try ResourceRef(parsing: "payments/task/hello"))
            #expect(history.first?.author == "Pam Payments" && history.first?.message.hasPrefix("Push 2 versions to department payments") == true)
            #expect(history.filter { $0.message.hasPrefix("Push") }.count == 1)
            // The view shows what the store wrote (a README it made), after the pushed commit.
            #expect(try await git(["pull", "-q", "--ff-only"], in: clone).status == 0)
            #expect(FileManager.default.fileExists(atPath: clone.appendingPathComponent("task/hello/1.0.0/README.md").path))

            // Refused whole: a change to a published file and a version the gate refuses; nothing is written.
            try Data("# changed\n".utf8).write(to: clone.appendingPathComponent("task/hello/1.0.0/README.md"))
            try add("broken", "1.0.0", taskYAML("broken", "1.0.0", image: "\"\""))
            try add("fine", "1.0.0", taskYAML("fine", "1.0.0"))
            try await commit("mixed")
            let refused = try await git(["push", "origin", "HEAD:main"], in: clone)
            #expect(refused.status != 0 && refused.stderr.contains("pre-receive hook declined"), "\(refused.stderr)")
            #expect(refused.stderr.contains("remote: stepyard: push refused, nothing was written:"))
            #expect(refused.stderr.contains("task/hello/1.0.0/README.md: a published version is immutable"))
            #expect(refused.stderr.contains("task/broken/1.0.0") && refused.stderr.contains("[tekton.step-image]"))
            #expect((try? await fixture.store.versions(of: try ResourceRef(parsing: "payments/task/fine"))) == nil)
            #expect((try? await fixture.store.versions(of: try ResourceRef(parsing: "payments/task/broken"))) == nil)
            let remoteHead = try await git(["ls-remote", url, "refs/heads/main"]).stdout
            let localBefore = try await git(["rev-parse", "HEAD~1"], in: clone).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(remoteHead.hasPrefix(localBefore), "\(remoteHead) vs \(localBefore)")
        }
    }

    /// Two pushes to one view at once: one at a time; the second, made against what is no longer the view's head, is
    /// refused before anything of it is written, so the store holds exactly what the pushers were told.
    @Test func concurrentPushesToOneView() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.live) { client in
            let work = try TemporaryDirectory()
            let url = "http://pam:\(fixture.payments)@127.0.0.1:\(client.port!)/git/payments.git"
            var clones: [URL] = []
            for name in ["a", "b"] {
                #expect(try await git(["clone", "-q", url, name], in: work.url).status == 0)
                let clone = work.url.appendingPathComponent(name)
                let folder = clone.appendingPathComponent("task/from-\(name)/1.0.0")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(taskYAML("from-\(name)", "1.0.0").utf8).write(to: folder.appendingPathComponent("from-\(name).yaml"))
                #expect(try await git(["add", "-A"], in: clone).status == 0)
                #expect(try await git(["-c", "user.name=P", "-c", "user.email=p@example.com", "commit", "-qm", name], in: clone).status == 0)
                clones.append(clone)
            }
            async let first = git(["push", "origin", "HEAD:main"], in: clones[0])
            async let second = git(["push", "origin", "HEAD:main"], in: clones[1])
            let results = try await [first, second]
            #expect(results.filter { $0.status == 0 }.count == 1, "\(results.map(\.stderr))")
            let winner = results[0].status == 0 ? "a" : "b", loser = winner == "a" ? "b" : "a"
            #expect(try await fixture.store.versions(of: try ResourceRef(parsing: "payments/task/from-\(winner)")).count == 1)
            #expect((try? await fixture.store.versions(of: try ResourceRef(parsing: "payments/task/from-\(loser)"))) == nil)
        }
    }

    /// A request git cannot read is the client's mistake: 400 with git's words, never a 200 with nothing or a 500.
    /// (A request git reads but refuses, such as a want of an object the view lacks, gets git's own `ERR` answer.)
    @Test(arguments: ["garbage", "", "00"])
    func unreadableGitRequests(_ body: String) async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.live) { client in
            let answer = try await client.call(.post, "/git/tekton.git/git-upload-pack", body: body,
                                               contentType: "application/x-git-upload-pack-request")
            #expect(answer.status == .badRequest && answer.json["error"]?["message"]?.stringValue?.hasPrefix("git could not read the request") == true,
                    "\(answer.status) \(answer.text)")
        }
    }

    /// Who may push where: a token is asked for, a member pushes only to its department, nobody to the whole repository.
    @Test func pushNeedsWriteAccess() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.live) { client in
            let refs = "/git/payments.git/info/refs?service=git-receive-pack"
            let anonymous = try await client.call(.get, refs)
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            #expect(try await client.call(.post, "/git/payments.git/git-receive-pack", body: "0000",
                                          contentType: "application/x-git-receive-pack-request").status == .unauthorized)
            #expect(try await client.call(.get, refs, token: fixture.logistics).status == .notFound)
            #expect(try await client.call(.get, "/git/tekton.git/info/refs?service=git-receive-pack", token: fixture.payments).status == .forbidden)
            #expect(try await client.call(.get, "/git/repo.git/info/refs?service=git-receive-pack", token: fixture.admin).status == .forbidden)
            let allowed = try await client.call(.get, refs, token: fixture.payments)
            #expect(allowed.status == .ok && allowed.headers[.contentType] == "application/x-git-receive-pack-advertisement")
        }
    }
}

extension GitHTTPTests {
    /// At most `running` git programs at once, the next ones in order, and past `waiting` a refusal at once.
    @Test func gitProgramsRunWithinTheirLimit() async throws {
        let limit = GitProcessLimit(running: 2, waiting: 1)
        try await limit.acquire()
        try await limit.acquire()
        #expect(limit.load == (2, 0))
        let third = Task { try await limit.acquire() }
        while limit.load.queued == 0 { await Task.yield() }
        await #expect(throws: APIError.self) { try await limit.acquire() }
        limit.release()
        try await third.value
        #expect(limit.load == (2, 0))
        limit.release()
        limit.release()
        #expect(limit.load == (0, 0))
    }
}

/// Runs `git`; its exit status, standard output and standard error. On a thread of its own: the server under test
/// answers git in this same process, so waiting for git on the concurrency pool's few threads could starve it.
func git(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let isolated = ["GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"]
    return try await run("git", arguments, in: directory, environment: isolated.merging(environment) { $1 })
}

/// Runs a program found on the PATH to its end, on a thread of its own (never on the cooperative pool, which the
/// server under test needs), and returns its exit status and output.
func run(_ program: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws
    -> (status: Int32, stdout: String, stderr: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
            if let directory { process.currentDirectoryURL = directory }
            var env = ProcessInfo.processInfo.environment
            for (key, value) in environment { env[key] = value }
            process.environment = env
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            do { try process.run() } catch {
                continuation.resume(throwing: error)
                return
            }
            // Standard error on another thread, so a full pipe of one never stops the other.
            let collected = ErrorOutput()
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                collected.data = errors.fileHandleForReading.readDataToEndOfFile()
                done.signal()
            }
            let out = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            done.wait()
            continuation.resume(returning: (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: collected.data, as: UTF8.self)))
        }
    }
}

private final class ErrorOutput: @unchecked Sendable {
    var data = Data()
}
