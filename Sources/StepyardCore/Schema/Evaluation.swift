import OrderedCollections
import BigInt

/// One step of the path from the instance root to the value being validated.
enum InstancePathComponent {
    case key(String)
    case index(Int)
}

/// Mutable state of one validation run.
struct EvaluationState {
    /// `true`: record every error and keep going; `false`: only the outcome matters, stop early.
    var collecting: Bool
    var errors: [ValidationError] = []
    /// Path to the current instance value; turned into a pointer only when an error is recorded.
    var path: [InstancePathComponent] = []
    var depth = 0
    let maxDepth: Int
    var depthExceeded = false
    /// Schema resources entered, outermost first (for `$dynamicRef`).
    var dynamicScope: [Int] = []

    init(collecting: Bool, maxDepth: Int) {
        self.collecting = collecting
        self.maxDepth = maxDepth
    }

    var instancePointer: String {
        var pointer = ""
        for component in path {
            switch component {
            case .key(let key): pointer += "/" + JSONPointer.escape(key)
            case .index(let i): pointer += "/" + String(i)
            }
        }
        return pointer
    }

    mutating func record(_ keyword: Keyword, _ message: String) {
        guard collecting else { return }
        errors.append(ValidationError(instancePointer: instancePointer, keyword: keyword.name, keywordLocation: keyword.location, message: message))
    }

    mutating func record(keyword: String, location: String, _ message: String) {
        guard collecting else { return }
        errors.append(ValidationError(instancePointer: instancePointer, keyword: keyword, keywordLocation: location, message: message))
    }
}

/// Which members/items of the current instance were evaluated (for `unevaluated*`).
struct Annotations {
    var allProperties = false
    var properties: Set<String> = []
    var allItems = false
    var itemPrefix = 0
    var items: Set<Int> = []

    mutating func merge(_ other: Annotations) {
        if other.allProperties { allProperties = true }
        if !allProperties && !other.properties.isEmpty { properties.formUnion(other.properties) }
        if other.allItems { allItems = true }
        itemPrefix = max(itemPrefix, other.itemPrefix)
        if !allItems && !other.items.isEmpty { items.formUnion(other.items) }
    }
}

extension JSONSchema {
    /// Evaluates `node` against `instance`. When `wantsAnnotations`, evaluated properties/items of
    /// this instance location are added to `annotations` (only if the node is valid).
    func evaluate(_ node: SchemaNode, _ instance: JSONValue, _ state: inout EvaluationState,
                  _ annotations: inout Annotations, wantsAnnotations: Bool) -> Bool {
        if let constant = node.constant {
            if !constant {
                state.record(keyword: "false", location: node.location, "no value is allowed here (the schema is false)")
            }
            return constant
        }
        if node.keywords.isEmpty { return true }
        if state.depth >= state.maxDepth {
            if !state.depthExceeded {
                state.depthExceeded = true
                let collecting = state.collecting
                state.collecting = true
                state.record(keyword: "maxEvaluationDepth", location: node.location,
                             "schema evaluation nested deeper than \(state.maxDepth) levels (instance too deeply nested or recursive references)")
                state.collecting = collecting
            }
            return false
        }
        state.depth += 1
        defer { state.depth -= 1 }
        let enteredResource = node.isResourceRoot && state.dynamicScope.last != node.resource
        if enteredResource { state.dynamicScope.append(node.resource) }
        defer { if enteredResource { state.dynamicScope.removeLast() } }

        let collect = wantsAnnotations || node.needsAnnotations
        var local = Annotations()
        var valid = true
        for keyword in node.keywords {
            if !evaluate(keyword, in: node, instance, &state, &local, collect: collect) {
                valid = false
                if !state.collecting { return false }
            }
        }
        if wantsAnnotations && valid { annotations.merge(local) }
        return valid
    }

