import ArgumentParser

/// `--output text|json`: people read text, scripts read JSON.
public enum OutputFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case text, json
}
