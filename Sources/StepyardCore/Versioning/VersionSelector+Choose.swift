extension VersionSelector {
    /// The one rule for choosing among a resource's versions, whatever holds them (the store's queries, a
    /// resolution's snapshot): a digest picks the version with that content; an exact version picks it, yanked or
    /// not; a range picks the highest non-yanked match; no selector means `latest`. Rows whose version is not a
    /// version are never chosen.
    public static func choose<Row>(_ selector: VersionSelector?, among rows: [Row], version: (Row) -> String,
                                   yanked: (Row) -> Bool, digest: (Row) -> String) -> Row? {
        switch selector {
        case .digest(let wanted)?:
            return rows.first { digest($0) == wanted }
        case .requirement(let requirement)?:
            return choose(requirement, among: rows, version: version, yanked: yanked)
        case nil:
            return choose(.latest, among: rows, version: version, yanked: yanked)
        }
    }

    private static func choose<Row>(_ requirement: VersionRequirement, among rows: [Row], version: (Row) -> String,
                                    yanked: (Row) -> Bool) -> Row? {
        let candidates = rows.compactMap { row in ResourceVersion(version(row)).map { (version: $0, yanked: yanked(row)) } }
        guard let chosen = requirement.select(from: candidates) else { return nil }
        return rows.first { version($0) == chosen.spelling }
    }
}
