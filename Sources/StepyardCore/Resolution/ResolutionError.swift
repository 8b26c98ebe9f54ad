/// Why a reference could not be resolved. Each case names the reference and, for nested ones, the chain.
public enum ResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No resource, or no version matching the requirement.
    case notFound(reference: String, chain: [String])
    /// A resource that (transitively) uses itself.
    case cycle(chain: [String])
    /// A step passes params the StepAction does not declare, or misses required ones (Tekton's runtime check).
    case params(step: String, reference: String, message: String)
    /// A document that cannot be resolved as it is (not a Task or Pipeline, a broken reference).
    case invalid(reference: String, message: String)

    public var description: String {
        switch self {
        case let .notFound(reference, chain):
            return "\(reference) not found" + (chain.isEmpty ? "" : " (used by \(chain.joined(separator: " → ")))")
        case .cycle(let chain):
            return "reference cycle: \(chain.joined(separator: " → "))"
        case let .params(step, reference, message):
            return "step \"\(step)\" using \(reference): \(message)"
        case let .invalid(reference, message):
            return "\(reference): \(message)"
        }
    }
}
