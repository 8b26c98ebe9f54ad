/// The name formats Kubernetes and Tekton check, written out as character tests.
public enum TektonNames {
    /// DNS-1123 label: `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, at most 63 characters (step and pipeline-task names).
    public static func isDNS1123Label(_ s: String) -> Bool {
        let u = s.utf8
        guard let first = u.first, let last = u.last, u.count <= 63 else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        guard alnum(first), alnum(last) else { return false }
        return u.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// DNS-1123 subdomain: dot-separated labels, at most 253 characters (Kubernetes object names).
    public static func isDNS1123Subdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            !$0.isEmpty && isDNS1123Label(String($0))
        }
    }

    /// String and array param names: `^[_a-zA-Z][_a-zA-Z0-9.-]*$`.
    public static func isParamName(_ s: String) -> Bool {
        matches(s, first: letterOrUnderscore, rest: { letterOrUnderscore($0) || digit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
    }

    /// Object param names and their keys: `^[_a-zA-Z][_a-zA-Z0-9-]*$` (no dots).
    public static func isObjectParamName(_ s: String) -> Bool {
        matches(s, first: letterOrUnderscore, rest: { letterOrUnderscore($0) || digit($0) || $0 == UInt8(ascii: "-") })
    }

    /// Result names: `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
    public static func isResultName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, let last = u.last else { return false }
        func alnum(_ c: UInt8) -> Bool { letter(c) || digit(c) }
        guard alnum(first), alnum(last) else { return false }
        return u.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// Kubernetes qualified name (a StepAction `ref.name`): optional DNS-subdomain prefix and `/`, then
    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
    public static func isQualifiedName(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last, name.utf8.count <= 63 else { return false }
        if parts.count == 2, !isDNS1123Subdomain(String(parts[0])) { return false }
        return isResultName(String(name))
    }

    private static func matches(_ s: String, first: (UInt8) -> Bool, rest: (UInt8) -> Bool) -> Bool {
        let u = Array(s.utf8)
        guard let head = u.first, first(head) else { return false }
        return u.dropFirst().allSatisfy(rest)
    }

    private static func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    private static func letterOrUnderscore(_ c: UInt8) -> Bool { letter(c) || c == UInt8(ascii: "_") }
    private static func digit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}
