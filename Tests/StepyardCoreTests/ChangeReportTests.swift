import Foundation
import StepyardTestSupport
import Testing
@testable import StepyardCore

/// The versions of the Tekton catalog's `task/git-clone`, lowest first.
let gitCloneVersions: [String] = {
    let folder = Corpus.tektonCatalog.appendingPathComponent("task/git-clone")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.compactMap(ResourceVersion.init).sorted().map(\.spelling)
}()

/// Each version of `task/git-clone` with the next one.
let gitClonePairs: [String] = zip(gitCloneVersions, gitCloneVersions.dropFirst()).map { "\($0)..\($1)" }

/// One catalog version of `task/git-clone` as a side of a report (the catalog has no sidecars).
func gitClone(_ version: String) throws -> ComparedVersion {
    let url = Corpus.tektonCatalog.appendingPathComponent("task/git-clone/\(version)/git-clone.yaml")
    let document = try #require(try YAMLLoader().load([UInt8](Data(contentsOf: url))).first)
    return try ComparedVersion(label: version, resource: try #require(TektonResource(document: document.value)))
}

/// The report between two catalog versions of `task/git-clone`.
func gitCloneReport(_ pair: String) throws -> ChangeReport {
    let ends = pair.components(separatedBy: "..")
    return ChangeReport(from: try gitClone(ends[0]), to: try gitClone(ends[1]), registry: SchemaRegistry())
}

@Suite("Change report")
struct ChangeReportTests {
    /// 0.8 → 0.9 of git-clone: two defaults, a result, the minimum Tekton and the script; nothing breaks.
    @Test func gitClone08To09() throws {
        let report = try gitCloneReport("0.8..0.9")
        #expect(report.lines == [
            #"params.gitInitImage.default: "ghcr.io/tektoncd/github.com/tektoncd/pipeline/cmd/git-init:v0.29.0" → "ghcr.io/tektoncd/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2" [compatible]"#,
            #"params.userHome.default: "/tekton/home" → "/home/git" [compatible]"#,
            "results.committer-date: added [compatible]",
            "metadata.annotations.tekton.dev/pipelines.minVersion: 0.29.0 → 0.38.0 [compatible]",
            "spec.steps[clone].script: 4 lines added, 2 removed [compatible]",
        ])
        #expect(!report.isBreaking && report.from == "0.8" && report.to == "0.9")
        #expect(report.changes[1] == Change(path: "params.userHome.default", kind: .changed, before: "/tekton/home", after: "/home/git",
                                            breaking: false, message: #""/tekton/home" → "/home/git""#))
        #expect(report.changes[2].after == ["name": "committer-date", "description": "The epoch timestamp of the commit that was fetched by this Task."])
        #expect(report.text.hasSuffix("[compatible]\n0.9 is compatible with 0.8\n"))
    }

    /// 0.9 → 0.10 of git-clone: the image param's default, `v1`, a volume and its mount.
    @Test func gitClone09To010() throws {
        let report = try gitCloneReport("0.9..0.10")
        #expect(report.lines == [
            #"params.gitInitImage.default: "ghcr.io/tektoncd/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2" → "ghcr.io/tektoncd-catalog/git-clone:v1.1.0" [compatible]"#,
            "apiVersion: tekton.dev/v1beta1 → tekton.dev/v1 [compatible]",
            #"spec.steps[clone].volumeMounts: added: [{"name":"user-home","mountPath":"$(params.userHome)"}] [compatible]"#,
            #"spec.volumes: added: [{"name":"user-home","emptyDir":{}}] [compatible]"#,
        ])
        #expect(report.changes.map(\.kind) == [.changed, .changed, .added, .added])
    }

    /// 0.1 → 0.2 of git-clone removed the userHome param: the one breaking change, among ten.
    @Test func gitClone01To02() throws {
        let report = try gitCloneReport("0.1..0.2")
        #expect(report.breaking.map(\.line) == ["params.userHome: removed (values passed for it are now refused) [breaking]"])
        #expect(report.changes.map(\.path) == [
            "params.revision.default", "params.deleteExisting.default", "params.verbose", "params.gitInitImage.default",
            "params.gitInitImage.description", "params.userHome", "results.url", "spec.stepTemplate", "spec.steps[clone].env[PARAM_VERBOSE]",
            "spec.steps[clone].script",
        ])
        #expect(report.text.hasSuffix("\n0.2 breaks users of 0.1: 1 breaking change\n"))
    }

    /// Every consecutive pair of git-clone versions reports what a plain structural comparison finds, and nothing
    /// it does not: each structural change lies under (or over) a reported path, and each reported path under (or
    /// over) a structural change; each change has a message and only interface paths break.
    @Test(arguments: gitClonePairs) func gitCloneCoversStructure(_ pair: String) throws {
        let ends = pair.components(separatedBy: "..")
        let old = try gitClone(ends[0]), new = try gitClone(ends[1])
        let report = ChangeReport(from: old, to: new, registry: SchemaRegistry())
        let structural = StructuralDiff(from: Self.withoutVersionLabel(old.resource.document),
                                        to: Self.withoutVersionLabel(new.resource.document)).changes.map { Self.reportPath($0.path) }
        #expect(!structural.isEmpty)
        let reported = report.changes.map(\.path)
        for path in structural {
            #expect(reported.contains { Self.related($0, path) }, "\(pair): \(path) is not reported: \(report.lines)")
        }
        for path in reported {
            #expect(structural.contains { Self.related($0, path) }, "\(pair): \(path) is reported, but nothing changed there")
        }
        for change in report.changes {
            #expect(!change.message.isEmpty)
            #expect(!change.breaking || change.path.hasPrefix("params.") || change.path.hasPrefix("results."), "\(change.line)")
        }
    }

    /// Every consecutive pair of versions of every resource in the Tekton catalog: the report covers each structural
    /// change, and whatever breaks is the interface's.
    @Test func wholeCatalogCoversStructure() throws {
        var pairs = 0
        let root = Corpus.tektonCatalog
        for kind in ["task", "pipeline", "stepaction"] {
            let kindFolder = root.appendingPathComponent(kind)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: kindFolder.path)) ?? [] {
                let folder = kindFolder.appendingPathComponent(name)
                let versions = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).compactMap(ResourceVersion.init).sorted()
                let sides: [ComparedVersion] = versions.compactMap { version in
                    let url = folder.appendingPathComponent("\(version.spelling)/\(name).yaml")
                    guard let bytes = try? Data(contentsOf: url), let document = try? YAMLLoader().load([UInt8](bytes)).first,
                          let resource = TektonResource(document: document.value) else { return nil }
                    return try? ComparedVersion(label: version.spelling, resource: resource)
                }
                for (old, new) in zip(sides, sides.dropFirst()) {
                    let report = ChangeReport(from: old, to: new, registry: SchemaRegistry())
                    let reported = report.changes.map(\.path)
                    let structural = StructuralDiff(from: Self.withoutVersionLabel(old.resource.document),
                                                    to: Self.withoutVersionLabel(new.resource.document)).changes
                    for path in structural.map({ Self.reportPath($0.path) }) {
                        #expect(reported.contains { Self.related($0, path) }, "\(kind)/\(name)@\(old.label)..\(new.label): \(path) is not reported")
                    }
                    for change in report.breaking {
                        #expect(["params.", "results.", "schema.", "workspaces."].contains { change.path.hasPrefix($0) }, "\(change.line)")
                    }
                    pairs += 1
                }
            }
        }
        #expect(pairs > 100)
    }

    /// The report of the issue's example: every part of a Task, each line exact, breaking ones marked.
    @Test func everyPartOfATask() throws {
        let old = try resource(Self.goTask("1.0.0", pins: "git-clone@^1, go-test@~1.2", params: """
                - {name: url}
                - {name: count, default: "1"}
                - {name: mode, enum: [fast, full], default: fast}
                - {name: token}
            """, workspaces: "[{name: source}, {name: cache, optional: true}]", results: "[{name: digest}]", steps: """
                - name: clone
                  ref: {name: git-clone}
                  params: [{name: url, value: $(params.url)}]
                - {name: lint, image: "golangci/golangci-lint:v1.59", script: golangci-lint run}
                - name: test
                  image: golang:1.22
                  env:
                    - {name: GOFLAGS, value: -mod=readonly}
                    - {name: COUNT, value: $(params.count)}
                  computeResources: {requests: {memory: 1Gi}}
                  script: |
                    go test -count "$COUNT" ./...
            """))
        let new = try resource(Self.goTask("1.2.0", pins: "git-clone@^2, go-test@~1.2", params: """
                - {name: url}
                - {name: count, default: "10"}
                - {name: mode, enum: [fast], default: fast}
                - {name: race, default: "false"}
            """, workspaces: "[{name: source}]", results: "[{name: digest}, {name: coverage}]", steps: """
                - name: clone
                  ref: {name: git-clone}
                  params: [{name: url, value: $(params.url)}]
                - name: test
                  image: golang:1.23
                  env:
                    - {name: GOFLAGS, value: -mod=vendor}
                    - {name: COUNT, value: $(params.count)}
                    - {name: RACE, value: $(params.race)}
                  computeResources: {requests: {memory: 2Gi}}
                  script: |
                    go test -count "$COUNT" -race="$RACE" ./...
                - {name: lint, image: "golangci/golangci-lint:v1.59", script: golangci-lint run}
            """))
        let report = ChangeReport(from: try ComparedVersion(label: "1.0.0", resource: old), to: try ComparedVersion(label: "1.2.0", resource: new),
                                  registry: SchemaRegistry())
        #expect(report.lines == [
            #"params.count.default: "1" → "10" [compatible]"#,
            #"params.mode.enum: narrowed: "full" no longer accepted [breaking]"#,
            #"params.mode: "full", accepted before, is now refused: "full" is not one of the allowed values: "fast" [breaking]"#,
            "params.race: added (optional) [compatible]",
            "params.token: removed (values passed for it are now refused) [breaking]",
            "results.coverage: added [compatible]",
            "workspaces.cache: removed (runs that bind it are now refused) [breaking]",
            "pins.stepaction/git-clone: ^1 → ^2 [compatible]",
            "spec.steps[test].image: golang:1.22 → golang:1.23 [compatible]",
            "spec.steps[test].env[GOFLAGS]: -mod=readonly → -mod=vendor [compatible]",
            "spec.steps[test].env[RACE]: added: $(params.race) [compatible]",
            "spec.steps[test].computeResources.requests.memory: 1Gi → 2Gi [compatible]",
            "spec.steps[test].script: 1 line added, 1 removed [compatible]",
            "spec.steps[lint]: moved from position 2 to 3 (now after test) [compatible]",
        ])
        #expect(report.text.hasSuffix("\n1.2.0 breaks users of 1.0.0: 4 breaking changes\n"))
        #expect(report.changes.last == Change(path: "spec.steps[lint]", kind: .moved, before: 2, after: 3, breaking: false,
                                              message: "moved from position 2 to 3 (now after test)"))
        // Added, removed and reordered steps; a workspace added as required; a pin dropped.
        let later = try resource(Self.goTask("1.3.0", pins: "go-test@~1.2", params: "    - {name: url}", workspaces: "[{name: source}, {name: cache}]",
                                             results: "[]", steps: """
                - {name: build, image: "golang:1.23", script: go build ./...}
                - {name: lint, image: "golangci/golangci-lint:v1.59", script: golangci-lint run}
                - {name: clone, ref: {name: git-clone}, params: [{name: url, value: $(params.url)}]}
            """))
        let next = ChangeReport(from: try ComparedVersion(label: "1.2.0", resource: new), to: try ComparedVersion(label: "1.3.0", resource: later),
                                registry: SchemaRegistry())
        #expect(next.lines.filter { !$0.hasPrefix("params.") && !$0.hasPrefix("results.") } == [
            "workspaces.cache: added (required: runs that do not bind it are now refused) [breaking]",
            "pins.stepaction/git-clone: removed (was ^2) [compatible]",
            "spec.steps[test]: removed (image golang:1.23) [compatible]",
            "spec.steps[build]: added (image golang:1.23) [compatible]",
            "spec.steps[clone]: moved from position 1 to 3 (now after lint) [compatible]",
        ])
    }

    /// The gate's sidecar rules on the effective schema: a constraint added or tightened breaks, one relaxed or an
    /// annotation does not, a sidecar enum counts as an enum, top-level keywords are reported under `schema`.
    @Test func sidecarKeywords() throws {
        let task = try resource(Self.goTask("1.0.0", pins: "go-test@~1.2", params: "    - {name: url}\n    - {name: depth, default: \"1\"}",
                                            workspaces: "[]", results: "[]", steps: "    - {name: build, image: \"golang:1.23\", script: go build}"))
        func report(_ old: String, _ new: String) throws -> [String] {
            ChangeReport(from: try ComparedVersion(label: "1.0.0", resource: task, sidecar: try JSONValue(parsingJSON: old)),
                         to: try ComparedVersion(label: "1.1.0", resource: task, sidecar: try JSONValue(parsingJSON: new)), registry: SchemaRegistry()).lines
        }
        #expect(try report(#"{"properties": {"url": {"maxLength": 100, "title": "URL"}}}"#, #"{"properties": {"url": {"maxLength": 10, "title": "Git URL"}}}"#) == [
            "params.url.maxLength: 100 → 10 (tightened) [breaking]", #"params.url.title: "URL" → "Git URL" [compatible]"#,
        ])
        #expect(try report(#"{"properties": {"depth": {"pattern": "^[0-9]+$"}}}"#, #"{"properties": {"depth": {"enum": ["1", "2"]}}}"#) == [
            #"params.depth.enum: added: only "1", "2" accepted [breaking]"#, #"params.depth.pattern: removed (was "^[0-9]+$") [compatible]"#,
        ])
        #expect(try report(#"{}"#, #"{"dependentRequired": {"depth": ["url"]}}"#) == [#"schema.allOf: added: [{"dependentRequired":{"depth":["url"]}}] [breaking]"#])
        #expect(try report(#"{"properties": {"depth": {"minLength": 2}}}"#, #"{"properties": {"depth": {"minLength": 1}}}"#) == [
            "params.depth.minLength: 2 → 1 (relaxed) [compatible]",
        ])
    }

    /// The fewest elements moved explain a reorder (one such set, always the same).
    @Test(arguments: [
        (["a", "b", "c", "d"], ["b", "c", "d", "a"], ["a"]),
        (["a", "b", "c"], ["c", "b", "a"], ["b", "a"]),
        (["a", "b", "c"], ["a", "b", "c"], []),
        (["a", "b", "c", "d", "e"], ["e", "a", "b", "d", "c"], ["e", "c"]),
    ]) func movedNames(_ before: [String], _ after: [String], _ moved: [String]) {
        #expect(NamedEntries.movedNames(before, after) == moved)
    }

    /// Ranges as `stepyard diff` reads them.
    @Test(arguments: [
        ("task/go@1.0.0..1.2.0", "task/go@1.0.0..1.2.0"),
        ("payments/task/go@^1..latest", "payments/task/go@^1..latest"),
        ("task/go@1.0.0..task/go@1.2.0", "task/go@1.0.0..1.2.0"),
        ("stepaction/git-clone@0.1..0.2", "stepaction/git-clone@0.1..0.2"),
    ]) func ranges(_ text: String, _ read: String) throws {
        #expect(try ChangeRange(parsing: text).description == read)
    }

    /// A range that cannot be read says what is wrong and how to write it, never a type's name.
    @Test(arguments: [
        ("task/go..1.2.0", #""task/go..1.2.0": a range names both versions, e.g. task/go@1.0.0..1.2.0"#),
        ("task/go@1.0.0..", #""task/go@1.0.0..": a range names both versions, e.g. task/go@1.0.0..1.2.0"#),
        ("task/go@1.0.0..task/go", #""task/go@1.0.0..task/go": a range names both versions, e.g. task/go@1.0.0..1.2.0"#),
        ("task/go@1.0.0..task/node@1.2.0",
         #""task/go@1.0.0..task/node@1.2.0" spans two resources (task/go and task/node); a range compares two versions of one resource, e.g. task/go@1.0.0..1.2.0"#),
        ("task/go@1.0.0..payments/task/go@1.2.0",
         #""task/go@1.0.0..payments/task/go@1.2.0" spans two resources (task/go and payments/task/go); a range compares two versions of one resource, e.g. task/go@1.0.0..1.2.0"#),
        ("task/go@1.0.0..nope", #""task/go@1.0.0..nope": "nope" is not a version, range (^1.2, ~1.2.3, 1, 1.2), latest or sha256 digest"#),
        ("widget/go@1.0.0..1.2.0", #""widget/go@1.0.0": unknown kind "widget" (task, stepaction or pipeline)"#),
    ]) func badRanges(_ text: String, _ message: String) {
        let error = #expect(throws: ChangeRangeError.self) { try ChangeRange(parsing: text) }
        #expect(error?.description == message)
    }

    /// Workspaces break users as Tekton's binding check refuses their runs: removed, added required, made required.
    @Test(arguments: [
        ("[{name: source}]", "[{name: source}, {name: cache, optional: true}]", ["workspaces.cache: added (optional) [compatible]"]),
        ("[{name: source}]", "[{name: source}, {name: cache}]",
         ["workspaces.cache: added (required: runs that do not bind it are now refused) [breaking]"]),
        ("[{name: source}, {name: cache}]", "[{name: source}]", ["workspaces.cache: removed (runs that bind it are now refused) [breaking]"]),
        ("[{name: source, optional: true}]", "[{name: source}]",
         ["workspaces.source.optional: made required (runs that do not bind it are now refused) [breaking]"]),
        ("[{name: source}]", "[{name: source, optional: true}]", ["workspaces.source.optional: added: true [compatible]"]),
        ("[{name: source}]", "[{name: source, readOnly: true}]", ["workspaces.source.readOnly: added: true [compatible]"]),
    ]) func workspaceChanges(_ before: String, _ after: String, _ lines: [String]) throws {
        let step = "    - {name: build, image: \"golang:1.23\", script: go build ./...}"
        let old = try resource(Self.goTask("1.0.0", pins: "", params: "    - {name: url}", workspaces: before, results: "[]", steps: step))
        let new = try resource(Self.goTask("1.1.0", pins: "", params: "    - {name: url}", workspaces: after, results: "[]", steps: step))
        let report = ChangeReport(from: try ComparedVersion(label: "1.0.0", resource: old), to: try ComparedVersion(label: "1.1.0", resource: new),
                                  registry: SchemaRegistry())
        #expect(report.lines == lines)
    }

    /// Multi-line strings are reported by the lines they gained and lost.
    @Test(arguments: [
        ("a\nb\n", "a\nc\nd\n", "2 lines added, 1 removed"),
        ("a\nb\n", "b\na\n", "lines reordered"),
        ("a\n", "a\nb\n", "1 line added"),
        ("go test", "go test -race\n", "1 line added, 1 removed"),
        ("a\nb", "a\nb\n", "final line break added"),
    ]) func lineChanges(_ before: String, _ after: String, _ message: String) {
        #expect(ChangeText.transition(.string(before), .string(after)) == message)
    }

    /// Two long values that start alike are shown from a little before they differ, so the difference shows.
    @Test func longValues() {
        let prefix = "registry.example.com/team/tools/tkn@sha256:"
        let one = String(repeating: "1", count: 64), two = String(repeating: "2", count: 64)
        #expect(ChangeText.transition(.string(prefix + one), .string(prefix + two))
                == "…am/tools/tkn@sha256:\(one.prefix(58))… → …am/tools/tkn@sha256:\(two.prefix(58))…")
        #expect(ChangeText.jsonTransition("1", "10") == #""1" → "10""#)
    }

    // MARK: - Helpers

    /// A catalog-conformant Task with the given parts (params indented under `spec:`; steps likewise).
    static func goTask(_ version: String, pins: String, params: String, workspaces: String, results: String, steps: String) -> String {
        """
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: go
          labels: {app.kubernetes.io/version: "\(version)"}
          annotations: {tekton.dev/pipelines.minVersion: "0.60.0", stepyard.dev/steps: "\(pins)"}
        spec:
          description: Builds and tests Go.
          workspaces: \(workspaces)
          params:
        \(params)
          results: \(results)
          steps:
        \(steps)
        """
    }

    /// A document without its version label, as the report compares it.
    static func withoutVersionLabel(_ document: JSONValue) -> JSONValue {
        guard case .object(var root) = document, case .object(var metadata)? = root["metadata"],
              case .object(var labels)? = metadata["labels"] else { return document }
        labels.removeValue(forKey: WellKnown.versionLabel)
        metadata["labels"] = labels.isEmpty ? nil : .object(labels)
        root["metadata"] = .object(metadata)
        return .object(root)
    }

    /// A structural path in the report's terms: `spec.params[url].default` → `params.url.default` (results and
    /// workspaces likewise), the pin annotations → `pins`.
    static func reportPath(_ path: KeyedPath) -> String {
        let c = path.components
        if c.count >= 2, case .key("spec") = c[0], case .key(let list) = c[1], ["params", "results", "workspaces"].contains(list) {
            var out = list
            for component in c.dropFirst(2) {
                switch component {
                case .named(let name), .key(let name): out += "." + name
                case .index(let index): out += "[\(index)]"
                }
            }
            return out
        }
        if c.count == 3, case .key("annotations") = c[1], case .key(let key) = c[2], key.hasPrefix("stepyard.dev/") { return "pins" }
        return path.description
    }

    /// Whether one path lies under the other (or they are the same).
    static func related(_ a: String, _ b: String) -> Bool {
        func under(_ x: String, _ y: String) -> Bool { x == y || x.hasPrefix(y + ".") || x.hasPrefix(y + "[") }
        return under(a, b) || under(b, a)
    }
}
