// Validation throughput benchmark on the shared parameter-schema fixtures.
//
// Usage: validator-bench [fixtures-directory] [seconds]   (defaults: ../shared/bench, 3)
import Foundation
import StepyardCore

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

func load(_ directory: String, _ name: String) -> JSONValue {
    let path = directory + "/" + name
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    do {
        return try JSONValue(parsingJSON: String(decoding: data, as: UTF8.self))
    } catch {
        fail("\(path): \(error)")
    }
}

let arguments = CommandLine.arguments
let directory = arguments.count > 1 ? arguments[1] : "../shared/bench"
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 3 : 3

let schema: JSONSchema
do {
    schema = try JSONSchema(load(directory, "param-schema.json"))
} catch {
    fail("schema does not compile: \(error)")
}
let good = load(directory, "params-good.json")
let bad = load(directory, "params-bad.json")

let goodResult = schema.validate(good)
let badResult = schema.validate(bad)
guard goodResult.isValid, goodResult.errors.isEmpty else {
    fail("params-good.json should be valid, got: \(goodResult.errors.map(\.description))")
}
guard badResult.errors.count == 8 else {
    fail("params-bad.json should give 8 errors, got \(badResult.errors.count): \(badResult.errors.map(\.description))")
}
print("params-bad.json errors:")
for error in badResult.errors {
    print("  \(error.instancePointer.isEmpty ? "(root)" : error.instancePointer) [\(error.keywordLocation)] \(error.message)")
}

var validations = 0
var errorCount = 0
let clock = ContinuousClock()
let start = clock.now
let deadline = start + .milliseconds(Int(seconds * 1000))
while clock.now < deadline {
    for _ in 0..<500 {
        errorCount &+= schema.validate(good).errors.count
        errorCount &+= schema.validate(bad).errors.count
    }
    validations += 1000
}
let elapsed = clock.now - start
let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
guard errorCount == validations / 2 * 8 else { fail("inconsistent error counts during the run") }
let rate = Double(validations) / elapsedSeconds
print(String(format: "%d validations in %.2f s (good and bad alternately, every error collected)", validations, elapsedSeconds))
print(String(format: "stepyard: %.0f validations/s", rate))
