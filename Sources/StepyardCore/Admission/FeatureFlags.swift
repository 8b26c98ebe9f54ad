/// The feature flags of a Tekton Pipelines installation (its `feature-flags` ConfigMap) that change what admission
/// accepts, read as Tekton's `config.NewFeatureFlagsFromMap` reads them.
///
/// ```swift
/// let flags = try FeatureFlags(["enable-api-fields": "alpha", "enable-param-enum": "true"])
/// Linter(flags: flags).lint(file)
/// ```
/// The defaults are those of Tekton Pipelines (tektoncd/pipeline@3ee1745a): `enable-api-fields: beta`, every
/// per-feature alpha flag off. Keys that only change how runs execute are accepted and kept but change no check.
public struct FeatureFlags: Sendable, Hashable {
    /// `enable-api-fields`: the least stable API fields admission accepts.
    public enum APIFields: String, Sendable, Hashable, Comparable, CaseIterable {
        case stable, beta, alpha

        public static func < (lhs: APIFields, rhs: APIFields) -> Bool {
            let order: [APIFields] = [.stable, .beta, .alpha]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    public var enableAPIFields: APIFields = .beta
    /// `enable-param-enum`: `enum` on params.
    public var enableParamEnum = false
    /// `enable-artifacts`: `$(step.artifacts.path)`, `$(tasks.x.outputs…)`.
    public var enableArtifacts = false
    /// `enable-cel-in-whenexpression`: `when: [{cel: …}]`.
    public var enableCELInWhenExpression = false
    /// `enable-concise-resolver-syntax`: `taskRef: {name: "git://…", resolver: git}`.
    public var enableConciseResolverSyntax = false
    /// `enable-kubernetes-sidecar`: native sidecars (no admission check depends on it).
    public var enableKubernetesSidecar = false
    /// `disable-inline-spec`: the kinds (`taskrun`, `pipelinerun`, `pipeline`) whose embedded specs are refused.
    public var disableInlineSpec: Set<String> = []
    /// Every key as given, defaults left out (for reports).
    public private(set) var overrides: [String: String] = [:]

    /// Tekton's defaults.
    public static let defaults = FeatureFlags()

    public init() {}

    /// The flags of a cluster whose ConfigMap holds `values` (other keys keep their defaults).
    ///
    /// - Throws: `FeatureFlagError` for an unknown key or a value Tekton would refuse to load.
    public init(_ values: [String: String]) throws(FeatureFlagError) {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            try set(key, value)
        }
    }

    /// Sets one ConfigMap key as Tekton parses it (booleans as Go's `strconv.ParseBool`, names lower-cased).
    public mutating func set(_ key: String, _ value: String) throws(FeatureFlagError) {
        func bool() throws(FeatureFlagError) -> Bool {
            switch value {
            case "1", "t", "T", "TRUE", "true", "True": return true
            case "0", "f", "F", "FALSE", "false", "False": return false
            default: throw FeatureFlagError.invalidValue(key: key, value: value, allowed: ["true", "false"])
            }
        }
        func oneOf(_ allowed: [String]) throws(FeatureFlagError) {
            guard allowed.contains(value.lowercased()) else {
                throw FeatureFlagError.invalidValue(key: key, value: value, allowed: allowed)
            }
        }
        switch key {
        case Key.enableAPIFields:
            guard let fields = APIFields(rawValue: value.lowercased()) else {
                throw FeatureFlagError.invalidValue(key: key, value: value, allowed: APIFields.allCases.map(\.rawValue))
            }
            enableAPIFields = fields
        case Key.enableParamEnum: enableParamEnum = try bool()
        case Key.enableArtifacts: enableArtifacts = try bool()
        case Key.enableCELInWhenExpression: enableCELInWhenExpression = try bool()
        case Key.enableConciseResolverSyntax: enableConciseResolverSyntax = try bool()
        case Key.enableKubernetesSidecar: enableKubernetesSidecar = try bool()
        case Key.disableInlineSpec:
            // Split on commas as Tekton does, spaces kept: " pipeline" is not "pipeline" to Tekton either.
            disableInlineSpec = Set(value.split(separator: ",").map(String.init))
        case "disable-creds-init", "running-in-environment-with-injected-sidecars", "await-sidecar-readiness",
             "require-git-ssh-secret-known-hosts", "send-cloudevents-for-runs", "enable-provenance-in-status",
             "set-security-context", "set-security-context-read-only-root-filesystem", "keep-pod-on-cancel",
             "enable-wait-exponential-backoff", "enable-termination-message-compression", "enable-tekton-oci-bundles",
             "enable-step-actions", "enable-informer-cache-transforms":
            _ = try bool()
        case "results-from": try oneOf(["termination-message", "sidecar-logs"])
        case "coschedule": try oneOf(["workspaces", "pipelineruns", "isolate-pipelinerun", "disabled"])
        case "enforce-nonfalsifiability": try oneOf(["none", "spire"])
        case "trusted-resources-verification-no-match-policy": try oneOf(["fail", "warn", "ignore"])
        case "max-result-size":
            guard let size = Int(value), size < 1_572_864 else {
                throw FeatureFlagError.invalidValue(key: key, value: value, allowed: ["an integer below 1572864"])
            }
        default:
            throw FeatureFlagError.unknownKey(key)
        }
        overrides[key] = value
    }

