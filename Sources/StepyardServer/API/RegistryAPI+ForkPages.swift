import Foundation
import OpenAPIRuntime
import StepyardCore
import StepyardStore

/// Compare two versions (or a fork with its upstream), fork an organisation template into a department, and preview,
/// settle and publish a fork's upgrade: the web catalog's pages over the API's forks and change reports.
extension RegistryAPI {
    /// `GET /ui/{ns}/{kind}/{name}/compare[?from=&to=]`: the change report the API's `diff` gives, as a table. Without
    /// versions, a fork is compared with its upstream and anything else its newest version with the one before.
    func getComparePage(_ input: Operations.GetComparePage.Input) async throws -> Operations.GetComparePage.Output {
        let ref = try readable(input.path.namespace, input.path.kind, input.path.name)
        let html = try await webPage { try await comparePage(ref, input.path.namespace, input.path.kind, input.path.name, input.query) }
        return .ok(.init(body: .html(htmlBody(html))))
    }

    private func comparePage(_ ref: ResourceRef, _ namespace: String, _ kind: Components.Schemas.Kind, _ name: String,
                             _ query: Operations.GetComparePage.Input.Query) async throws -> PageCache.Page {
        let path = (namespace: namespace, kind: kind, name: name)
        let versions = try await call { store throws(StoreError) in try await store.versions(of: ref) }.map(\.version)
        guard let newest = versions.last else { throw APIError.notFound("\(path.namespace)/\(path.kind.rawValue)/\(path.name) not found") }
        let fromText = query.from.flatMap { $0.isEmpty ? nil : $0 }, toText = query.to.flatMap { $0.isEmpty ? nil : $0 }
        var report: ChangeReport?
        var title = ""
        var problem: String?
        do {
            if let fromText, let toText {
                guard let old = try selector(fromText), let new = try selector(toText) else { throw APIError.badRequest("from and to name versions") }
                report = try await call { store throws(StoreError) in try await store.changes(of: ref, from: old, to: new) }
                title = "\(fromText) → \(toText)"
            } else if path.namespace != organisation,
                      let diff = try? await store.diff(ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name)) {
                report = diff.report
                title = "\(diff.fork) against its upstream \(diff.upstream)"
            } else if versions.count > 1 {
                let previous = versions[versions.count - 2]
                guard let old = try selector(previous), let new = try selector(newest) else { throw APIError.badRequest("versions to compare") }
                report = try await call { store throws(StoreError) in try await store.changes(of: ref, from: old, to: new) }
                title = "\(previous) → \(newest)"
            } else {
                problem = "\(path.name) has one version: there is nothing to compare it with yet."
            }
        } catch let error as APIError where error.status == .badRequest || error.status == .notFound {
            problem = error.message
        }
        let from = fromText ?? (versions.count > 1 ? versions[versions.count - 2] : newest), to = toText ?? newest
        let changes = (report?.changes ?? []).map { change -> [String: Any] in
            ["path": change.path, "kind": change.kind.rawValue, "breaking": change.breaking,
             "before": change.before.map(Self.shown) ?? false, "after": change.after.map(Self.shown) ?? false]
        }
        let content = pageContent("compare", [
            "name": path.name,
            "pageHref": Self.pagePath(path.namespace, ResourceKind(path.kind), path.name, newest),
            "action": "/ui/\(path.namespace)/\(path.kind.rawValue)/\(path.name)/compare",
            "versionChoice": versions.count > 1,
            "fromOptions": versions.map { ["value": $0, "selected": $0 == from] },
            "toOptions": versions.map { ["value": $0, "selected": $0 == to] },
            "error": problem ?? false,
            "report": report != nil, "reportTitle": title, "breaking": report?.isBreaking ?? false,
            "count": changes.isEmpty ? "no change" : changes.count == 1 ? "1 change" : "\(changes.count) changes",
            "changes": changes, "hasChanges": !changes.isEmpty,
        ])
        return PageCache.Page(title: "Compare \(path.name)", content: content)
    }

    /// A value of a change as a line of text (strings as they are, anything else as compact JSON), cut at 200 characters.
    static func shown(_ value: JSONValue) -> String {
        let text = value.stringValue ?? value.serialized()
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    /// A conflict's value as a line of text; a removed value as `(removed)`.
    static func conflictValue(_ value: JSONValue?) -> String {
        value.map(shown) ?? "(removed)"
    }
}

