import OrderedCollections

/// Turns schema documents into `SchemaNode`s: resolves `$id`, `$anchor`, `$dynamicAnchor` and
/// `$ref`, loads referenced registry documents, compiles regular expressions and checks for
/// reference cycles. Used once per `JSONSchema` initialisation.
struct SchemaCompiler {
    /// Everything a `JSONSchema` keeps after compiling.
    struct Output {
        var root: SchemaNode
        var nodes: [SchemaNode]
        var refTargets: [Int]
        var resources: [SchemaResource]
    }

    private struct Document {
        let uri: String
        let value: JSONValue
        /// Prefix of keyword locations in messages: `""` for the root document, `"uri#"` otherwise.
        let displayPrefix: String
    }

    private struct Location: Hashable {
        let document: Int
        let pointer: String
    }

    private struct PendingReference {
        let slot: Int
        let target: URIReference
        let location: String
    }

    private let registry: SchemaRegistry
    private let formatAssertion: Bool
    private var documents: [Document] = []
    private var documentByURI: [String: Int] = [:]
    private var nodes: [SchemaNode] = []
    private var nodeByLocation: [Location: Int] = [:]
    /// Base URI and vocabularies in effect at each compiled location (for on-demand compiles).
    private var contextByLocation: [Location: (base: URIReference, vocabularies: Vocabularies, resource: Int)] = [:]
    private var resources: [SchemaResource] = []
    private var resourceByURI: [String: Location] = [:]
    private var anchors: [String: Location] = [:]
    private var pendingReferences: [PendingReference] = []
    private var refTargets: [Int] = []
    private var pendingDynamicAnchors: [(resource: Int, name: String, location: Location)] = []

    /// The base used for a root schema without `$id` or given base URI.
    static let defaultBaseURI = "urn:stepyard:schema"

    init(registry: SchemaRegistry, formatAssertion: Bool) {
        self.registry = registry
        self.formatAssertion = formatAssertion
    }

    mutating func compile(_ schema: JSONValue, baseURI: String?) throws -> Output {
        let base = URIReference(baseURI ?? Self.defaultBaseURI).withoutFragment
        let rootDocument = addDocument(schema, uri: base.description, isRoot: true)
        try compileDocument(rootDocument)
        while let reference = pendingReferences.popLast() {
            let target = try resolve(reference.target, from: reference.location)
            while refTargets.count <= reference.slot { refTargets.append(-1) }
            refTargets[reference.slot] = target
        }
        for (resource, name, location) in pendingDynamicAnchors {
            if let index = nodeByLocation[location] { resources[resource].dynamicAnchors[name] = index }
        }
        let root = nodes[nodeByLocation[Location(document: rootDocument, pointer: "")]!]
        try checkReferenceCycles(from: root)
        return Output(root: root, nodes: nodes, refTargets: refTargets, resources: resources)
    }

    // MARK: Documents

    private mutating func addDocument(_ value: JSONValue, uri: String, isRoot: Bool) -> Int {
        documents.append(Document(uri: uri, value: value, displayPrefix: isRoot ? "" : uri + "#"))
        let index = documents.count - 1
        documentByURI[uri] = index
        resourceByURI[uri] = Location(document: index, pointer: "")
        return index
    }

    private mutating func compileDocument(_ document: Int) throws {
        let value = documents[document].value
        let base = URIReference(documents[document].uri)
        let vocabularies = try vocabularies(for: value, inherited: .standard)
        resources.append(SchemaResource(uri: base.description))
        _ = try compileNode(value, at: Location(document: document, pointer: ""), base: base,
                            vocabularies: vocabularies, resource: resources.count - 1, isResourceRoot: true)
    }

    /// Finds (loading from the registry when needed) the location of resource `uri`.
    private mutating func resourceLocation(_ uri: String) throws -> Location? {
        if let location = resourceByURI[uri] { return location }
        if let document = registry.documents[uri] {
            let index = addDocument(document, uri: uri, isRoot: false)
            try compileDocument(index)
            return resourceByURI[uri]
        }
        if let embedded = registry.embeddedResources[uri], registry.documents[embedded.documentURI] != nil {
            if documentByURI[embedded.documentURI] == nil {
                let index = addDocument(registry.documents[embedded.documentURI]!, uri: embedded.documentURI, isRoot: false)
                try compileDocument(index)
            }
            return resourceByURI[uri]
        }
        return nil
    }

