import StepyardCore

extension Store {
    /// The change report between two versions of one resource: `from` and `to` each select a version as a reference
    /// does (exact, yanked too; the highest non-yanked in a range; or a digest). The report's sides are named by
    /// version.
    ///
    /// ```swift
    /// let report = try await store.changes(of: ResourceRef(parsing: "task/go"), from: VersionSelector("1.0.0")!, to: VersionSelector("1.2.0")!)
    /// ```
    /// - Throws: `StoreError.notFound` for an unknown resource; `StoreError.noMatch` naming the versions that exist
    ///   when `from` or `to` selects none.
    public func changes(of ref: ResourceRef, from: VersionSelector, to: VersionSelector) throws(StoreError) -> ChangeReport {
        let resource = ResourceRef(namespace: ref.namespace, kind: ref.kind, name: ref.name)
        let old = try comparedVersion(try reportVersion(resource, from))
        let new = try comparedVersion(try reportVersion(resource, to))
        return ChangeReport(from: old, to: new, registry: try Self.registry())
    }

    /// The version `selector` picks, or a `noMatch` that lists the resource's versions.
    private func reportVersion(_ resource: ResourceRef, _ selector: VersionSelector) throws(StoreError) -> VersionInfo {
        var versioned = resource
        versioned.selector = selector
        do throws(StoreError) {
            return try select(versioned)
        } catch {
            guard case .noMatch = error else { throw error }
            let all = try versions(of: resource).map { $0.version + ($0.yanked ? " (yanked)" : "") }
            let shown = all.count > 20 ? ["…"] + all.suffix(20) : all
            throw .noMatch("\(versioned) (\(resource) has \(shown.joined(separator: ", ")))")
        }
    }

    /// One side of a report: a version's document (as given, else the stored one), named `name` when given (a fork
    /// diff compares under the fork's name), with its effective parameter schema.
    func comparedVersion(_ info: VersionInfo, document: JSONValue? = nil, label: String? = nil, name: String? = nil) throws(StoreError) -> ComparedVersion {
        guard let head = try head() else { throw .notFound(info.ref) }
        var value: JSONValue
        if let document { value = document } else { value = try self.document(of: info) }
        if let name { value = Self.renamed(value, to: name) }
        guard let resource = TektonResource(document: value) else { throw .notFound(info.ref) }
        let folder = String(info.path.split(separator: "/").dropLast().joined(separator: "/"))
        let sidecar = try file(folder + "/" + info.name + ".schema.json", at: head)
        let (schema, _) = try Self.effectiveSchema(resource, sidecar: sidecar, title: "\(info.kind.rawValue)/\(info.name)@\(info.version)")
        return ComparedVersion(label: label ?? info.version, resource: resource, parameterSchema: schema)
    }
}