// MARK: - Fork and upgrade

extension RegistryAPI {
    /// `POST /ui/{ns}/{kind}/{name}/{version}/fork`: the version forked into a department the caller may change, the
    /// way `POST /api/v1/departments/{d}/forks` does; then the fork's page.
    func forkFromPage(_ input: Operations.ForkFromPage.Input) async throws -> Operations.ForkFromPage.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw APIError.badRequest("send the fork form") }
        try requireCSRF(form.csrf)
        let path = input.path
        let from = try readable(path.namespace, path.kind, path.name, version: path.version)
        guard path.namespace == organisation else {
            throw APIError.unprocessable("\(path.namespace)/\(path.kind.rawValue)/\(path.name) is a department's; fork takes an organisation template")
        }
        let department = form.department
        try checkNames(department, where: "in the form")
        guard department != organisation else { throw APIError.badRequest("forks go into a department, not the organisation namespace") }
        try requireWrite(department)
        let name = form.name.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        if let name { try checkNames(name, where: "in the form") }
        let author = principal.author
        let result = try await call { store throws(StoreError) in try await store.fork(from, department: department, name: name, author: author) }
        await wrote()
        RequestState.current.record?.location = Self.lockPage(result.ref, organisation: organisation)
        return .seeOther(.init())
    }

    /// `GET /ui/{ns}/{kind}/{name}/upgrade[?to=]`: the fork's upgrade preview (a dry run of the three-way merge with
    /// upstream `to`, by default the newest), each conflict with a choice of ours or theirs.
    func getUpgradePage(_ input: Operations.GetUpgradePage.Input) async throws -> Operations.GetUpgradePage.Output {
        let path = input.path
        let ref = try readable(path.namespace, path.kind, path.name)
        let html = try await webPage { try await upgradePage(ref, to: input.query.to.flatMap { $0.isEmpty ? nil : $0 }) }
        return .ok(.init(body: .html(htmlBody(html))))
    }

    /// `POST /ui/{ns}/{kind}/{name}/upgrade`: the upgrade settled (each `resolve` item `PATH=ours|theirs`) and
    /// published; then the new version's page. A conflict left unsettled shows the preview again, saying which.
    func upgradeFromPage(_ input: Operations.UpgradeFromPage.Input) async throws -> Operations.UpgradeFromPage.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw APIError.badRequest("send the upgrade form") }
        try requireCSRF(form.csrf)
        let path = input.path
        let ref = try writable(path.namespace, path.kind, path.name)
        var resolutions: [String: ThreeWayMerge.Side] = [:]
        for item in form.resolve ?? [] {
            guard let equals = item.lastIndex(of: "="), let side = ThreeWayMerge.Side(rawValue: String(item[item.index(after: equals)...])) else {
                throw APIError.badRequest("each resolve item is PATH=ours or PATH=theirs; \"\(item)\" is neither")
            }
            resolutions[String(item[..<equals])] = side
        }
        let author = principal.author
        let result = try await call { [resolutions] store throws(StoreError) in
            try await store.upgrade(ref, to: form.to, dryRun: false, resolutions: resolutions, author: author)
        }
        guard result.commit != nil else {
            let unsettled = result.conflicts.map { "\($0.path)" }.joined(separator: ", ")
            let html = try await webPage(cache: false) {
                try await upgradePage(ref, to: form.to, resolutions: resolutions,
                                      problem: "Nothing was published: choose ours or theirs for \(unsettled).")
            }
            return .ok(.init(body: .html(htmlBody(html))))
        }
        await wrote()
        RequestState.current.record?.location = Self.pagePath(path.namespace, ResourceKind(path.kind), path.name, result.newVersion)
        return .seeOther(.init())
    }

    private func upgradePage(_ ref: ResourceRef, to wanted: String?, resolutions: [String: ThreeWayMerge.Side] = [:],
                             problem: String? = nil) async throws -> PageCache.Page {
        guard let namespace = ref.namespace else {
            throw APIError.notFound("\(organisation)/\(ref.kind.rawValue)/\(ref.name) is not a fork: forks live in departments")
        }
        let (fork, upstream, upstreamVersions) = try await call { store throws(StoreError) in
            let fork = try await store.select(ref)
            guard let upstream = try await store.upstreams(of: ref)[fork.version] else {
                throw StoreError.notFound("\(fork.ref) is not a fork (it records no upstream), so it has nothing to upgrade from")
            }
            let upstreamRef = ResourceRef(namespace: upstream.namespace == self.organisation ? nil : upstream.namespace, kind: upstream.kind, name: upstream.name)
            return (fork, upstream, try await store.versions(of: upstreamRef))
        }
        let newer = Self.newerVersions(upstreamVersions, than: upstream.version)
        var context: [String: Any] = [
            "name": fork.name, "namespace": namespace, "forkVersion": fork.version,
            "pageHref": Self.pagePath(fork.namespace, fork.kind, fork.name, fork.version),
            "upstream": upstream.reference, "upstreamHref": Self.pagePath(upstream.namespace, upstream.kind, upstream.name, upstream.version),
            "action": "/ui/\(namespace)/\(fork.kind.rawValue)/\(fork.name)/upgrade",
            "canWrite": context.policy.canWrite(namespace, principal),
        ]
        var message = problem
        let target = wanted ?? newer.last?.version
        context["choices"] = newer.map { ["value": $0.version, "selected": $0.version == target] }
        context["hasChoices"] = newer.count > 1
        if let target {
            switch await upgradePreview(ref, to: target) {
            case .success(let result):
                let conflicts = result.conflicts.enumerated().map { index, conflict -> [String: Any] in
                    let path = "\(conflict.path)"
                    return ["id": "conflict-\(index)", "path": path, "base": Self.conflictValue(conflict.base),
                            "ours": Self.conflictValue(conflict.ours), "theirs": Self.conflictValue(conflict.theirs),
                            "keepOurs": resolutions[path] != .theirs, "keepTheirs": resolutions[path] == .theirs]
                }
                context["preview"] = true
                context["from"] = result.from
                context["to"] = result.to
                context["newVersion"] = result.newVersion
                context["merged"] = result.merged
                context["conflicts"] = conflicts
                context["hasConflicts"] = !conflicts.isEmpty
                context["conflictCount"] = conflicts.count == 1 ? "1 conflict" : "\(conflicts.count) conflicts"
            case .failure(let refusal):
                guard refusal.status.code < 500 else { throw refusal }
                message = refusal.message
            }
        } else {
            message = message ?? "\(fork.ref) is up to date: upstream \(upstream.kind.rawValue)/\(upstream.name) has no version after \(upstream.version)."
        }
        context["error"] = message ?? false
        return PageCache.Page(title: "Upgrade \(fork.name)", content: pageContent("upgrade", context))
    }

    /// The dry run of an upgrade, or why there is none (a version that does not exist, one not newer).
    private func upgradePreview(_ ref: ResourceRef, to version: String) async -> Result<UpgradeResult, APIError> {
        do {
            let result = try await call { store throws(StoreError) in
                try await store.upgrade(ref, to: version, dryRun: true, author: Author(name: "preview", email: "preview@stepyard.invalid"))
            }
            return .success(result)
        } catch {
            return .failure(error)
        }
    }
}