    /// The ConfigMap keys admission checks read.
    public enum Key {
        public static let enableAPIFields = "enable-api-fields"
        public static let enableParamEnum = "enable-param-enum"
        public static let enableArtifacts = "enable-artifacts"
        public static let enableCELInWhenExpression = "enable-cel-in-whenexpression"
        public static let enableConciseResolverSyntax = "enable-concise-resolver-syntax"
        public static let enableKubernetesSidecar = "enable-kubernetes-sidecar"
        public static let disableInlineSpec = "disable-inline-spec"
    }

    /// `nil` when `enable-api-fields` admits a feature of stability `wanted`, else the sentence Tekton's
    /// `config.ValidateEnabledAPIFields` gives, naming the flag and how to set it.
    public func apiFieldsMessage(_ feature: String, needs wanted: APIFields) -> String? {
        guard enableAPIFields < wanted else { return nil }
        let want = wanted == .alpha ? "\"alpha\"" : "\"alpha\" or \"beta\""
        return "\(feature) requires the feature flag enable-api-fields to be \(want) (it is \"\(enableAPIFields.rawValue)\"); "
            + "lint with --feature-flag enable-api-fields=\(wanted.rawValue) for a cluster that has it"
    }

    /// The sentence for a feature behind a per-feature flag that is off.
    public static func flagMessage(_ feature: String, key: String) -> String {
        "\(feature) requires the feature flag \(key) to be \"true\" (it is off by default); "
            + "lint with --feature-flag \(key)=true for a cluster that has it"
    }
}

/// A feature flag Tekton would not load.
public enum FeatureFlagError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownKey(String)
    case invalidValue(key: String, value: String, allowed: [String])
    case malformed(String)

    public var description: String {
        switch self {
        case .unknownKey(let key):
            return "unknown feature flag \"\(key)\": Tekton's feature-flags ConfigMap has no such key (e.g. enable-api-fields, enable-param-enum, enable-artifacts)"
        case .invalidValue(let key, let value, let allowed):
            return "feature flag \(key) cannot be \"\(value)\": use \(allowed.joined(separator: ", "))"
        case .malformed(let text):
            return "feature flag \"\(text)\" is not written KEY=VALUE (e.g. enable-api-fields=alpha)"
        }
    }
}

extension FeatureFlags {
    /// Reads `KEY=VALUE` settings, as `--feature-flag` and the fixtures' `# flags:` line give them.
    public init(settings: [String]) throws(FeatureFlagError) {
        var values: [String: String] = [:]
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else { throw FeatureFlagError.malformed(setting) }
            values[String(setting[..<equals]).trimmed] = String(setting[setting.index(after: equals)...]).trimmed
        }
        try self.init(values)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
