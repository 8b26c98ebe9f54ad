import Foundation
import HTTPTypes
import StepyardCore

/// What `openapi.yaml` says a request may carry — each operation's path and query parameters and its JSON body —
/// compiled once into JSON Schemas (OpenAPI 3.1 schemas are draft 2020-12) and checked with the registry's own
/// validator. Every limit the contract states (`maxLength`, `maximum`, `enum`, `maxItems`, required members, types)
/// is therefore enforced in one place, with one kind of answer: 400 listing every problem, each with where it is
/// (`query.limit`, `body/message`) and a sentence. The generated layer checks none of them.
struct RequestContract: Sendable {
    /// One operation of the contract.
    struct Operation: Sendable {
        var method: HTTPRequest.Method
        /// The path template's segments (`{namespace}` for a parameter).
        var segments: [Substring]
        var parameters: [Parameter]
        /// The schema of a JSON body, when the operation takes one.
        var body: JSONSchema?
        /// The media types of the bodies it takes, the first being what a body without `Content-Type` is read as.
        var bodyTypes: [String]
        /// The media types its successful answers come in.
        var responseTypes: [String]
        /// A signed-in browser's session stands for its token: reads, the web catalog's own forms (which repeat the
        /// CSRF value), and POSTs that change nothing (`x-stepyard-session: true`).
        var acceptsSession: Bool

        /// How specific the template is: its literal segments (`…/{name}/raw` wins over `…/{name}/{version}`).
        var literals: Int { segments.filter { !$0.hasPrefix("{") }.count }
    }

    struct Parameter: Sendable {
        enum Place: String, Sendable { case path, query }
        var name: String
        var place: Place
        /// `string`, `integer`, `boolean` or `number`: how the text of the URI is read before it is checked.
        var type: String
        var schema: JSONSchema
    }

    /// Where a problem is and what it is.
    struct Problem: Sendable, Hashable {
        /// `path.version`, `query.limit`, `body/message` (a JSON pointer into the body after `body`).
        var location: String
        var keyword: String
        var message: String
    }

    let operations: [Operation]

    /// The URI the contract is registered under, so its `$ref`s resolve among its own components.
    static let documentURI = "https://stepyard.dev/openapi.yaml"