    private mutating func resolve(_ target: URIReference, from location: String) throws -> Int {
        let resourceURI = target.withoutFragment.description
        guard let resource = try resourceLocation(resourceURI) else {
            throw SchemaError.unresolvableReference(uri: target.description, location: location)
        }
        let fragment = Self.percentDecode(target.fragment ?? "")
        if fragment.isEmpty { return nodeByLocation[resource]! }
        if fragment.hasPrefix("/") {
            let location = Location(document: resource.document, pointer: resource.pointer + fragment)
            if let index = nodeByLocation[location] { return index }
            return try compileOnDemand(location, reference: target.description, from: location.pointer)
        }
        if let anchorLocation = anchors[resourceURI + "#" + fragment], let index = nodeByLocation[anchorLocation] { return index }
        throw SchemaError.unresolvableReference(uri: target.description, location: location)
    }

    /// Compiles a schema at a pointer that is not a known subschema position (e.g. inside an
    /// unknown keyword), using the base URI of its nearest compiled ancestor.
    private mutating func compileOnDemand(_ location: Location, reference: String, from: String) throws -> Int {
        let document = documents[location.document]
        guard let tokens = JSONPointer.parseTokens(location.pointer), let value = document.value.value(atTokens: tokens[...]) else {
            throw SchemaError.unresolvableReference(uri: reference, location: from)
        }
        var ancestorTokens = tokens
        var context = contextByLocation[Location(document: location.document, pointer: "")]!
        while !ancestorTokens.isEmpty {
            ancestorTokens.removeLast()
            if let found = contextByLocation[Location(document: location.document, pointer: JSONPointer.make(ancestorTokens))] {
                context = found
                break
            }
        }
        _ = try compileNode(value, at: location, base: context.base, vocabularies: context.vocabularies,
                            resource: context.resource, isResourceRoot: false)
        return nodeByLocation[location]!
    }

    // MARK: Vocabularies

    private static let vocabularyURIs: [String: Vocabularies] = [
        "https://json-schema.org/draft/2020-12/vocab/core": [],
        "https://json-schema.org/draft/2020-12/vocab/applicator": .applicator,
        "https://json-schema.org/draft/2020-12/vocab/unevaluated": .unevaluated,
        "https://json-schema.org/draft/2020-12/vocab/validation": .validation,
        "https://json-schema.org/draft/2020-12/vocab/meta-data": [],
        "https://json-schema.org/draft/2020-12/vocab/format-annotation": [],
        "https://json-schema.org/draft/2020-12/vocab/format-assertion": .formatAssertion,
        "https://json-schema.org/draft/2020-12/vocab/content": [],
    ]

    /// The vocabularies of a resource whose root is `schema`, from the `$vocabulary` of its
    /// `$schema` metaschema when the registry holds it.
    private func vocabularies(for schema: JSONValue, inherited: Vocabularies) throws -> Vocabularies {
        guard case .string(let metaschemaURI) = schema["$schema"] else { return inherited }
        let key = URIReference(metaschemaURI).withoutFragment.description
        if key == "https://json-schema.org/draft/2020-12/schema" { return .standard }
        if key == "https://json-schema.org/draft/2019-09/schema" || key.hasPrefix("http://json-schema.org/draft-") {
            return Vocabularies.standard.union(.legacyItems)
        }
        guard let metaschema = registry.documents[key], case .object(let declared) = metaschema["$vocabulary"] else {
            return .standard
        }
        var result: Vocabularies = []
        for (uri, required) in declared {
            if let known = Self.vocabularyURIs[uri] {
                result.formUnion(known)
            } else if required == .bool(true) {
                throw SchemaError.unsupportedVocabulary(uri: uri, metaschema: key)
            }
        }
        return result
    }

    // MARK: Nodes

