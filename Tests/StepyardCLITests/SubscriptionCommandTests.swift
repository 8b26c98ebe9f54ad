import Foundation
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardCLI

/// `stepyard subscription`: what it refuses, and a subscription's way from `add` to `test`, `deliveries` and `remove`.
@Suite struct SubscriptionCommandTests {
    @Test(arguments: [
        (["ftp://example.com/x"], "is not an http:// or https:// URL"),
        (["https://example.com/x", "--type", "dev.stepyard.nothing"], "--type dev.stepyard.nothing is not an event type"),
        (["https://example.com/x", "--type", "dev.stepyard.test"], "--type dev.stepyard.test is not an event type"),
        (["https://example.com/x", "--secret", "short"], "--secret must be at least 16 characters"),
        (["https://example.com/x", "--format", "xml"], "--format must be cloudevents or chat"),
        (["https://example.com/x", "--department", "nowhere"], "nowhere"),
    ])
    func refusals(_ arguments: [String], _ words: String) async throws {
        let work = try TemporaryDirectory()
        let store = work.url.appendingPathComponent("store").path
        _ = await StepyardMain.run(["init", "--store", store])
        let result = await StepyardMain.run(["subscription", "add"] + arguments + ["--store", store])
        #expect(result.exitCode != 0 && result.stderr.contains(words), "\(result.stderr)")
        #expect(await StepyardMain.run(["subscription", "list", "--store", store]).stdout == "no subscriptions\n")
    }

    @Test func addTestAndRemove() async throws {
        let work = try TemporaryDirectory()
        let store = work.url.appendingPathComponent("store").path
        _ = await StepyardMain.run(["init", "--store", store])
        let added = await StepyardMain.run(["subscription", "add", "https://hooks.example.com/x", "--type", "dev.stepyard.version.published",
                                            "--secret", "sixteen-characters!", "--store", store])
        #expect(added.exitCode == 0, "\(added.stderr)")
        let id = try #require(added.stdout.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
        #expect(id.wholeMatch(of: /sub-[0-9a-f]{8}/) != nil, "\(added.stdout)")
        let test = await StepyardMain.run(["subscription", "test", id, "--store", store])
        #expect(test.exitCode == 0 && test.stdout.hasPrefix("queued test/"), "\(test.stdout)")
        let log = await StepyardMain.run(["subscription", "deliveries", id, "--store", store])
        #expect(log.stdout.contains("dev.stepyard.test") && log.stdout.contains("pending, 0 attempt(s)"), "\(log.stdout)")
        let listed = await StepyardMain.run(["subscription", "list", "--store", store])
        #expect(listed.stdout.contains(id) && listed.stdout.contains("signed"), "\(listed.stdout)")
        #expect(await StepyardMain.run(["subscription", "remove", id, "--store", store]).exitCode == 0)
        #expect(await StepyardMain.run(["subscription", "remove", id, "--store", store]).exitCode != 0)
    }
}
