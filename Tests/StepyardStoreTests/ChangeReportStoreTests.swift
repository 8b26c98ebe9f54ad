import Foundation
import StepyardCore
import StepyardTestSupport
import Testing
@testable import StepyardStore


@Suite("Change reports in the store")
struct ChangeReportStoreTests {
    /// Two versions selected by version, range or digest; an unknown version names the versions there are.
    @Test func betweenVersions() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.publish(request(changingGo("1.0.0")), author: alice)
        let middle = try await store.publish(request(changingGo("1.1.0", race: true)), author: alice)
        _ = try await store.publish(request(changingGo("1.2.0", count: "10", image: "golang:1.23", race: true)), author: alice)
        let go = try ResourceRef(parsing: "task/go")
        let report = try await store.changes(of: go, from: try #require(VersionSelector("1.0.0")), to: try #require(VersionSelector("1.2.0")))
        #expect(report.lines == [
            #"params.count.default: "1" → "10" [compatible]"#,
            "params.race: added (optional) [compatible]",
            "spec.steps[test].image: golang:1.22 → golang:1.23 [compatible]",
        ])
        #expect(report.from == "1.0.0" && report.to == "1.2.0")
        let ranged = try await store.changes(of: go, from: try #require(VersionSelector(middle.digest)), to: try #require(VersionSelector("^1")))
        #expect(ranged.from == "1.1.0" && ranged.to == "1.2.0" && ranged.changes.map(\.path) == ["params.count.default", "spec.steps[test].image"])

        _ = try await store.yank(ResourceRef(parsing: "task/go@1.1.0"), author: alice)
        let unknown = await #expect(throws: StoreError.self) {
            try await store.changes(of: go, from: try #require(VersionSelector("1.0.0")), to: try #require(VersionSelector("9.9")))
        }
        #expect(unknown?.description == "no version of task/go@9.9 (task/go has 1.0.0, 1.1.0 (yanked), 1.2.0) matches")
        let missing = await #expect(throws: StoreError.self) {
            try await store.changes(of: ResourceRef(parsing: "task/nope"), from: try #require(VersionSelector("1.0.0")), to: try #require(VersionSelector("1.2.0")))
        }
        #expect(missing?.description == "task/nope not found")
    }

    /// The publish gate reads the whole report: a bumped image shows in a dry run, a removed param is refused with
    /// the breaking line.
    @Test func theGateReadsTheReport() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.publish(request(changingGo("1.0.0")), author: alice)
        var bump = request(changingGo("1.0.1", image: "golang:1.23"))
        bump.dryRun = true
        #expect(try await store.publish(bump, author: alice).changes
                == [PublishResult.Change(path: "spec.steps[test].image", message: "golang:1.22 → golang:1.23", breaking: false)])
        let refused = await #expect(throws: StoreError.self) { try await store.publish(request(changingGo("1.1.0", url: false)), author: alice) }
        guard case .breakingChange(let report)? = refused else { Issue.record("\(String(describing: refused))"); return }
        #expect(report.lines == ["params.url: removed (values passed for it are now refused) [breaking]"])
    }

    /// A fork's diff is the change report from its upstream to it, breaking changes marked, with fork and upstream
    /// beside the report in JSON.
    @Test func forkDiffIsTheReport() async throws {
        let (store, _dir) = try makeStore()
        _ = _dir
        _ = try await store.createDepartment("payments", author: alice)
        _ = try await store.publish(request(changingGo("1.0.0")), author: alice)
        _ = try await store.fork(ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: alice)
        var ours = request(changingGo("1.0.1", count: nil, image: "registry.payments.example/golang:1.22"), department: "payments")
        ours.allowBreaking = true
        _ = try await store.publish(ours, author: alice)
        let diff = try await store.diff(ResourceRef(parsing: "payments/task/go"))
        #expect(diff.report.from == "task/go@1.0.0" && diff.report.to == "payments/task/go@1.0.1" && diff.report.isBreaking)
        #expect(diff.report.lines == [
            #"params.count.default: removed (was "1"): the param is now required [breaking]"#,
            "spec.steps[test].image: golang:1.22 → registry.payments.example/golang:1.22 [compatible]",
        ])
        let json = try JSONValue(parsingJSON: String(decoding: try JSONEncoder().encode(diff), as: UTF8.self))
        #expect(Set(json.objectValue?.keys.map { $0 } ?? []) == ["fork", "upstream", "from", "to", "breaking", "changes"])
        #expect(json["fork"] == "payments/task/go@1.0.1" && json["upstream"] == "task/go@1.0.0" && json["breaking"] == true)
        #expect(json["changes"]?[1] == ["path": "spec.steps[test].image", "kind": "changed", "before": "golang:1.22",
                                        "after": "registry.payments.example/golang:1.22", "breaking": false,
                                        "message": "golang:1.22 → registry.payments.example/golang:1.22"])
        let decoded = try JSONDecoder().decode(ForkDiff.self, from: try JSONEncoder().encode(diff))
        #expect(decoded.report == diff.report && decoded.fork == diff.fork)
    }
}
