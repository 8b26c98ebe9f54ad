import Foundation
import StepyardTestSupport
import Testing
@testable import StepyardCore

func resource(_ yaml: String) throws -> TektonResource {
    try #require(TektonResource(document: try YAMLLoader().load(text: yaml)[0].value))
}

@Suite("Parameter schemas")
struct ParameterSchemaTests {
    /// The derived schema of real catalog Tasks: typed, defaulted, params without type are strings, no default = required.
    @Test func derivedFromCatalogTasks() throws {
        let gitClone = try resource(String(decoding: try Data(contentsOf: Corpus.tektonCatalog.appendingPathComponent("task/git-clone/0.9/git-clone.yaml")), as: UTF8.self))
        let schema = ParameterSchema.derive(from: gitClone)
        #expect(schema["required"] == .array([.string("url")]))
        #expect(schema["additionalProperties"] == .bool(false))
        #expect(schema["properties"]?["depth"]?["type"] == .string("string"))
        #expect(schema["properties"]?["depth"]?["default"] == .string("1"))
        // Every catalog Task derives a schema that compiles and accepts its own defaults.
        var checked = 0
        for file in try Corpus.tektonCatalogFiles() where file.path.contains("/task/") {
            guard let document = try? YAMLLoader().load([UInt8](Data(contentsOf: file))).first,
                  let task = TektonResource(document: document.value) else { continue }
            let schema = ParameterSchema.derive(from: task)
            let compiled = try JSONSchema(schema, options: ValidationOptions(validateAgainstMetaschema: true))
            var values: [String: JSONValue] = [:]
            for param in task.spec.params {
                guard let name = param.name else { continue }
                if let d = param.defaultValue, d != .null { values[name] = ParameterSchema.tektonValue(d) }
                else { values[name] = param.type == .array ? .array([]) : param.type == .object ? .object(.init(uniqueKeysWithValues: (param.properties?.keys ?? []).map { ($0, .string("x")) })) : .string("x") }
            }
            let errors = compiled.validate(.object(.init(uniqueKeysWithValues: values.sorted { $0.key < $1.key }))).errors
            #expect(errors.isEmpty, "\(file.path): \(errors.map(\.message))")
            checked += 1
        }
        #expect(checked >= 290)
    }

    /// Array, object and enum params get their Tekton shape.
    @Test func paramShapes() throws {
        let task = try resource("""
            apiVersion: tekton.dev/v1
            kind: Task
            metadata: {name: t}
            spec:
              params:
                - {name: flags, type: array, default: ["-v"]}
                - {name: cfg, type: object, properties: {a: {}, b: {type: string}}}
                - {name: mode, enum: [fast, safe], default: fast}
                - {name: count, default: 3}
              steps: [{image: x}]
            """)
        let schema = ParameterSchema.derive(from: task)
        #expect(schema["properties"]?["flags"] == .object(["type": "array", "items": .object(["type": "string"]), "default": .array(["-v"])]))
        #expect(schema["properties"]?["cfg"]?["required"] == .array(["a", "b"]))
        #expect(schema["properties"]?["mode"]?["enum"] == .array(["fast", "safe"]))
        #expect(schema["properties"]?["count"]?["default"] == .string("3"))
        #expect(schema["required"] == .array(["cfg"]))
    }

