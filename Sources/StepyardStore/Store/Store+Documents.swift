import StepyardCore

extension Store {
    /// The README of the version a reference selects, or `nil` when it has none.
    public func readme(of ref: ResourceRef) throws(StoreError) -> (VersionInfo, [UInt8]?) {
        let info = try select(ref)
        guard let head = try head() else { throw .notFound(ref.description) }
        let folder = String(info.path.split(separator: "/").dropLast().joined(separator: "/"))
        return (info, try file(folder + "/" + RepositoryLayout.readmeFile, at: head))
    }

    /// The upstream each version of a department resource was forked or upgraded from, by version spelling.
    public func upstreams(of ref: ResourceRef) throws(StoreError) -> [String: ForkUpstream] {
        let namespace = try namespace(of: ref)
        guard namespace != organisation else { return [:] }
        var result: [String: ForkUpstream] = [:]
        for (version, upstream) in try forkRecords(namespace: namespace, kind: ref.kind, name: ref.name) {
            result[version.spelling] = upstream
        }
        return result
    }

    /// The commit `refs/heads/main` points at (`nil` in an empty repository).
    public func headCommit() throws(StoreError) -> String? {
        try head()?.description
    }
}
