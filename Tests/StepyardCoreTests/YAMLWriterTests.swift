import Foundation
import StepyardTestSupport
import Testing
@testable import StepyardCore

@Suite("YAML writing")
struct YAMLWriterTests {
    let loader = YAMLLoader()
    let writer = YAMLWriter()

    /// Strings that would read back as something else are quoted; scripts become literal blocks.
    @Test func tricky() throws {
        let value: JSONValue = .object([
            "yes": .string("yes"), "version": .string("0.9"), "empty": .string(""), "colon": .string("a: b"),
            "hash": .string("a #b"), "dash": .string("- x"), "script": .string("#!/bin/sh\nset -eu\n  echo hi\n"),
            "noNewline": .string("a\nb"), "indented": .string("  lead\nx\n"), "keep": .string("a\n\n\n"),
            "control": .string("bell\u{7}"), "null": .null, "list": .array([.string("null"), .number(JSONNumber(1)), .array([])]),
            "nested": .array([.object(["a": .string("1"), "b": .array([.bool(false)])])]),
            "star": .string("*x"), "tilde": .string("~"), "octal": .string("010"), "unicode": .string("héllo ✓"),
        ])
        let text = writer.write(value)
        let back = try #require(loader.load(text: text).first)
        #expect(back.value == value, "written:\n\(text)")
        #expect(text.contains("script: |\n"))
    }

    /// Every file of the Tekton catalog, loaded and written back, loads as the same data in the same key order.
    @Test func catalogRoundTrip() throws {
        let files = try Corpus.tektonCatalogFiles()
        #expect(files.count == 309)
        for file in files {
            let documents = try loader.load([UInt8](Data(contentsOf: file)))
            let text = writer.write(documents: documents.map(\.value))
            let again = try loader.load(text: text)
            #expect(again.map(\.value) == documents.map(\.value), "\(file.path)")
            #expect(zip(again, documents).allSatisfy { $0.value.hasSameOrder(as: $1.value) }, "\(file.path)")
        }
    }
}

extension JSONValue {
    /// `true` when both values list their object members in the same order, all the way down.
    func hasSameOrder(as other: JSONValue) -> Bool {
        switch (self, other) {
        case let (.object(a), .object(b)):
            return Array(a.keys) == Array(b.keys) && zip(a.values, b.values).allSatisfy { $0.hasSameOrder(as: $1) }
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.hasSameOrder(as: $1) }
        default:
            return true
        }
    }
}
