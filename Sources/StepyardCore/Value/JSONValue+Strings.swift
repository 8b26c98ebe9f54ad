extension JSONValue {
    /// Every string in the value, depth first (a param value, a `when` expression).
    public var allStrings: [String] {
        var out: [String] = []
        var work: [JSONValue] = [self]
        while let value = work.popLast() {
            switch value {
            case .string(let s): out.append(s)
            case .array(let items): work.append(contentsOf: items.reversed())
            case .object(let members): work.append(contentsOf: members.values.reversed())
            default: break
            }
        }
        return out
    }
}