    /// Evaluates `node` only for its outcome (no errors recorded).
    @inline(__always)
    func test(_ node: SchemaNode, _ instance: JSONValue, _ state: inout EvaluationState,
              _ annotations: inout Annotations, wantsAnnotations: Bool) -> Bool {
        if let constant = node.constant { return constant }
        let collecting = state.collecting
        state.collecting = false
        let valid = evaluate(node, instance, &state, &annotations, wantsAnnotations: wantsAnnotations)
        state.collecting = collecting
        return valid
    }

    /// The messages `node` produces for `instance` (evaluated only to explain a failure).
    func explain(_ node: SchemaNode, _ instance: JSONValue, _ state: inout EvaluationState, limit: Int = 2) -> [String] {
        let mark = state.errors.count
        var scratch = Annotations()
        _ = evaluate(node, instance, &state, &scratch, wantsAnnotations: false)
        let here = state.instancePointer
        let messages = state.errors[mark...].prefix(limit).map { error in
            error.instancePointer == here || error.instancePointer.isEmpty ? error.message : "at \(error.instancePointer): \(error.message)"
        }
        let extra = state.errors.count - mark - messages.count
        state.errors.removeSubrange(mark...)
        return extra > 0 ? messages + ["and \(extra) more"] : messages
    }

    private func target(_ slot: Int) -> SchemaNode { nodes[refTargets[slot]] }

