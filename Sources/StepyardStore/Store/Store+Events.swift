import Foundation
import GRDB
import StepyardCore

/// Events: the catalog's changes, derived from its commits (so a change made any way — publish, the API, a git push,
/// a sync, the CLI — is told), subscriptions, the outbox and its deliveries, and the runs Tekton reports
/// (`EventLog`). Everything runs on the store's queue, off the server's event loops.
extension Store {
    func eventLog() throws(StoreError) -> EventLog {
        if let openedEventLog { return openedEventLog }
        do {
            let log = try EventLog.open(at: directory.appendingPathComponent("events.sqlite").path)
            openedEventLog = log
            return log
        } catch {
            throw .index("the events log \(directory.appendingPathComponent("events.sqlite").path) cannot be opened: \(error)")
        }
    }

    private func events<T>(_ body: (EventLog) throws -> T) throws(StoreError) -> T {
        let log = try eventLog()
        do { return try body(log) } catch let error as StoreError { throw error } catch { throw .index("events log: \(error)") }
    }

    // MARK: - Subscriptions

    public func addSubscription(_ subscription: Subscription) throws(StoreError) {
        try events { try $0.add(subscription) }
    }

    /// The subscriptions of `namespaces` (every one when `nil`).
    public func subscriptions(in namespaces: Set<String>? = nil) throws(StoreError) -> [Subscription] {
        try events { try $0.subscriptions(in: namespaces) }
    }

    public func subscription(_ id: String) throws(StoreError) -> Subscription? {
        try events { try $0.subscription(id) }
    }

    @discardableResult
    public func removeSubscription(_ id: String) throws(StoreError) -> Bool {
        try events { try $0.remove(id) }
    }

    // MARK: - The outbox

    /// Records events that do not come from commits (a test, a run's result, a failed sync) with their deliveries.
    @discardableResult
    public func record(_ recorded: [StoreEvent]) throws(StoreError) -> Int {
        try events { try $0.enqueue(recorded, cursor: nil) }
    }

    public func dueDeliveries(now: Date, limit: Int) throws(StoreError) -> [(delivery: Delivery, event: StoreEvent, subscription: Subscription)] {
        try events { try $0.due(now: now, limit: limit) }
    }

    public func nextDelivery() throws(StoreError) -> Date? {
        try events { try $0.nextDue() }
    }

    public func recordAttempt(subscription: String, event: String, statusCode: Int?, error: String?, delivered: Bool,
                              retryAt: Date?) throws(StoreError) {
        try events { try $0.record(subscription: subscription, event: event, statusCode: statusCode, error: error, delivered: delivered, retryAt: retryAt) }
    }

    /// Forgets ended deliveries, and events no delivery needs, older than `date`.
    @discardableResult
    public func pruneEvents(before date: Date) throws(StoreError) -> Int {
        try events { try $0.prune(before: date) }
    }

    public func deliveries(of subscription: String, limit: Int = 100) throws(StoreError) -> [Delivery] {
        try events { try $0.deliveries(of: subscription, limit: limit) }
    }

    public func delivery(subscription: String, event: String) throws(StoreError) -> Delivery? {
        try events { try $0.delivery(subscription: subscription, event: event) }
    }

    // MARK: - Runs

    /// Records a run's report; `true` when it changed what is recorded (its first start or its end).
    public func record(_ run: RunReport) throws(StoreError) -> Bool {
        try events { try $0.record(run) }
    }

    public func usage(of ref: ResourceRef) throws(StoreError) -> VersionUsage {
        let info = try select(ref)
        return try events { try $0.usage(of: VersionKey(namespace: info.namespace, kind: info.kind, name: info.name, version: info.version)) }
    }

    // MARK: - Events from commits

    /// Turns the commits since the events log's cursor into events, records them with their deliveries and moves the
    /// cursor, in one transaction. The first time, the cursor starts at the head (history before is not told).
    /// At most `limit` commits per call (the oldest first); call again while it returns `limit`.
    /// - Returns: the commits read.
    @discardableResult
    public func catchUpEvents(limit: Int = 200) throws(StoreError) -> Int {
        let log = try eventLog()
        guard let head = try head() else { return 0 }
        let cursor: String?
        do { cursor = try log.cursor() } catch { throw .index("events log: \(error)") }
        guard let cursor else {
            do { try log.enqueue([], cursor: head.description) } catch { throw .index("events log: \(error)") }
            return 0
        }
        if cursor == head.description { return 0 }
        // The first-parent chain back from the head to the cursor (a cursor no longer in it: the last `limit` commits).
        var chain: [CommitInfo] = []
        var next: ObjectID? = head
        do {
            while let id = next, id.description != cursor, chain.count < 10_000 {
                let commit = try git.commit(id)
                chain.append(commit)
                next = commit.parents.first
            }
        } catch {
            throw .git(error)
        }
        let batch = Array(chain.reversed().prefix(limit))
        var derived: [StoreEvent] = []
        for commit in batch { derived += try events(of: commit) }
        do { try log.enqueue(derived, cursor: batch.last?.id.description ?? head.description) } catch { throw .index("events log: \(error)") }
        return batch.count
    }

