import Foundation
import StepyardCore
import StepyardStore
import Testing
@testable import StepyardServer

/// The resolved cache forgets only what a commit changed, and resolves a key many requests miss at once once.
@Suite("Resolved cache")
struct ResolvedCacheTests {
    /// A commit that touches nothing an entry used keeps it; one that adds a version of a resource it used (or an
    /// unknown change) drops it.
    @Test func commitsDropOnlyWhatTheyChanged() async throws {
        let fixture = try await ServerFixture.make()
        let state = ServerState(), cache = ResolvedCache(capacity: 16)
        await state.serve(commit: try await fixture.store.indexedCommit(), departments: ["payments", "logistics"], store: fixture.store, cache: cache)
        cache.store(.init(Representation(bytes: [1], contentType: "application/yaml", negotiated: true), uses: ["task/git-clone", "stepaction/git-clone"]), for: "git-clone", generation: state.generation)
        cache.store(.init(Representation(bytes: [2], contentType: "application/yaml", negotiated: true), uses: ["task/ledger-close"]), for: "ledger-close", generation: state.generation)

        // An unrelated publish: both stay.
        _ = try await fixture.store.publish(PublishRequest(document: Array(taskYAML("unrelated", "1.0.0").utf8), sourcePath: "u.yaml"),
                                            author: ServerFixture.author)
        #expect(await state.serve(commit: try await fixture.store.indexedCommit(), departments: ["payments", "logistics"], store: fixture.store, cache: cache))
        #expect(cache.lookup("git-clone", generation: state.generation)?.body == [1])
        #expect(cache.lookup("ledger-close", generation: state.generation)?.body == [2])

        // A new version of a resource git-clone's entry used, in a department: it goes, the other stays.
        _ = try await fixture.store.publish(PublishRequest(document: Array(taskYAML("git-clone", "9.0.0").utf8), sourcePath: "g.yaml",
                                                           department: "logistics"), author: ServerFixture.author)
        await state.serve(commit: try await fixture.store.indexedCommit(), departments: ["payments", "logistics"], store: fixture.store, cache: cache)
        #expect(cache.lookup("git-clone", generation: state.generation) == nil)
        #expect(cache.lookup("ledger-close", generation: state.generation)?.body == [2])
        #expect(cache.count(generation: state.generation) == 1)

        // What changed cannot be told (no commit before): everything goes.
        cache.advance(from: state.generation, to: state.generation + 1, changed: nil)
        #expect(cache.count(generation: state.generation + 1) == 0)
    }

    /// Ten requests missing one key while it is being resolved wait for that one resolution.
    @Test func concurrentMissesResolveOnce() async throws {
        actor Runs {
            var count = 0
            func add() { count += 1 }
        }
        let flights = SingleFlight<Int>(), runs = Runs()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                try await flights.run("k") {
                    await runs.add()
                    for await _ in gate { break }
                    return 42
                }
            }
            while await flights.waiting(for: "k") == nil { await Task.yield() }
            for _ in 0..<9 { group.addTask { try await flights.run("k") { await runs.add(); return 0 } } }
            while await flights.waiting(for: "k") != 9 { await Task.yield() }
            open.yield()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: 42, count: 10))
        #expect(await runs.count == 1)
    }
}