    /// Values: every error at once, numbers for strings reported, unknown params refused, the list form accepted.
    @Test func valueChecks() throws {
        let task = try resource("""
            apiVersion: tekton.dev/v1
            kind: Task
            metadata: {name: t}
            spec:
              params:
                - {name: url}
                - {name: image}
                - {name: depth, default: "1"}
                - {name: flags, type: array, default: []}
              steps: [{image: x}]
            """)
        let sidecar = try JSONValue(parsingJSON: """
            {"properties": {"url": {"$ref": "https://example.test/git-url.json"}, "depth": {"pattern": "^[0-9]+$"}}}
            """)
        var registry = SchemaRegistry()
        try registry.add(try JSONValue(parsingJSON: #"{"$id": "https://example.test/git-url.json", "type": "string", "pattern": "^https://"}"#),
                         uri: "https://example.test/git-url.json")
        let schema = try ParameterSchema.effective(for: task, sidecar: sidecar)
        let checker = try ParameterValues(schema: schema, registry: registry)
        let errors = checker.check(try JSONValue(parsingJSON: #"{"url": "ftp://x", "depth": 3, "flags": [1], "extra": "?"}"#))
        #expect(Set(errors.map(\.instancePointer)) == ["/url", "/depth", "/flags/0", "", ""].reduce(into: Set<String>()) { $0.insert($1) })
        #expect(errors.contains { $0.keyword == "required" && $0.message.contains("image") })
        #expect(errors.contains { $0.keyword == "additionalProperties" && $0.message.contains("extra") })
        #expect(errors.first { $0.instancePointer == "/depth" }?.keyword == "type")
        #expect(errors.filter { $0.instancePointer == "/depth" }.count == 1)
        let list = try ParameterValues.normalize(try JSONValue(parsingJSON: #"[{"name": "url", "value": "https://x"}, {"name": "image", "value": "alpine"}]"#))
        #expect(checker.check(list).isEmpty)
        #expect(throws: ParameterSchemaError.self) { try ParameterValues.normalize(.array([.string("x")])) }
        #expect(throws: ParameterSchemaError.self) {
            try ParameterSchema.effective(for: task, sidecar: .object(["properties": .object(["nope": .object([:])])]))
        }
    }

    /// Bad schemas are clear errors, never crashes or hangs.
    @Test func badSchemas() throws {
        let cases: [String] = [
            #"{"type": 12}"#,                                             // not valid against the metaschema
            ##"{"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/a"}}}"##,  // a $ref cycle
            #"{"$ref": "https://remote.example.com/schema.json"}"#,       // unknown remote: never fetched
            #"{"pattern": "([a-z"}"#,                                     // invalid regex
        ]
        for text in cases {
            #expect(throws: (any Error).self, "\(text)") {
                _ = try JSONSchema(try JSONValue(parsingJSON: text), options: ValidationOptions(validateAgainstMetaschema: true))
            }
        }
        // A pathological pattern is stopped and reported instead of hanging.
        let schema = try JSONSchema(try JSONValue(parsingJSON: #"{"pattern": "^(a+)+$"}"#))
        let errors = schema.validate(.string(String(repeating: "a", count: 40) + "!")).errors
        #expect(errors.count == 1 && errors[0].message.contains("too costly"))
        // Values nested 10 000 deep: an error, not a crash.
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: (any Error).self) { _ = try JSONValue(parsingJSON: deep) }
        var nested = JSONValue.null
        for _ in 0..<10_000 { nested = .array([nested]) }
        let items = try JSONSchema(try JSONValue(parsingJSON: ##"{"items": {"$ref": "#"}}"##))
        #expect(!items.validate(nested).isValid)
    }
}

@Suite("Compatibility")
struct CompatibilityTests {
    func task(_ params: String, results: String = "[{name: digest}]") throws -> TektonResource {
        try resource("apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  params: \(params)\n  results: \(results)\n  steps: [{image: x}]\n")
    }

    func report(_ old: TektonResource, _ new: TektonResource, oldSidecar: String? = nil, newSidecar: String? = nil) throws -> CompatibilityReport {
        let oldSchema = try ParameterSchema.effective(for: old, sidecar: try oldSidecar.map { try JSONValue(parsingJSON: $0) })
        let newSchema = try ParameterSchema.effective(for: new, sidecar: try newSidecar.map { try JSONValue(parsingJSON: $0) })
        return Compatibility.compare(old: old, oldSchema: oldSchema, new: new, newSchema: newSchema, registry: SchemaRegistry(), from: "1.0.0", to: "1.1.0")
    }

    /// Each kind of breaking change is reported as breaking.
    @Test func breakingChanges() throws {
        let base = try task("[{name: url}, {name: mode, enum: [a, b], default: a}, {name: depth, default: '1'}]")
        let cases: [(TektonResource, String)] = [
            (try task("[{name: mode, enum: [a, b], default: a}, {name: depth, default: '1'}]"), "params.url"),
            (try task("[{name: url}, {name: mode, enum: [a, b], default: a}, {name: depth, default: '1'}, {name: token}]"), "params.token"),
            (try task("[{name: url, type: array}, {name: mode, enum: [a, b], default: a}, {name: depth, default: '1'}]"), "params.url.type"),
            (try task("[{name: url}, {name: mode, enum: [a], default: a}, {name: depth, default: '1'}]"), "params.mode.enum"),
            (try task("[{name: url}, {name: mode, enum: [a, b], default: a}, {name: depth}]"), "params.depth.default"),
            (try task("[{name: url}, {name: mode, enum: [a, b], default: a}, {name: depth, default: '1'}]", results: "[]"), "results.digest"),
        ]
        for (new, path) in cases {
            let r = try report(base, new)
            #expect(r.isBreaking && r.breaking.contains { $0.path == path }, "\(path): \(r.lines)")
        }
        // A sidecar that refuses values the old one accepted.
        let tightened = try report(base, base, oldSidecar: #"{"properties": {"depth": {"pattern": "^[0-9]+$", "examples": ["10"]}}}"#,
                                   newSidecar: #"{"properties": {"depth": {"pattern": "^[0-9]$"}}}"#)
        #expect(tightened.breaking.contains { $0.path == "params.depth.pattern" })
        #expect(tightened.breaking.contains { $0.path == "params.depth" && $0.message.contains("\"10\"") })
        let bounded = try report(base, base, newSidecar: #"{"properties": {"url": {"maxLength": 10}}}"#)
        #expect(bounded.breaking.contains { $0.path == "params.url.maxLength" })
    }

    /// Adding an optional param, widening an enum, adding a result or relaxing a constraint is compatible.
    @Test func compatibleChanges() throws {
        let base = try task("[{name: url}, {name: mode, enum: [a, b], default: a}]")
        let new = try task("[{name: url}, {name: mode, enum: [a, b, c], default: a}, {name: verbose, default: 'false'}]",
                           results: "[{name: digest}, {name: url}]")
        let r = try report(base, new, oldSidecar: #"{"properties": {"url": {"maxLength": 10}}}"#, newSidecar: #"{"properties": {"url": {"maxLength": 100}}}"#)
        #expect(!r.isBreaking, "\(r.lines)")
        #expect(Set(r.changes.map(\.path)) == ["params.verbose", "params.mode.enum", "results.url", "params.url.maxLength"])
    }
}