    /// The events of one commit: versions published (and forks created or upgraded), lifecycle changes, and for each
    /// organisation version published, the forks it is a new upstream for.
    func events(of commit: CommitInfo) throws(StoreError) -> [StoreEvent] {
        let parent = commit.parents.first
        let paths: Set<String>
        do { paths = try git.changedPaths(from: parent, to: commit.id) } catch { throw .git(error) }
        var keys: [VersionKey: Set<String>] = [:]
        for path in paths {
            if case .version(let key, let file) = RepositoryLayout.entry(for: path, organisation: organisation) { keys[key, default: []].insert(file) }
        }
        let time = EventLog.timestamp(Date(timeIntervalSince1970: TimeInterval(commit.author.time)))
        let author = "\(commit.author.name) <\(commit.author.email)>"
        let message = commit.message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        var found: [StoreEvent] = []
        for key in keys.keys.sorted() {
            let files = keys[key]!
            let folder = RepositoryLayout.folder(of: key, organisation: organisation)
            let subject = (key.namespace == organisation ? "" : key.namespace + "/") + "\(key.kind.rawValue)/\(key.name)@\(key.version)"
            func event(_ type: String, _ extra: [String: JSONValue] = [:]) -> StoreEvent {
                var data: [String: JSONValue] = ["namespace": .string(key.namespace), "kind": .string(key.kind.rawValue), "name": .string(key.name),
                                                 "version": .string(key.version), "reference": .string(subject), "author": .string(author),
                                                 "message": .string(message), "commit": .string(commit.id.description)]
                for (name, value) in extra { data[name] = value }
                return StoreEvent(id: "\(commit.id)/\(type)/\(subject)", type: type, namespace: key.namespace, subject: subject, time: time,
                                  data: .object(.init(uniqueKeysWithValues: data.sorted { $0.key < $1.key })))
            }
            let mainFile = "\(key.name).yaml"
            let existedBefore = try parent.flatMap { parent throws(StoreError) in try file(folder + "/" + mainFile, at: parent) } != nil
            if files.contains(mainFile), !existedBefore, try file(folder + "/" + mainFile, at: commit.id) != nil {
                let digest = try? select(ResourceRef(namespace: key.namespace == organisation ? nil : key.namespace, kind: key.kind, name: key.name,
                                                     selector: ResourceVersion(key.version).map { .requirement(.exact($0)) })).digest
                found.append(event(EventType.published, digest.map { ["digest": .string($0)] } ?? [:]))
                if let upstream = try file(folder + "/" + RepositoryLayout.forkFile, at: commit.id).flatMap(ForkUpstream.init(bytes:)) {
                    found.append(try forkEvent(key, upstream: upstream, event: event))
                }
                if key.namespace == organisation { found += try upstreamReleased(key, commit: commit, time: time) }
            }
            if files.contains(RepositoryLayout.lifecycleFile) {
                let path = folder + "/" + RepositoryLayout.lifecycleFile
                let before = try parent.flatMap { parent throws(StoreError) in try file(path, at: parent) }.map(Lifecycle.init(bytes:)) ?? Lifecycle()
                let after = try file(path, at: commit.id).map(Lifecycle.init(bytes:)) ?? Lifecycle()
                if after.deprecated && (!before.deprecated || before.deprecationMessage != after.deprecationMessage) {
                    found.append(event(EventType.deprecated, ["deprecationMessage": after.deprecationMessage.map(JSONValue.string) ?? .null]))
                }
                if after.yanked && !before.yanked { found.append(event(EventType.yanked)) }
                if !after.yanked && before.yanked { found.append(event(EventType.unyanked)) }
            }
        }
        return found
    }

