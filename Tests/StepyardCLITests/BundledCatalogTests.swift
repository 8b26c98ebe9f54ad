import Foundation
import StepyardCore
import StepyardSchemas
import StepyardStore
import StepyardTestSupport
import Testing
@testable import StepyardCLI

/// The bundled `catalog/` is what `stepyard serve` serves out of the box: it must lint clean, import whole, resolve,
/// validate against Tekton's own CRD schemas, and its scripts must pass shellcheck.
@Suite struct BundledCatalogTests {
    static let catalog = Corpus.packageRoot.appendingPathComponent("catalog")
    static let crdSchemas = Corpus.root.appendingPathComponent("tekton-crd-schemas")

    /// `stepyard lint catalog`: no error, no warning.
    @Test func lintsClean() async throws {
        let result = await StepyardMain.run(["lint", Self.catalog.path, "--output", "json"])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let report = try JSONValue(parsingJSON: result.stdout)
        let findings = report["findings"]?.arrayValue ?? []
        let blocking = findings.filter { $0["severity"]?.stringValue == "error" || $0["severity"]?.stringValue == "warning" }
        #expect(blocking.isEmpty, "\(blocking.map { $0.serialized() })")
    }

    /// Every version imports; every Task and Pipeline resolves to documents Tekton's CRD schemas accept (the embedded
    /// Tasks of a resolved Pipeline too); every StepAction is a valid StepAction.
    @Test func importsResolvesAndValidatesAgainstTektonCRDs() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store.initialize(at: directory.url.appendingPathComponent("store"), author: Author(name: "CI", email: "ci@example.com"))
        let report = try await store.importCatalog(from: Self.catalog, author: Author(name: "CI", email: "ci@example.com"))
        #expect(report.refused.isEmpty, "\(report.refused)")
        #expect(report.imported.count >= 40)
        // Images chosen by a param are indexed as they run by default, so `images --match golang:1.23` finds them.
        let images = try await store.images()
        #expect(images.contains { $0.image == "docker.io/library/golang:1.23.4" })
        #expect(images.allSatisfy { !$0.image.contains("$(") }, "\(images.map(\.image))")
        let task = try Self.schema("task_v1.json"), pipeline = try Self.schema("pipeline_v1.json"), stepAction = try Self.schema("stepaction_v1beta1.json")
        var resolved = 0
        for info in try await store.allVersions() {
            let ref = ResourceRef(kind: info.kind, name: info.name, selector: .requirement(.exact(ResourceVersion(info.version)!)))
            switch info.kind {
            case .stepAction:
                let document = try #require(try YAMLLoader().load(try await store.content(of: ref).1).first?.value)
                let errors = stepAction.validate(document).errors
                #expect(errors.isEmpty, "\(info.ref): \(errors.map(\.description))")
            case .task:
                let document = try await store.resolve(ref).document
                let errors = task.validate(document).errors
                #expect(errors.isEmpty, "\(info.ref) resolved: \(errors.map(\.description))")
                #expect(document["spec"]?["steps"]?.arrayValue?.allSatisfy { $0["ref"] == nil } == true, "\(info.ref) keeps a step ref")
                resolved += 1
            case .pipeline:
                let document = try await store.resolve(ref).document
                let errors = pipeline.validate(document).errors
                #expect(errors.isEmpty, "\(info.ref) resolved: \(errors.map(\.description))")
                for (index, entry) in ((document["spec"]?["tasks"]?.arrayValue ?? []) + (document["spec"]?["finally"]?.arrayValue ?? [])).enumerated() {
                    let spec = try #require(entry["taskSpec"], "\(info.ref) task \(index) was not embedded")
                    let embedded: JSONValue = ["apiVersion": "tekton.dev/v1", "kind": "Task", "metadata": ["name": "embedded"], "spec": spec]
                    let embeddedErrors = task.validate(embedded).errors
                    #expect(embeddedErrors.isEmpty, "\(info.ref) task \(index): \(embeddedErrors.map(\.description))")
                }
                resolved += 1
            }
        }
        #expect(resolved >= 14)
    }

    /// Every script body passes shellcheck once Tekton's `$(...)` variables are replaced by plain words.
    @Test func scriptsPassShellcheck() throws {
        let shellcheck = try #require(["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                      "shellcheck is missing: scripts/prerequisites --test installs it")
        let variable = try Regex(#"\$\((params|results|step|steps|workspaces|context|inputs|outputs|tasks)\.[^)]*\)"#)
        var checked = 0
        for file in try Self.yamlFiles() {
            let document = try #require(try YAMLLoader().load(try Data(contentsOf: file)).first?.value)
            var scripts: [(String, String)] = []
            if let script = document["spec"]?["script"]?.stringValue { scripts.append(("spec.script", script)) }
            for (index, step) in (document["spec"]?["steps"]?.arrayValue ?? []).enumerated() {
                if let script = step["script"]?.stringValue { scripts.append(("spec.steps[\(index)].script", script)) }
            }
            for (location, script) in scripts {
                let plain = script.replacing(variable, with: "TEKTON_VARIABLE")
                let shell = plain.hasPrefix("#!/bin/bash") || plain.hasPrefix("#!/usr/bin/env bash") ? "bash" : "sh"
                let (status, output) = try Self.run(shellcheck, ["--shell", shell, "-"], input: plain)
                #expect(status == 0, "\(file.path) \(location):\n\(output)")
                #expect(plain.contains("set -eu") || plain.contains("set -euo pipefail"), "\(file.path) \(location) does not fail fast")
                checked += 1
            }
        }
        #expect(checked >= 30)
    }

    static func schema(_ name: String) throws -> JSONSchema {
        let text = try String(contentsOf: crdSchemas.appendingPathComponent(name), encoding: .utf8)
        return try JSONSchema(try JSONValue(parsingJSON: text), registry: SharedSchemas.registry())
    }

    static func yamlFiles() throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: catalog, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "yaml" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    static func run(_ executable: String, _ arguments: [String], input: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
