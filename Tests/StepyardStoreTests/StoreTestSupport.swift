import Foundation
import StepyardCore
import StepyardTestSupport
@testable import StepyardStore

let alice = Author(name: "Alice Admin", email: "alice@example.com")

/// A catalog-conformant Task document.
func taskYAML(_ name: String, _ version: String, description: String = "Builds things.", image: String = "alpine:3.20",
              extraStep: String = "") -> String {
    """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: \(name)
      labels:
        app.kubernetes.io/version: "\(version)"
      annotations:
        tekton.dev/pipelines.minVersion: "0.50.0"
        tekton.dev/categories: Build Tools
        tekton.dev/tags: build, test
    spec:
      description: \(description)
      steps:
        - name: build
          image: \(image)
          script: echo building
    \(extraStep)
    """
}

func request(_ yaml: String, department: String? = nil) -> PublishRequest {
    PublishRequest(document: Array(yaml.utf8), sourcePath: "task.yaml", department: department)
}

/// A fresh store in a temporary directory (kept alive by the returned directory).
func makeStore() throws -> (Store, TemporaryDirectory) {
    let dir = try TemporaryDirectory()
    let store = try Store.initialize(at: dir.url.appendingPathComponent("store"), author: alice)
    return (store, dir)
}

extension Store {
    /// Every index row in a comparable text form (ids left out): a fresh reindex must give the same lines.
    func indexSnapshot() throws -> [String] {
        try index.writer.read { db in
            var lines: [String] = []
            for row in try VersionRecord.fetchAll(db) {
                var copy = row
                copy.id = nil
                lines.append("version \(copy)")
                let key = "\(row.namespace)/\(row.kind)/\(row.name)@\(row.version)"
                for a in try AnnotationRecord.filter(sql: "versionId = ?", arguments: [row.id]).fetchAll(db) { lines.append("annotation \(key) \(a.key)=\(a.value)") }
                for d in try DependencyRecord.filter(sql: "versionId = ?", arguments: [row.id]).fetchAll(db) { lines.append("dependency \(key) \(d.kind)/\(d.name)@\(d.requirement)") }
                for i in try ImageRecord.filter(sql: "versionId = ?", arguments: [row.id]).fetchAll(db) { lines.append("image \(key) \(i.image)") }
                let text = try Row.fetchOne(db, sql: "SELECT name, description, tags FROM search WHERE rowid = ?", arguments: [row.id])
                lines.append("search \(key) \(text.map { "\($0)" } ?? "missing")")
                let document = try String.fetchOne(db, sql: "SELECT json FROM document WHERE versionId = ?", arguments: [row.id])
                lines.append("document \(key) \(document ?? "missing")")
            }
            for d in try DepartmentRecord.fetchAll(db) { lines.append("department \(d.name)") }
            lines.append("commit \(try IndexDatabase.indexedCommit(db) ?? "-")")
            return lines.sorted()
        }
    }
}

import GRDB
