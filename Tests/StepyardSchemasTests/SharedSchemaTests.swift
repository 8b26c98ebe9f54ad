import StepyardCore
import StepyardSchemas
import Testing

/// A shared type with values it must accept and values it must refuse.
struct TypeCase: CustomTestStringConvertible, Sendable {
    var name: String
    var good: [String]
    var bad: [String]
    var testDescription: String { name }
}

let typeCases: [TypeCase] = [
    TypeCase(name: "git-url",
             good: ["https://github.com/tektoncd/catalog.git", "http://git.internal:8080/team/app", "ssh://git@gitlab.example.com:2222/team/app.git",
                    "git://example.org/repo", "git@github.com:org/repo.git", "https://user:token@example.com/x.git"],
             bad: ["", "ftp://example.com/repo", "github.com/org/repo", "https://", "https://exa mple.com/x", "git@github.com:", "file:///etc/passwd", "/local/path"]),
    TypeCase(name: "image-reference",
             good: ["alpine", "alpine:3.20", "library/alpine:3.20", "registry.example.com:5000/team/app:1.2.3", "gcr.io/kaniko-project/executor:v1.23.2",
                    "ghcr.io/org/app@sha256:" + String(repeating: "a", count: 64), "localhost/app:latest", "docker.io/my_org/my__app-x:tag"],
             bad: ["", "UPPER/Case", "alpine:", "alpine:3.20:x", "https://registry/x", "app@sha256:123", "app:" + String(repeating: "t", count: 129), "-app", "a b"]),
    TypeCase(name: "k8s-quantity",
             good: ["500m", "2", "1.5Gi", "512Mi", "1e3", "0.5", "100k", "+1", ".5"],
             bad: ["", "1.5 Gi", "1GiB", "one", "1..5", "Mi", "5mi"]),
    TypeCase(name: "duration",
             good: ["0", "90s", "1h30m", "250ms", "1.5h", "10us", "3µs", "2h45m10s"],
             bad: ["", "90", "1d", "-5s", "1 h", "h1", "1.h"]),
    TypeCase(name: "dns-label",
             good: ["payments", "build-42", "a", String(repeating: "a", count: 63)],
             bad: ["", "Payments", "-a", "a-", "a.b", "a_b", String(repeating: "a", count: 64)]),
    TypeCase(name: "semver",
             good: ["1.2.3", "0.0.0", "2.0.0-rc.1", "1.0.0+build.5", "1.0.0-alpha-1.2+x.y"],
             bad: ["", "1.2", "01.2.3", "1.2.3-", "v1.2.3", "1.2.3-01", "1.2.3+"]),
    TypeCase(name: "relative-path",
             good: [".", "src/app", "charts/my-chart/values.yaml", "a..b/c", "..hidden"],
             bad: ["", "/etc/passwd", "../up", "a/../b", "a/..", "..", "C:\\windows", "a\\b"]),
]

@Suite("Shared schemas")
struct SharedSchemaTests {
    /// Each shared parameter type accepts its good values and refuses its bad ones.
    @Test(arguments: typeCases)
    func parameterType(_ c: TypeCase) throws {
        let registry = try SharedSchemas.registry()
        let schema = try JSONSchema(.object(["$ref": .string(SharedSchemas.parameterTypesBase + c.name + ".json")]), registry: registry)
        for value in c.good {
            #expect(schema.validate(.string(value)).isValid, "\(c.name) should accept \"\(value)\": \(schema.validate(.string(value)).errors.map(\.message))")
        }
        for value in c.bad {
            #expect(!schema.validate(.string(value)).isValid, "\(c.name) should refuse \"\(value)\"")
        }
        // Not a string at all.
        #expect(!schema.validate(.number(JSONNumber(1))).isValid)
    }

    /// Every shipped schema is valid against the 2020-12 metaschema, has an `$id`, and its examples pass.
    @Test func shippedSchemasAreValid() throws {
        let registry = try SharedSchemas.registry()
        let documents = try SharedSchemas.documents()
        #expect(documents.count >= 10)
        for (id, document) in documents {
            let schema = try JSONSchema(document, registry: registry, options: ValidationOptions(validateAgainstMetaschema: true))
            for example in document["examples"]?.arrayValue ?? [] {
                #expect(schema.validate(example).isValid, "\(id): example \(example.serialized())")
            }
        }
    }
}
