/// The few regular expressions of Tekton's admission that are not variable references of one prefix, written out by
/// hand on bytes (each names the pattern it mirrors).
enum TektonPatterns {
    /// `resultref.StepResultRegex`, `\$\(steps\..*?\.results\..*?\)`: a step result used somewhere in `value`.
    static func containsStepResult(_ value: String) -> Bool {
        for line in value.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let bytes = Array(line)
            guard let start = find(Array("$(steps.".utf8), in: bytes, from: 0),
                  let results = find(Array(".results.".utf8), in: bytes, from: start + 8),
                  find([UInt8(ascii: ")")], in: bytes, from: results + 9) != nil else { continue }
            return true
        }
        return false
    }

    /// `artifactref.StepArtifactRegex` (`\$\(steps\.([^.]+)\.(?:inputs|outputs)\.([^.)]+)\)`) or the literal
    /// `$(step.artifacts.path)`.
    static func containsStepArtifact(_ value: String) -> Bool {
        value.contains("$(step.artifacts.path)") || containsArtifactUsage(value, root: "steps")
    }

    /// `artifactref.TaskArtifactRegex` (`\$\(tasks\.([^.]+)\.(?:inputs|outputs)\.([^.)]+)\)`) or `$(artifacts.path)`.
    static func containsTaskArtifact(_ value: String) -> Bool {
        value.contains("$(artifacts.path)") || containsArtifactUsage(value, root: "tasks")
    }

    /// `$(ROOT.NAME.inputs.KEY)` or `…outputs…`, where NAME has no dot and KEY neither dot nor `)`.
    static func containsArtifactUsage(_ value: String, root: String) -> Bool {
        let bytes = Array(value.utf8), head = Array("$(\(root).".utf8)
        var from = 0
        while let start = find(head, in: bytes, from: from) {
            from = start + 1
            var i = start + head.count, nameLength = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: ".") { i += 1; nameLength += 1 }
            guard nameLength > 0, i < bytes.count else { continue }
            i += 1
            var matched = false
            for word in ["inputs.", "outputs."] {
                let w = Array(word.utf8)
                if i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w { i += w.count; matched = true; break }
            }
            guard matched else { continue }
            var keyLength = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: "."), bytes[i] != UInt8(ascii: ")") { i += 1; keyLength += 1 }
            if keyLength > 0, i < bytes.count, bytes[i] == UInt8(ascii: ")") { return true }
        }
        return false
    }

    /// `v1.ExtractStepResultName`, `\$\(steps\.(.*?)\.results\.(.*?)\)`: the step and result a Task result's
    /// `value` names, or `nil` when it does not look like that.
    static func stepResultName(in value: String) -> (step: String, result: String)? {
        for line in value.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            guard let start = find(Array("$(steps.".utf8), in: bytes, from: 0),
                  let results = find(Array(".results.".utf8), in: bytes, from: start + 8),
                  let close = find([UInt8(ascii: ")")], in: bytes, from: results + 9) else { continue }
            return (String(decoding: bytes[(start + 8)..<results], as: UTF8.self),
                    String(decoding: bytes[(results + 9)..<close], as: UTF8.self))
        }
        return nil
    }

    /// `RefNameLikeUrl`, `[\w-]+:\/\/*`: a name that looks like a URL (`git://…`, `https:/x`).
    static func looksLikeURL(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: ":") {
            guard index > 0, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") else { continue }
            let before = bytes[index - 1]
            let word = (before >= 48 && before <= 57) || (before >= 65 && before <= 90) || (before >= 97 && before <= 122)
                || before == UInt8(ascii: "_") || before == UInt8(ascii: "-")
            if word { return true }
        }
        return false
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var i = start
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
