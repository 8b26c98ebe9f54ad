/// The catalog names Tekton's clients send for a shared catalog by default — the hub resolver's `tekton` type and
/// `tkn hub` (`tekton`, `tekton-catalog-tasks`, …-pipelines, …-stepactions) — which the Tekton Hub and Artifact Hub
/// paths answer with the organisation namespace, in any case. No department may take one of these names: its
/// resources would be unreachable there.
public enum HubCatalogNames {
    public static let organisationAliases: Set<String> = ["tekton", "tekton-catalog-tasks", "tekton-catalog-pipelines",
                                                          "tekton-catalog-stepactions"]

    /// Whether a catalog name in a hub path means the organisation namespace `organisation`.
    public static func meansOrganisation(_ catalog: String, organisation: String) -> Bool {
        let lowered = catalog.lowercased()
        return lowered == organisation.lowercased() || organisationAliases.contains(lowered)
    }
}