    /// Compiles the contract of an OpenAPI document.
    init(document: JSONValue) throws {
        var registry = SchemaRegistry()
        try registry.add(document, uri: Self.documentURI)
        func compile(_ schema: JSONValue) throws -> JSONSchema {
            try JSONSchema(Self.absoluteReferences(schema), registry: registry)
        }
        func resolved(_ value: JSONValue) -> JSONValue {
            guard let ref = value["$ref"]?.stringValue, ref.hasPrefix("#/") else { return value }
            return document.value(atPointer: String(ref.dropFirst())) ?? value
        }
        var operations: [Operation] = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for (methodName, operation) in item.objectValue ?? [:] {
                guard let method = HTTPRequest.Method(methodName.uppercased()), operation["operationId"] != nil else { continue }
                var parameters: [Parameter] = []
                for parameter in (item["parameters"]?.arrayValue ?? []) + (operation["parameters"]?.arrayValue ?? []) {
                    let parameter = resolved(parameter)
                    guard let name = parameter["name"]?.stringValue, let place = parameter["in"]?.stringValue.flatMap(Parameter.Place.init),
                          let schema = parameter["schema"] else { continue }
                    parameters.append(Parameter(name: name, place: place, type: resolved(schema)["type"]?.stringValue ?? "string",
                                                schema: try compile(schema)))
                }
                let content = resolved(operation["requestBody"] ?? .null)["content"]
                let body = content?["application/json"]?["schema"]
                var responseTypes: [String] = []
                for (status, response) in operation["responses"]?.objectValue ?? [:] where status.hasPrefix("2") {
                    for type in resolved(response)["content"]?.objectValue?.keys ?? [] where !responseTypes.contains(type) { responseTypes.append(type) }
                }
                let acceptsSession = method == .get || path.hasPrefix("/ui/") || operation["x-stepyard-session"] == .bool(true)
                operations.append(Operation(method: method, segments: path.split(separator: "/"), parameters: parameters,
                                            body: try body.map(compile), bodyTypes: Array(content?.objectValue?.keys ?? []),
                                            responseTypes: responseTypes, acceptsSession: acceptsSession))
            }
        }
        self.operations = operations
    }

    /// The contract of this server (`openapi.yaml` in the module's resources).
    static let shipped: RequestContract = {
        let bytes = RegistryAPI.openAPIDocumentBytes
        guard let document = try? YAMLLoader().load(bytes).first?.value, let contract = try? RequestContract(document: document) else {
            preconditionFailure("openapi.yaml in the build does not load as a contract")
        }
        return contract
    }()

    /// The operation a request is for: the most specific template that matches.
    func operation(method: HTTPRequest.Method, path: some StringProtocol) -> Operation? {
        let asked = path.split(separator: "/")
        return operations.filter { operation in
            operation.method == method && operation.segments.count == asked.count
                && zip(operation.segments, asked).allSatisfy { template, segment in template.hasPrefix("{") || template == segment }
        }.max { $0.literals < $1.literals }
    }

    /// The methods some operation accepts for `path` (a wrong method is then 405 with `Allow`, not 404).
    func methods(for path: some StringProtocol) -> [HTTPRequest.Method] {
        let asked = path.split(separator: "/")
        return operations.filter { operation in
            operation.segments.count == asked.count
                && zip(operation.segments, asked).allSatisfy { template, segment in template.hasPrefix("{") || template == segment }
        }.map(\.method)
    }

    /// Every problem with a request's parameters (the path's segments, the query's items).
    func problems(of operation: Operation, path: some StringProtocol, query: String?) -> [Problem] {
        // By place and name: a query item never stands for a path segment of the same name.
        var values: [Parameter.Place: [String: [String]]] = [:]
        for (template, segment) in zip(operation.segments, path.split(separator: "/")) where template.hasPrefix("{") {
            values[.path, default: [:]][String(template.dropFirst().dropLast())] = [String(segment).removingPercentEncoding ?? String(segment)]
        }
        for (name, value) in QueryItems(query).pairs {
            values[.query, default: [:]][name, default: []].append(value)
        }
        var problems: [Problem] = []
        for parameter in operation.parameters {
            let place = parameter.place
            guard let texts = values[place]?[parameter.name], let text = texts.last else { continue }
            let location = "\(place.rawValue).\(parameter.name)"
            let value: JSONValue
            switch parameter.type {
            case "array":
                // Repeated (`kinds=task&kinds=pipeline`), as the contract's exploded form sends it.
                value = .array(texts.map(JSONValue.string))
            case "integer", "number":
                guard let number = JSONNumber(Substring(text)), parameter.type == "number" || number.isInteger else {
                    problems.append(Problem(location: location, keyword: "type", message: "\"\(text.prefix(100))\" is not \(parameter.type == "integer" ? "an integer" : "a number")"))
                    continue
                }
                value = .number(number)
            case "boolean":
                guard text == "true" || text == "false" else {
                    problems.append(Problem(location: location, keyword: "type", message: "\"\(text.prefix(100))\" is not true or false"))
                    continue
                }
                value = .bool(text == "true")
            default:
                value = .string(text)
            }
            problems += parameter.schema.validate(value).errors.map { Problem(location: location, keyword: $0.keyword, message: $0.message) }
        }
        return problems
    }

    /// Every problem with a JSON body.
    func problems(of operation: Operation, body: JSONValue) -> [Problem] {
        guard let schema = operation.body else { return [] }
        return schema.validate(body).errors.map { Problem(location: "body" + $0.instancePointer, keyword: $0.keyword, message: $0.message) }
    }

    /// `#/components/…` made absolute (into the registered document), so an extracted schema compiles on its own.
    static func absoluteReferences(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var members):
            for (key, member) in members {
                if key == "$ref", let ref = member.stringValue, ref.hasPrefix("#") {
                    members[key] = .string(documentURI + ref)
                } else {
                    members[key] = absoluteReferences(member)
                }
            }
            return .object(members)
        case .array(let items):
            return .array(items.map(absoluteReferences))
        default:
            return value
        }
    }
}
