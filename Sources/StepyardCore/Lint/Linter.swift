/// Checks Tekton documents against Tekton's own admission (its strict decode, `SetDefaults` and `Validate`, for the
/// feature flags of the cluster in question) and the catalog conventions.
///
/// ```swift
/// let file = LoadedFile(path: "task/git-clone/0.9/git-clone.yaml", bytes: bytes)
/// let findings = Linter().lint(file)   // load findings first, then each document's
/// let alpha = Linter(flags: try FeatureFlags(["enable-api-fields": "alpha"]))
/// ```
public struct Linter: Sendable {
    /// The rule sets applied to every document, in order.
    public var ruleSets: [any LintRuleSet]
    /// The feature flags the admission checks assume.
    public var flags: FeatureFlags
    /// Lint as publishing does: catalog conventions wherever a file is, and a file must hold exactly one Task,
    /// StepAction or Pipeline (what `stepyard publish` and `PUT …/{v}` take).
    public var publishing: Bool

    public init(ruleSets: [any LintRuleSet] = Linter.standardRuleSets, flags: FeatureFlags = .defaults, publishing: Bool = false) {
        self.ruleSets = ruleSets
        self.flags = flags
        self.publishing = publishing
    }

    /// Tekton's admission, then the catalog conventions.
    public static let standardRuleSets: [any LintRuleSet] = [
        StrictDecodeRules(),
        AdmissionRules(),
        StoredResourceRules(),
        CatalogRules(),
    ]

    /// Every finding for a loaded file: those from loading, then each document's, sorted by line.
    public func lint(_ file: LoadedFile) -> [Finding] {
        var findings = file.findings
        if let location = file.location, !location.isMainFile, !file.resources.isEmpty {
            // A second resource file in a version folder is not what the catalog layout expects.
            findings.append(Finding(path: file.path, line: 0, severity: .warning, rule: "catalog.extra-file",
                                    message: "\(location.fileName) is not the version's main file \(location.name).yaml"))
        }
        if publishing, file.findings.allSatisfy({ $0.severity != .error }), file.resources.count != 1 {
            findings.append(Finding(path: file.path, line: 0, severity: .error, rule: "stepyard.one-resource",
                                    message: "a file to publish holds exactly one Task, StepAction or Pipeline; this one holds \(file.resources.count)"))
        }
        var withLines: [YAMLDocument]?
        for var loaded in file.documents {
            // As Tekton's decoder reads it: field names that match only without regard to case take the field's spelling.
            if let apiVersion = loaded.document["apiVersion"]?.stringValue,
               let schema = TektonFieldSchemas.schema(for: loaded.kind, apiVersion: apiVersion), schema.needsCanonical(loaded.document) {
                loaded.document = schema.canonical(loaded.document)
            }
            var context = LintContext(path: file.path, loaded: loaded, location: file.location?.isMainFile == true ? file.location : nil,
                                      flags: flags, publishing: publishing)
            for ruleSet in ruleSets { ruleSet.check(&context) }
            guard !context.reports.isEmpty else { continue }
            // A file loaded without source lines is read again with them, once, when it has an error or a warning
            // to report (a note alone, such as a deprecation, points at the document).
            var map = loaded.sourceMap
            if !map.hasLines, let bytes = file.bytes, context.reports.contains(where: { $0.severity != .note }) {
                if withLines == nil { withLines = try? YAMLLoader(recordsLines: true).load(bytes) }
                if let documents = withLines, documents.indices.contains(loaded.documentIndex) { map = documents[loaded.documentIndex].sourceMap }
            }
            findings += context.reports.map {
                Finding(path: file.path, line: map.line(of: $0.pointer), severity: $0.severity, rule: $0.rule, message: $0.message)
            }
        }
        return findings.sorted { ($0.line, $0.severity, $0.rule) < ($1.line, $1.severity, $1.rule) }
    }
}
