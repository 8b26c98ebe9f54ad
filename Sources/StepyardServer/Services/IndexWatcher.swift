import Logging
import ServiceLifecycle
import StepyardStore

/// Notices commits made around the server (the CLI on the same store, a `git push` into `repo.git`) and catches the
/// index up, so they are served within about one interval. Runs as a service beside the HTTP server.
struct IndexWatcher: Service {
    let store: Store
    let state: ServerState
    /// Resolved templates, kept across commits that do not touch what they used.
    let cache: ResolvedCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await check()
            try? await Task.sleep(for: interval)
        }
    }

    /// Compares `refs/heads/main` with what the server serves and catches up when it moved; `countRefused` sets the
    /// refused-versions gauge even when nothing moved (the application's first check, at start).
    func check(countRefused: Bool = false) async {
        do {
            let head = try await store.headCommit()
            var indexed = try await store.indexedCommit()
            if head != indexed {
                ServerMetrics.indexBehind.record(1)
                let started = ContinuousClock.now
                let outcome = try await store.catchUp()
                indexed = try await store.indexedCommit()
                ServerMetrics.indexCatchUps.increment()
                let elapsed = ContinuousClock.now - started
                ServerMetrics.indexLag.record(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                logger.info("index caught up", metadata: ["stepyard.commit": .string(head ?? "-"), "stepyard.outcome": .string(outcome)])
                // Nothing in git is dropped silently: each version the gate refuses is logged, counted and listed.
                let refused = try await store.refused()
                ServerMetrics.refusedVersions.record(Double(refused.count))
                for version in refused {
                    logger.error("a version in git is refused and not served", metadata: [
                        "stepyard.path": .string(version.path), "stepyard.resource": .string(version.ref), "stepyard.reason": .string(version.reason),
                    ])
                }
            }
            ServerMetrics.indexBehind.record(0)
            if countRefused { ServerMetrics.refusedVersions.record(Double(try await store.refused().count)) }
            let departments = try await store.departments().map(\.name)
            if await state.serve(commit: indexed, departments: departments, store: store, cache: cache) {
                logger.debug("serving a new commit", metadata: ["stepyard.commit": .string(head ?? "-")])
            }
        } catch {
            logger.error("index watch failed", metadata: ["error": .string("\(error)")])
        }
    }
}
