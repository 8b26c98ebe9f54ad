// Conformance of Stepyard's JSON Schema validator to the official test suite, draft 2020-12.
// Usage: json-schema-suite [path-to-JSON-Schema-Test-Suite]   (default: ../shared/corpus/json-schema-test-suite)
// Prints each failure, then `optional: N passed, M failed` and, last, `required: N passed, M failed`.
import Foundation
import StepyardTestSupport

let arguments = CommandLine.arguments
let root = arguments.count > 1 ? URL(fileURLWithPath: arguments[1]) : Corpus.jsonSchemaSuite
do {
    let suite = try JSONSchemaTestSuite(root: root)
    let optional = try suite.runOptional()
    let required = try suite.runRequired()
    for failure in required.failures { print("FAIL required \(failure)") }
    for failure in optional.failures { print("FAIL \(failure)") }
    print("optional: \(optional.passed) passed, \(optional.failed) failed")
    print("required: \(required.passed) passed, \(required.failed) failed")
    exit(required.failed == 0 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("json-schema-suite: cannot read the suite at \(root.path): \(error)\n".utf8))
    exit(2)
}