    private mutating func compileNode(_ value: JSONValue, at location: Location, base inheritedBase: URIReference,
                                      vocabularies inheritedVocabularies: Vocabularies, resource inheritedResource: Int,
                                      isResourceRoot documentRoot: Bool) throws -> SchemaNode {
        if let existing = nodeByLocation[location] { return nodes[existing] }
        let display = documents[location.document].displayPrefix + location.pointer
        switch value {
        case .bool(let b):
            let node = SchemaNode(constant: b, keywords: [], resource: inheritedResource, isResourceRoot: false, location: display)
            register(node, at: location, base: inheritedBase, vocabularies: inheritedVocabularies, resource: inheritedResource)
            return node
        case .object(let members):
            var base = inheritedBase
            var resource = inheritedResource
            var isResourceRoot = documentRoot
            var vocabularies = inheritedVocabularies
            if let id = members["$id"] {
                guard case .string(let idText) = id else { throw invalid(display, "$id must be a string") }
                let idReference = URIReference(idText)
                if let fragment = idReference.fragment, !fragment.isEmpty {
                    throw invalid(display, "$id must not contain a non-empty fragment (\(idText))")
                }
                base = inheritedBase.resolving(idReference).withoutFragment
                if !documentRoot {
                    resources.append(SchemaResource(uri: base.description))
                    resource = resources.count - 1
                } else {
                    resources[resource] = SchemaResource(uri: base.description)
                }
                isResourceRoot = true
                resourceByURI[base.description] = location
                vocabularies = try self.vocabularies(for: value, inherited: inheritedVocabularies)
            } else if documentRoot {
                vocabularies = try self.vocabularies(for: value, inherited: inheritedVocabularies)
            }
            for keyword in ["$anchor", "$dynamicAnchor"] {
                guard let anchorValue = members[keyword] else { continue }
                guard case .string(let name) = anchorValue, Self.isValidAnchor(name) else {
                    throw invalid(display, "\(keyword) must be a plain name (letters, digits, '-', '_', '.', ':')")
                }
                anchors[base.description + "#" + name] = location
                if keyword == "$dynamicAnchor" { pendingDynamicAnchors.append((resource, name, location)) }
            }
            contextByLocation[location] = (base, vocabularies, resource)
            // Reserve the location so that recursive compiles of the same spot do not loop.
            let keywords = try compileKeywords(members, at: location, display: display, base: base, vocabularies: vocabularies, resource: resource)
            let node = SchemaNode(constant: nil, keywords: keywords, resource: resource, isResourceRoot: isResourceRoot, location: display)
            register(node, at: location, base: base, vocabularies: vocabularies, resource: resource)
            // Subschemas that are not keyword arguments ($defs, and keywords of inactive vocabularies)
            // are still compiled so that references can reach them.
            try SchemaWalker.forEachSubschema(of: members) { tokens, child in
                let childLocation = Location(document: location.document, pointer: location.pointer + JSONPointer.make(tokens))
                if nodeByLocation[childLocation] == nil {
                    _ = try compileNode(child, at: childLocation, base: base, vocabularies: vocabularies, resource: resource, isResourceRoot: false)
                }
            }
            return node
        default:
            throw invalid(display, "a schema must be an object or a boolean, not \(value.typeName)")
        }
    }

    private mutating func register(_ node: SchemaNode, at location: Location, base: URIReference, vocabularies: Vocabularies, resource: Int) {
        nodes.append(node)
        nodeByLocation[location] = nodes.count - 1
        contextByLocation[location] = (base, vocabularies, resource)
    }