    private func follow(_ target: SchemaNode, _ instance: JSONValue, _ state: inout EvaluationState,
                        _ annotations: inout Annotations, collect: Bool) -> Bool {
        let entered = state.dynamicScope.last != target.resource
        if entered { state.dynamicScope.append(target.resource) }
        let valid = evaluate(target, instance, &state, &annotations, wantsAnnotations: collect)
        if entered { state.dynamicScope.removeLast() }
        return valid
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func evaluate(_ keyword: Keyword, in node: SchemaNode, _ instance: JSONValue, _ state: inout EvaluationState,
                          _ annotations: inout Annotations, collect: Bool) -> Bool {
        switch keyword.kind {
        // MARK: Core
        case .ref(let slot):
            return follow(target(slot), instance, &state, &annotations, collect: collect)
        case .dynamicRef(let slot, let anchor):
            var destination = target(slot)
            if let anchor, resources[destination.resource].dynamicAnchors[anchor] != nil {
                for resource in state.dynamicScope {
                    if let index = resources[resource].dynamicAnchors[anchor] {
                        destination = nodes[index]
                        break
                    }
                }
            }
            return follow(destination, instance, &state, &annotations, collect: collect)

        // MARK: Applicators (in place)
        case .allOf(let schemas):
            var valid = true
            for schema in schemas where !evaluate(schema, instance, &state, &annotations, wantsAnnotations: collect) {
                valid = false
                if !state.collecting { return false }
            }
            return valid
        case .anyOf(let schemas):
            var valid = false
            for schema in schemas {
                var branch = Annotations()
                if test(schema, instance, &state, &branch, wantsAnnotations: collect) {
                    valid = true
                    if !collect { break }
                    annotations.merge(branch)
                }
            }
            if !valid && state.collecting {
                state.record(keyword, "\(preview(instance)) does not match any of the \(schemas.count) alternatives of anyOf: "
                             + explainBranches(schemas, instance, &state))
            }
            return valid
        case .oneOf(let schemas):
            var matching: [Int] = []
            var matched = Annotations()
            for (i, schema) in schemas.enumerated() {
                var branch = Annotations()
                if test(schema, instance, &state, &branch, wantsAnnotations: collect) {
                    matching.append(i)
                    matched = branch
                    if matching.count > 1 && !state.collecting { return false }
                }
            }
            if matching.count == 1 {
                if collect { annotations.merge(matched) }
                return true
            }
            if state.collecting {
                if matching.isEmpty {
                    state.record(keyword, "\(preview(instance)) does not match any of the \(schemas.count) alternatives of oneOf (exactly one must match): "
                                 + explainBranches(schemas, instance, &state))
                } else {
                    let list = matching.map { "#\($0 + 1)" }
                    state.record(keyword, "\(preview(instance)) matches \(matching.count) alternatives of oneOf (\(list.joined(separator: ", "))), but exactly one must match")
                }
            }
            return false
        case .not(let schema):
            var scratch = Annotations()
            if test(schema, instance, &state, &scratch, wantsAnnotations: false) {
                state.record(keyword, "\(preview(instance)) must not match the schema in not")
                return false
            }
            return true
        case .conditional(let condition, let then, let otherwise):
            var conditionAnnotations = Annotations()
            if test(condition, instance, &state, &conditionAnnotations, wantsAnnotations: collect) {
                if collect { annotations.merge(conditionAnnotations) }
                guard let then else { return true }
                return evaluate(then, instance, &state, &annotations, wantsAnnotations: collect)
            }
            guard let otherwise else { return true }
            return evaluate(otherwise, instance, &state, &annotations, wantsAnnotations: collect)
        case .dependentSchemas(let dependencies):
            guard case .object(let members) = instance else { return true }
            var valid = true
            for (name, schema) in dependencies where members[name] != nil {
                if !evaluate(schema, instance, &state, &annotations, wantsAnnotations: collect) {
                    valid = false
                    if !state.collecting { return false }
                }
            }
            return valid

        // MARK: Applicators (children)
        case .objectApplicators(let applicators):
            guard case .object(let members) = instance else { return true }
            return evaluateMembers(members, applicators, keyword, &state, &annotations, collect: collect)
        case .propertyNames(let schema):
            guard case .object(let members) = instance else { return true }
            var valid = true
            for key in members.keys {
                var scratch = Annotations()
                if !test(schema, .string(key), &state, &scratch, wantsAnnotations: false) {
                    valid = false
                    guard state.collecting else { return false }
                    let reasons = explain(schema, .string(key), &state, limit: 1)
                    state.record(keyword, "property name \(quoted(key)) is not allowed" + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")))
                }
            }
            return valid
        case .items(let prefix, let rest):
            guard case .array(let elements) = instance else { return true }
            var valid = true
            for (i, element) in elements.enumerated() {
                let schema: SchemaNode
                if i < prefix.count {
                    schema = prefix[i]
                } else if let rest {
                    schema = rest
                } else {
                    break
                }
                state.path.append(.index(i))
                var scratch = Annotations()
                let ok = evaluate(schema, element, &state, &scratch, wantsAnnotations: false)
                state.path.removeLast()
                if !ok {
                    valid = false
                    if !state.collecting { return false }
                }
            }
            if collect {
                annotations.itemPrefix = max(annotations.itemPrefix, min(prefix.count, elements.count))
                if rest != nil && elements.count > prefix.count { annotations.allItems = true }
            }
            return valid
        case .contains(let schema, let minimum, let maximum):
            guard case .array(let elements) = instance else { return true }
            var count = 0
            for (i, element) in elements.enumerated() {
                var scratch = Annotations()
                state.path.append(.index(i))
                let ok = test(schema, element, &state, &scratch, wantsAnnotations: false)
                state.path.removeLast()
                if ok {
                    count += 1
                    if collect { annotations.items.insert(i) }
                }
            }
            if count < minimum {
                let what = count == 0 ? "no item" : (count == 1 ? "only 1 item" : "only \(count) items")
                state.record(keyword, "the array contains \(what) matching the contains schema, at least \(minimum) required")
                return false
            }
            if let maximum, count > maximum {
                state.record(keyword, "the array contains \(count) items matching the contains schema, at most \(maximum) allowed")
                return false
            }
            return true
        case .unevaluatedProperties(let schema):
            guard case .object(let members) = instance else { return true }
            if annotations.allProperties { return true }
            var valid = true
            var rejected: [String] = []
            for (key, value) in members where !annotations.properties.contains(key) {
                if schema.constant == false {
                    rejected.append(key)
                    valid = false
                    if !state.collecting { return false }
                    continue
                }
                state.path.append(.key(key))
                var scratch = Annotations()
                let ok = evaluate(schema, value, &state, &scratch, wantsAnnotations: false)
                state.path.removeLast()
                if !ok {
                    valid = false
                    if !state.collecting { return false }
                }
            }
            if !rejected.isEmpty {
                state.record(keyword, (rejected.count == 1 ? "property " : "properties ") + rejected.map(quoted).joined(separator: ", ")
                             + " not allowed (unevaluatedProperties is false)")
            }
            if valid && collect { annotations.allProperties = true }
            return valid
        case .unevaluatedItems(let schema):
            guard case .array(let elements) = instance else { return true }
            if annotations.allItems { return true }
            var valid = true
            var rejected: [Int] = []
            for i in annotations.itemPrefix..<max(annotations.itemPrefix, elements.count) where !annotations.items.contains(i) {
                if schema.constant == false {
                    rejected.append(i)
                    valid = false
                    if !state.collecting { return false }
                    continue
                }
                state.path.append(.index(i))
                var scratch = Annotations()
                let ok = evaluate(schema, elements[i], &state, &scratch, wantsAnnotations: false)
                state.path.removeLast()
                if !ok {
                    valid = false
                    if !state.collecting { return false }
                }
            }
            if !rejected.isEmpty {
                state.record(keyword, (rejected.count == 1 ? "item " : "items ") + rejected.map(String.init).joined(separator: ", ")
                             + " not allowed (unevaluatedItems is false)")
            }
            if valid && collect { annotations.allItems = true }
            return valid

        default:
            return evaluateAssertion(keyword, instance, &state)
        }
    }

    /// Keywords that only assert (no subschemas); kept out of the recursive path so that its
    /// stack frames stay small for deeply nested instances.
    @inline(never)
    private func evaluateAssertion(_ keyword: Keyword, _ instance: JSONValue, _ state: inout EvaluationState) -> Bool {
        switch keyword.kind {
        // MARK: Validation
        case .type(let types, let description):
            if types.admits(instance) { return true }
            let actual: String
            if case .number(let n) = instance, n.isInteger == false, types.contains(.integer) { actual = "a non-integer number" } else { actual = article(instance.typeName) }
            state.record(keyword, "expected \(description), but \(preview(instance)) is \(actual)")
            return false
        case .enumeration(let values, let summary):
            for value in values where value == instance { return true }
            state.record(keyword, "\(preview(instance)) is not one of the allowed values: \(summary)")
            return false
        case .const(let value):
            if value == instance { return true }
            state.record(keyword, "\(preview(instance)) is not the required value \(preview(value))")
            return false
        case .multipleOf(let divisor):
            guard case .number(let n) = instance else { return true }
            if n.isMultiple(of: divisor) { return true }
            state.record(keyword, "\(n) is not a multiple of \(divisor)")
            return false
        case .maximum(let limit):
            guard case .number(let n) = instance, limit < n else { return true }
            state.record(keyword, "\(n) is greater than the maximum of \(limit)")
            return false
        case .exclusiveMaximum(let limit):
            guard case .number(let n) = instance, n >= limit else { return true }
            state.record(keyword, "\(n) is not less than the exclusive maximum of \(limit)")
            return false
        case .minimum(let limit):
            guard case .number(let n) = instance, n < limit else { return true }
            state.record(keyword, "\(n) is less than the minimum of \(limit)")
            return false
        case .exclusiveMinimum(let limit):
            guard case .number(let n) = instance, n <= limit else { return true }
            state.record(keyword, "\(n) is not greater than the exclusive minimum of \(limit)")
            return false
        case .maxLength(let limit):
            guard case .string(let s) = instance, s.utf8.count > limit else { return true }
            let length = s.unicodeScalars.count
            if length <= limit { return true }
            state.record(keyword, "\(preview(instance)) is longer than the maximum length of \(plural(limit, "character")) (it has \(length))")
            return false
        case .minLength(let limit):
            guard case .string(let s) = instance, s.utf8.count < limit * 4 else { return true }
            let length = s.unicodeScalars.count
            if length >= limit { return true }
            state.record(keyword, "\(preview(instance)) is shorter than the minimum length of \(plural(limit, "character")) (it has \(length))")
            return false
        case .pattern(let regex, let hint):
            guard case .string(let s) = instance else { return true }
            switch regex.evaluate(s) {
            case .match:
                return true
            case .noMatch:
                state.record(keyword, "\(preview(instance)) does not match the pattern \(regex.pattern)" + (hint.map { " (expected: \($0))" } ?? ""))
            case .exhausted:
                state.record(keyword, "the pattern \(regex.pattern) is too costly to evaluate on \(preview(instance)) (stopped after \(ECMARegex.defaultStepBudget) steps); simplify the pattern")
            }
            return false
        case .maxItems(let limit):
            guard case .array(let elements) = instance, elements.count > limit else { return true }
            state.record(keyword, "the array has \(plural(elements.count, "item")), at most \(limit) allowed")
            return false
        case .minItems(let limit):
            guard case .array(let elements) = instance, elements.count < limit else { return true }
            state.record(keyword, "the array has \(plural(elements.count, "item")), at least \(limit) required")
            return false
        case .uniqueItems:
            guard case .array(let elements) = instance, elements.count > 1 else { return true }
            var seen: [JSONValue: Int] = [:]
            for (i, element) in elements.enumerated() {
                if let first = seen[element] {
                    state.record(keyword, "items \(first) and \(i) are equal (\(preview(element))), but items must be unique")
                    return false
                }
                seen[element] = i
            }
            return true
        case .maxProperties(let limit):
            guard case .object(let members) = instance, members.count > limit else { return true }
            state.record(keyword, "the object has \(plural(members.count, "property", "properties")), at most \(limit) allowed")
            return false
        case .minProperties(let limit):
            guard case .object(let members) = instance, members.count < limit else { return true }
            state.record(keyword, "the object has \(plural(members.count, "property", "properties")), at least \(limit) required")
            return false
        case .required(let names):
            guard case .object(let members) = instance else { return true }
            var valid = true
            for name in names where members[name] == nil {
                valid = false
                guard state.collecting else { return false }
                state.record(keyword, "missing required property \(quoted(name))")
            }
            return valid
        case .dependentRequired(let dependencies):
            guard case .object(let members) = instance else { return true }
            var valid = true
            for (name, required) in dependencies where members[name] != nil {
                for dependency in required where members[dependency] == nil {
                    valid = false
                    guard state.collecting else { return false }
                    state.record(keyword, "missing property \(quoted(dependency)), required when \(quoted(name)) is present")
                }
            }
            return valid
        case .format(let name, let checker):
            guard case .string(let s) = instance, let check = checker.check else { return true }
            if check(s) { return true }
            state.record(keyword, "\(preview(instance)) is not a valid \(name)")
            return false
        default:
            return true
        }
    }

    /// `properties` + `patternProperties` + `additionalProperties` in one pass over the members.
    private func evaluateMembers(_ members: OrderedDictionary<String, JSONValue>, _ applicators: ObjectApplicators, _ keyword: Keyword,
                                 _ state: inout EvaluationState, _ annotations: inout Annotations, collect: Bool) -> Bool {
        var valid = true
        var rejected: [String] = []
        let hasPatterns = !applicators.patterns.isEmpty
        for (key, value) in members {
            var matched = false
            if let schema = applicators.properties[key] {
                matched = true
                if !evaluateMember(schema, key, value, &state) {
                    valid = false
                    if !state.collecting { return false }
                }
            }
            if hasPatterns {
                for (regex, schema) in applicators.patterns where regex.matches(key) {
                    matched = true
                    if !evaluateMember(schema, key, value, &state) {
                        valid = false
                        if !state.collecting { return false }
                    }
                }
            }
            if matched {
                if collect { annotations.properties.insert(key) }
            } else if let additional = applicators.additional {
                if additional.constant == false {
                    valid = false
                    if !state.collecting { return false }
                    rejected.append(key)
                } else if !evaluateMember(additional, key, value, &state) {
                    valid = false
                    if !state.collecting { return false }
                }
            }
        }
        if !rejected.isEmpty {
            let names = rejected.map(quoted).joined(separator: ", ")
            state.record(keyword: "additionalProperties", location: applicators.additionalLocation,
                         (rejected.count == 1 ? "property \(names) is" : "properties \(names) are") + " not allowed" + applicators.allowedSummary)
        }
        if collect && valid && applicators.additional != nil { annotations.allProperties = true }
        return valid
    }

    @inline(__always)
    private func evaluateMember(_ schema: SchemaNode, _ key: String, _ value: JSONValue, _ state: inout EvaluationState) -> Bool {
        if let constant = schema.constant, constant { return true }
        state.path.append(.key(key))
        var scratch = Annotations()
        let ok = evaluate(schema, value, &state, &scratch, wantsAnnotations: false)
        state.path.removeLast()
        return ok
    }

    private func explainBranches(_ schemas: [SchemaNode], _ instance: JSONValue, _ state: inout EvaluationState) -> String {
        schemas.enumerated().map { i, schema in
            let reasons = explain(schema, instance, &state, limit: 1)
            return "#\(i + 1): " + (reasons.first.map { reasons.count > 1 ? $0 + " (" + reasons[1] + ")" : $0 } ?? "invalid")
        }.joined(separator: "; ")
    }
}

// MARK: - Message helpers

/// A short JSON rendering of a value for messages (long values are cut).
func preview(_ value: JSONValue) -> String {
    let text: String
    switch value {
    case .object(let members) where members.count > 3: text = "an object with \(members.count) properties"
    case .array(let elements) where elements.count > 5: text = "an array of \(elements.count) items"
    default: text = value.serialized()
    }
    if text.count > 80 { return String(text.prefix(77)) + "..." }
    return text
}

func quoted(_ s: String) -> String { JSONValue.string(s).serialized() }

func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
    "\(count) " + (count == 1 ? singular : (pluralForm ?? singular + "s"))
}

func article(_ typeName: String) -> String {
    (typeName == "array" || typeName == "object" || typeName == "integer" ? "an " : "a ") + typeName
}

extension JSONNumber {
    /// `true` when `self` is an exact integer multiple of `divisor` (no floating point involved).
    func isMultiple(of divisor: JSONNumber) -> Bool {
        if significand.isZero { return true }
        // self = a·10^p, divisor = b·10^q. Bring both to the smaller exponent and compare remainders.
        if exponent >= divisor.exponent {
            // a·10^(p-q) mod b; powers of ten beyond the factors 2 and 5 of b change nothing, so the
            // shift is capped to keep huge exponents cheap.
            let b = divisor.significand.magnitude
            let cap = b.bitWidth + 4
            let shift = Swift.min(exponent - divisor.exponent, cap)
            let a = significand.magnitude * BigUInt(10).power(shift)
            return (a % b).isZero
        }
        // The divisor has more decimal places: self·10^(q-p)... self must be divisible by b·10^(q-p).
        let shift = divisor.exponent - exponent
        if shift > significand.magnitude.description.count + 1 { return false }
        let b = divisor.significand.magnitude * BigUInt(10).power(shift)
        return (significand.magnitude % b).isZero
    }
}