    /// A fork version's event: created when it is the fork's first version, upgraded when its upstream version
    /// differs from the previous version's.
    private func forkEvent(_ key: VersionKey, upstream: ForkUpstream, event: (String, [String: JSONValue]) -> StoreEvent) throws(StoreError) -> StoreEvent {
        let ref = ResourceRef(namespace: key.namespace, kind: key.kind, name: key.name, selector: nil)
        let earlier = (try? versions(of: ref))?.filter { info in
            guard let a = ResourceVersion(info.version), let b = ResourceVersion(key.version) else { return false }
            return a < b
        } ?? []
        let upstreamValue: JSONValue = ["reference": .string(upstream.reference), "version": .string(upstream.version), "digest": .string(upstream.digest)]
        guard let previous = earlier.last else { return event(EventType.forkCreated, ["upstream": upstreamValue]) }
        let before = try upstreams(of: ResourceRef(namespace: key.namespace, kind: key.kind, name: key.name,
                                                   selector: ResourceVersion(previous.version).map { .requirement(.exact($0)) }))[previous.version]
        if let before, before.version != upstream.version {
            return event(EventType.forkUpgraded, ["upstream": upstreamValue, "previousUpstream": .string(before.reference)])
        }
        return event(EventType.forkCreated, ["upstream": upstreamValue])
    }

    /// For an organisation version just published, one event per fork (in its department) whose latest version is
    /// based on an older version of it: which fork, its upstream version, the new one, and whether an upgrade would
    /// merge cleanly (a dry-run merge) or conflict, with the paths.
    private func upstreamReleased(_ key: VersionKey, commit: CommitInfo, time: String) throws(StoreError) -> [StoreEvent] {
        guard let released = ResourceVersion(key.version), !released.isPrerelease else { return [] }
        let forks: [(namespace: String, kind: String, name: String)]
        do {
            forks = try index.writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT DISTINCT v.namespace, v.kind, v.name FROM fork f JOIN version v ON v.id = f.versionId
                    WHERE f.upstreamNamespace = ? AND f.upstreamKind = ? AND f.upstreamName = ? ORDER BY v.namespace, v.kind, v.name
                    """, arguments: [key.namespace, key.kind.rawValue, key.name]).map { ($0[0], $0[1], $0[2]) }
            }
        } catch {
            throw .index("\(error)")
        }
        var found: [StoreEvent] = []
        for fork in forks {
            guard let kind = ResourceKind(rawValue: fork.kind) else { continue }
            let ref = ResourceRef(namespace: fork.namespace, kind: kind, name: fork.name, selector: nil)
            guard let latest = try? versions(of: ref).last, let upstream = try upstreams(of: ResourceRef(namespace: fork.namespace, kind: kind,
                      name: fork.name, selector: ResourceVersion(latest.version).map { .requirement(.exact($0)) }))[latest.version],
                  let based = ResourceVersion(upstream.version), based < released else { continue }
            let preview = try? upgrade(ResourceRef(namespace: fork.namespace, kind: kind, name: fork.name,
                                                   selector: ResourceVersion(latest.version).map { .requirement(.exact($0)) }),
                                       to: key.version, dryRun: true, author: Author(name: "Stepyard", email: "events@stepyard.invalid"))
            let subject = "\(fork.namespace)/\(fork.kind)/\(fork.name)@\(latest.version)"
            var merge: [String: JSONValue] = ["clean": .bool(preview?.conflicts.isEmpty ?? false)]
            merge["conflicts"] = .array((preview?.conflicts ?? []).map { .string($0.path.description) })
            if preview == nil { merge["error"] = "the dry-run merge could not be made" }
            let data: JSONValue = .object([
                "fork": .object(["namespace": .string(fork.namespace), "kind": .string(fork.kind), "name": .string(fork.name),
                                 "version": .string(latest.version), "reference": .string(subject)]),
                "upstream": .object(["reference": .string(upstream.reference), "version": .string(upstream.version)]),
                "released": .object(["reference": .string("\(key.kind.rawValue)/\(key.name)@\(key.version)"), "version": .string(key.version)]),
                "merge": .object(.init(uniqueKeysWithValues: merge.sorted { $0.key < $1.key })),
                "commit": .string(commit.id.description),
            ])
            found.append(StoreEvent(id: "\(commit.id)/\(EventType.upstreamReleased)/\(subject)", type: EventType.upstreamReleased,
                                    namespace: fork.namespace, subject: subject, time: time, data: data))
        }
        return found
    }
}
