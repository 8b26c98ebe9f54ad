import Foundation
import Testing
@testable import StepyardCore

@Suite("YAML loading")
struct YAMLLoaderTests {
    let loader = YAMLLoader()

    /// Scalars resolve the way Kubernetes reads manifests (YAML 1.1), quoted scalars stay strings.
    @Test func scalarsResolveLikeKubernetes() throws {
        let doc = try #require(loader.load(text: """
            a: yes
            b: "yes"
            c: 0.9
            d: '0.9'
            e: 010
            f: 1_000
            g: ~
            h: 2024-01-01
            i: 1.2.3
            j: 0x1F
            k: |
              echo hi

            """).first)
        #expect(doc.value["a"] == .bool(true))
        #expect(doc.value["b"] == .string("yes"))
        #expect(doc.value["c"] == .number(JSONNumber("0.9")!))
        #expect(doc.value["d"] == .string("0.9"))
        #expect(doc.value["e"] == .number(JSONNumber(8)))
        #expect(doc.value["f"] == .number(JSONNumber(1000)))
        #expect(doc.value["g"] == .null)
        #expect(doc.value["h"] == .string("2024-01-01"))
        #expect(doc.value["i"] == .string("1.2.3"))
        #expect(doc.value["j"] == .number(JSONNumber(31)))
        #expect(doc.value["k"] == .string("echo hi\n"))
    }

    /// Every node's line is recorded; a member is found at its key's line.
    @Test func sourceMapGivesLines() throws {
        let doc = try #require(loader.load(text: "a: 1\nspec:\n  steps:\n    - name: x\n      image: y\n").first)
        #expect(doc.sourceMap.line(of: "/spec/steps/0/image") == 5)
        #expect(doc.sourceMap.line(of: "/spec/steps/0") == 4)
        #expect(doc.sourceMap.line(of: "/spec/steps/0/nope") == 4)
        #expect(doc.sourceMap.line(of: "/a") == 1)
    }

    /// A stream of several documents gives one value each; empty documents are skipped.
    @Test func multiDocumentStreams() throws {
        let docs = try loader.load(text: "a: 1\n---\n---\nb: 2\n")
        #expect(docs.count == 2)
        #expect(docs[1].value["b"] == .number(JSONNumber(2)))
        #expect(docs[1].sourceMap.startLine == 4)
    }

    /// Merge keys fill members that the mapping does not set itself.
    @Test func mergeKeys() throws {
        let doc = try #require(loader.load(text: "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n").first)
        #expect(doc.value["use"] == .object(["x": .number(JSONNumber(1)), "y": .number(JSONNumber(3))]))
    }

    /// Broken YAML names the line.
    @Test func malformedYAML() {
        #expect {
            _ = try loader.load(text: "a: 1\nb: [1, 2\nc: 3\n")
        } throws: { error in
            guard case .syntax(let line?, _) = error as? YAMLLoadError else { return false }
            return line >= 2
        }
    }

    /// A "billion laughs" alias bomb runs out of node budget instead of memory.
    @Test func aliasBomb() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        #expect(throws: YAMLLoadError.tooManyNodes(limit: loader.maxNodes)) {
            _ = try loader.load(text: text)
        }
    }

    /// Nesting 10 000 levels deep is refused with the line, in flow and in block style, without a crash.
    @Test func deepNesting() {
        let flow = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect { _ = try loader.load(text: flow) } throws: { error in
            if case .tooDeep = error as? YAMLLoadError { return true }
            return false
        }
        // Block nesting under libyaml's own limit of 1000 reaches the composer and is refused by the converter.
        var block = ""
        for level in 0..<2_500 { block += String(repeating: " ", count: level) + "k:\n" }
        #expect { _ = try loader.load(text: block) } throws: { error in
            if case .tooDeep = error as? YAMLLoadError { return true }
            return false
        }
        let sequences = String(repeating: "- ", count: 10_000) + "x\n"
        #expect { _ = try loader.load(text: sequences) } throws: { error in
            if case .tooDeep = error as? YAMLLoadError { return true }
            return false
        }
    }

    /// Nesting a little past the limit is caught by the converter, naming the line.
    @Test func nestingJustPastTheLimit() {
        let text = String(repeating: "[", count: loader.maxDepth + 5) + String(repeating: "]", count: loader.maxDepth + 5)
        #expect(throws: YAMLLoadError.tooDeep(line: 1, limit: loader.maxDepth)) { _ = try loader.load(text: text) }
    }

    /// Invalid UTF-8 is refused with the line of the first bad byte.
    @Test func invalidUTF8() {
        let bytes = Array("a: 1\nb: ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(throws: YAMLLoadError.invalidUTF8(line: 2)) { _ = try loader.load(bytes) }
    }

    /// A duplicate key is refused, naming the line of the repeat.
    @Test func duplicateKeys() {
        #expect(throws: YAMLLoadError.duplicateKey(key: "name", line: 3)) {
            _ = try loader.load(text: "metadata:\n  name: a\n  name: b\n")
        }
    }

    /// A 10 MB file is refused by size before it is parsed.
    @Test func hugeFile() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000_000)
        #expect(throws: YAMLLoadError.tooLarge(bytes: 10_000_000, limit: loader.maxBytes)) { _ = try loader.load(bytes) }
    }

    /// Values with no JSON equivalent are refused, not silently changed.
    @Test func unrepresentableValues() {
        #expect(throws: YAMLLoadError.unrepresentable(value: ".nan", line: 1)) { _ = try loader.load(text: "a: .nan\n") }
    }

    /// A stream that opens with a byte-order mark loads as without it, lines unchanged.
    @Test func byteOrderMark() throws {
        let documents = try YAMLLoader().load([0xEF, 0xBB, 0xBF] + Array("a: 1\nb: x\n".utf8))
        #expect(documents.first?.value == ["a": 1, "b": "x"])
        #expect(documents.first?.sourceMap.line(of: "/b") == 2)
    }

    /// Number literals are bounded (their conversion costs the square of their length): a thousand digits load
    /// exactly, one more is an error at its line, in YAML and JSON alike, without echoing the digits.
    @Test func numberLiteralsAreBounded() throws {
        let longest = "9" + String(repeating: "0", count: JSONNumber.digitLimit - 1)
        let loaded = try loader.load(text: "a: 1\nb: \(longest)\n").first?.value
        #expect(loaded?["b"] == .number(JSONNumber(significand: 9, exponent: JSONNumber.digitLimit - 1)))
        if case .number(let number)? = loaded?["b"] { #expect(number.description == "9e+999") } else { Issue.record("not a number") }
        let huge = String(repeating: "7", count: 28_000)
        #expect(throws: YAMLLoadError.numberTooLong(digits: 28_000, line: 2)) { _ = try loader.load(text: "a: 1\nb: \(huge)\n") }
        #expect(throws: YAMLLoadError.numberTooLong(digits: 28_003, line: 1)) { _ = try loader.load(text: "b: -\(huge)0.5e3\n") }
        // Quoted, it is text.
        #expect(try loader.load(text: "b: \"\(huge)\"\n").first?.value["b"] == .string(huge))
        let json = #expect(throws: (any Error).self) { _ = try JSONValue(parsingJSON: "{\"b\": \(huge)}") }
        let message = "\(json.map { "\($0)" } ?? "")"
        #expect(message.contains("a number of 28000 digits; numbers may have at most 1000") && message.count < 200)
    }
}