    private static func isValidAnchor(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0))
        }
    }

    private func invalid(_ location: String, _ reason: String) -> SchemaError {
        .invalidSchema(location: location.isEmpty ? "#" : location, reason: reason)
    }

    // MARK: Keywords

    private mutating func compileKeywords(_ members: OrderedDictionary<String, JSONValue>, at location: Location, display: String,
                                          base: URIReference, vocabularies: Vocabularies, resource: Int) throws -> [Keyword] {
        var keywords: [Keyword] = []
        var trailing: [Keyword] = []
        let applicator = vocabularies.contains(.applicator)
        let validation = vocabularies.contains(.validation)

        func child(_ value: JSONValue, _ tokens: [String]) throws -> SchemaNode {
            let childLocation = Location(document: location.document, pointer: location.pointer + JSONPointer.make(tokens))
            return try compileNode(value, at: childLocation, base: base, vocabularies: vocabularies, resource: resource, isResourceRoot: false)
        }
        func schemaArray(_ keyword: String) throws -> [SchemaNode]? {
            guard let value = members[keyword] else { return nil }
            guard case .array(let elements) = value, !elements.isEmpty else {
                throw invalid(display + "/" + keyword, "\(keyword) must be a non-empty array of schemas")
            }
            return try elements.enumerated().map { try child($1, [keyword, String($0)]) }
        }
        func nonNegativeInteger(_ keyword: String) throws -> Int? {
            guard let value = members[keyword] else { return nil }
            guard case .number(let n) = value, n.isInteger, !n.isNegative else {
                throw invalid(display + "/" + keyword, "\(keyword) must be a non-negative integer")
            }
            return n.intValue ?? Int.max
        }
        func number(_ keyword: String) throws -> JSONNumber? {
            guard let value = members[keyword] else { return nil }
            guard case .number(let n) = value else { throw invalid(display + "/" + keyword, "\(keyword) must be a number") }
            return n
        }
        func stringArray(_ value: JSONValue, _ where_: String) throws -> [String] {
            guard case .array(let elements) = value else { throw invalid(where_, "must be an array of strings") }
            return try elements.map {
                guard case .string(let s) = $0 else { throw invalid(where_, "must be an array of strings") }
                return s
            }
        }
        func add(_ name: String, _ kind: KeywordKind) {
            keywords.append(Keyword(name: name, location: display + "/" + JSONPointer.escape(name), kind: kind))
        }
        let hint: String? = members["title"]?.stringValue ?? members["description"]?.stringValue

        for (name, value) in members {
            switch name {
            case "$ref", "$dynamicRef":
                guard case .string(let text) = value else { throw invalid(display + "/" + name, "\(name) must be a string") }
                let target = base.resolving(text)
                let slot = refTargets.count
                refTargets.append(-1)
                pendingReferences.append(PendingReference(slot: slot, target: target, location: display + "/" + name))
                if name == "$ref" {
                    add(name, .ref(slot: slot))
                } else {
                    let fragment = target.fragment ?? ""
                    let isAnchor = !fragment.isEmpty && !fragment.hasPrefix("/")
                    add(name, .dynamicRef(slot: slot, anchor: isAnchor ? fragment : nil))
                }
            case "allOf" where applicator: add(name, .allOf(try schemaArray(name)!))
            case "anyOf" where applicator: add(name, .anyOf(try schemaArray(name)!))
            case "oneOf" where applicator: add(name, .oneOf(try schemaArray(name)!))
            case "not" where applicator: add(name, .not(try child(value, [name])))
            case "if" where applicator:
                let condition = try child(value, ["if"])
                let then = try members["then"].map { try child($0, ["then"]) }
                let otherwise = try members["else"].map { try child($0, ["else"]) }
                add(name, .conditional(condition: condition, then: then, else: otherwise))
            case "dependentSchemas" where applicator:
                guard case .object(let map) = value else { throw invalid(display + "/" + name, "dependentSchemas must be an object") }
                add(name, .dependentSchemas(try map.map { ($0.key, try child($0.value, [name, $0.key])) }))
            case "properties" where applicator, "patternProperties" where applicator, "additionalProperties" where applicator:
                // Compiled together once, at the position of the first of the three.
                if keywords.contains(where: { if case .objectApplicators = $0.kind { return true } else { return false } }) { continue }
                var applicators = ObjectApplicators()
                if let properties = members["properties"] {
                    guard case .object(let map) = properties else { throw invalid(display + "/properties", "properties must be an object") }
                    for (key, schema) in map { applicators.properties[key] = try child(schema, ["properties", key]) }
                }
                if let patterns = members["patternProperties"] {
                    guard case .object(let map) = patterns else { throw invalid(display + "/patternProperties", "patternProperties must be an object") }
                    for (pattern, schema) in map {
                        let regex = try compileRegex(pattern, at: display + "/patternProperties")
                        applicators.patterns.append((regex, try child(schema, ["patternProperties", pattern])))
                    }
                }
                if let additional = members["additionalProperties"] {
                    applicators.additional = try child(additional, ["additionalProperties"])
                    applicators.additionalLocation = display + "/additionalProperties"
                }
                if applicators.patterns.isEmpty && !applicators.properties.isEmpty {
                    applicators.allowedSummary = " (allowed: " + applicators.properties.keys.sorted().joined(separator: ", ") + ")"
                }
                let first = ["properties", "patternProperties", "additionalProperties"].first { members[$0] != nil }!
                add(first, .objectApplicators(applicators))
            case "propertyNames" where applicator: add(name, .propertyNames(try child(value, [name])))
            case "prefixItems" where applicator, "items" where applicator, "additionalItems" where applicator:
                if keywords.contains(where: { if case .items = $0.kind { return true } else { return false } }) { continue }
                if vocabularies.contains(.legacyItems) {
                    if case .array = members["items"] {
                        let prefix = try schemaArray("items") ?? []
                        let rest = try members["additionalItems"].map { try child($0, ["additionalItems"]) }
                        add("items", .items(prefix: prefix, rest: rest))
                    } else if let items = members["items"] {
                        add("items", .items(prefix: [], rest: try child(items, ["items"])))
                    }
                    continue
                }
                if name == "additionalItems" { continue }
                let prefix = try schemaArray("prefixItems") ?? []
                let rest = try members["items"].map { try child($0, ["items"]) }
                add(members["prefixItems"] != nil ? "prefixItems" : "items", .items(prefix: prefix, rest: rest))
            case "contains" where applicator:
                let minimum = validation ? try nonNegativeInteger("minContains") ?? 1 : 1
                let maximum = validation ? try nonNegativeInteger("maxContains") : nil
                add(name, .contains(try child(value, [name]), min: minimum, max: maximum))
            case "unevaluatedProperties" where vocabularies.contains(.unevaluated):
                trailing.append(Keyword(name: name, location: display + "/" + name, kind: .unevaluatedProperties(try child(value, [name]))))
            case "unevaluatedItems" where vocabularies.contains(.unevaluated):
                trailing.append(Keyword(name: name, location: display + "/" + name, kind: .unevaluatedItems(try child(value, [name]))))
            case "type" where validation:
                var set: JSONTypeSet = []
                let names: [JSONValue]
                if case .array(let list) = value { names = list } else { names = [value] }
                for entry in names {
                    guard case .string(let typeName) = entry, let type = JSONTypeSet.names.first(where: { $0.0 == typeName })?.1 else {
                        throw invalid(display + "/type", "type must be one of null, boolean, object, array, number, string, integer (or an array of them)")
                    }
                    set.insert(type)
                }
                add(name, .type(set, description: set.description))
            case "enum" where validation:
                guard case .array(let values) = value else { throw invalid(display + "/enum", "enum must be an array") }
                let summary = values.prefix(10).map(preview).joined(separator: ", ") + (values.count > 10 ? ", ..." : "")
                add(name, .enumeration(values, summary: summary))
            case "const" where validation: add(name, .const(value))
            case "multipleOf" where validation:
                let n = try number(name)!
                guard n.significand.signum() > 0 else { throw invalid(display + "/multipleOf", "multipleOf must be greater than 0") }
                add(name, .multipleOf(n))
            case "maximum" where validation: add(name, .maximum(try number(name)!))
            case "exclusiveMaximum" where validation: add(name, .exclusiveMaximum(try number(name)!))
            case "minimum" where validation: add(name, .minimum(try number(name)!))
            case "exclusiveMinimum" where validation: add(name, .exclusiveMinimum(try number(name)!))
            case "maxLength" where validation: add(name, .maxLength(try nonNegativeInteger(name)!))
            case "minLength" where validation: add(name, .minLength(try nonNegativeInteger(name)!))
            case "pattern" where validation:
                guard case .string(let pattern) = value else { throw invalid(display + "/pattern", "pattern must be a string") }
                add(name, .pattern(try compileRegex(pattern, at: display + "/pattern"), hint: hint))
            case "maxItems" where validation: add(name, .maxItems(try nonNegativeInteger(name)!))
            case "minItems" where validation: add(name, .minItems(try nonNegativeInteger(name)!))
            case "uniqueItems" where validation:
                guard case .bool(let unique) = value else { throw invalid(display + "/uniqueItems", "uniqueItems must be a boolean") }
                if unique { add(name, .uniqueItems) }
            case "maxProperties" where validation: add(name, .maxProperties(try nonNegativeInteger(name)!))
            case "minProperties" where validation: add(name, .minProperties(try nonNegativeInteger(name)!))
            case "required" where validation:
                let names = try stringArray(value, display + "/required")
                if !names.isEmpty { add(name, .required(names)) }
            case "dependentRequired" where validation:
                guard case .object(let map) = value else { throw invalid(display + "/dependentRequired", "dependentRequired must be an object") }
                add(name, .dependentRequired(try map.map { ($0.key, try stringArray($0.value, display + "/dependentRequired/" + JSONPointer.escape($0.key))) }))
            case "dependencies" where applicator || validation:
                // Draft 7 spelling, still accepted: arrays act as dependentRequired, schemas as dependentSchemas.
                guard case .object(let map) = value else { throw invalid(display + "/dependencies", "dependencies must be an object") }
                var requiredLists: [(String, [String])] = []
                var schemas: [(String, SchemaNode)] = []
                for (key, dependency) in map {
                    if case .array = dependency {
                        requiredLists.append((key, try stringArray(dependency, display + "/dependencies/" + JSONPointer.escape(key))))
                    } else {
                        schemas.append((key, try child(dependency, ["dependencies", key])))
                    }
                }
                if !requiredLists.isEmpty && validation { add(name, .dependentRequired(requiredLists)) }
                if !schemas.isEmpty && applicator { add(name, .dependentSchemas(schemas)) }
            case "format":
                guard case .string(let format) = value else { throw invalid(display + "/format", "format must be a string") }
                if formatAssertion || vocabularies.contains(.formatAssertion) {
                    let checker = FormatChecker(name: format)
                    if checker.check != nil { add(name, .format(format, checker)) }
                }
            default:
                break
            }
        }
        return keywords + trailing
    }

    private func compileRegex(_ pattern: String, at location: String) throws -> ECMARegex {
        do {
            return try ECMARegex(pattern)
        } catch let error as ECMARegexSyntaxError {
            throw SchemaError.invalidRegex(pattern: pattern, location: location, reason: error.reason)
        }
    }

    // MARK: Reference cycles

    /// Rejects schemas where references lead back to a schema at the same instance location
    /// (e.g. `{"$ref": "#"}`), which would otherwise recurse forever.
    private func checkReferenceCycles(from root: SchemaNode) throws {
        var indexOf: [ObjectIdentifier: Int] = [:]
        for (i, node) in nodes.enumerated() { indexOf[ObjectIdentifier(node)] = i }
        func inPlaceSuccessors(_ node: SchemaNode) -> [Int] {
            var result: [Int] = []
            for keyword in node.keywords {
                switch keyword.kind {
                case .ref(let slot), .dynamicRef(let slot, _): result.append(refTargets[slot])
                case .allOf(let list), .anyOf(let list), .oneOf(let list): result += list.compactMap { indexOf[ObjectIdentifier($0)] }
                case .not(let n): result += [indexOf[ObjectIdentifier(n)]].compactMap { $0 }
                case .conditional(let c, let t, let e): result += [c, t, e].compactMap { $0.flatMap { indexOf[ObjectIdentifier($0)] } }
                case .dependentSchemas(let list): result += list.compactMap { indexOf[ObjectIdentifier($0.1)] }
                default: break
                }
            }
            return result
        }
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on stack, 2 done
        var stack: [(node: Int, successors: [Int], next: Int)] = []
        guard let start = indexOf[ObjectIdentifier(root)] else { return }
        state[start] = 1
        stack.append((start, inPlaceSuccessors(nodes[start]), 0))
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].next < stack[top].successors.count {
                let successor = stack[top].successors[stack[top].next]
                stack[top].next += 1
                if state[successor] == 1 {
                    let cycleStart = stack.firstIndex { $0.node == successor } ?? 0
                    let locations = stack[cycleStart...].map { nodes[$0.node].location } + [nodes[successor].location]
                    throw SchemaError.referenceCycle(locations: locations.map { $0.isEmpty ? "#" : $0 })
                }
                if state[successor] == 0 {
                    state[successor] = 1
                    stack.append((successor, inPlaceSuccessors(nodes[successor]), 0))
                }
            } else {
                state[stack[top].node] = 2
                stack.removeLast()
            }
        }
    }

    static func percentDecode(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let c = utf8.first {
            utf8 = utf8.dropFirst()
            if c == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
