/// The parts of a Pipeline that Tekton's admission reads, decoded the way its Go types decode them
/// (`pipeline_types.go`, `param_types.go`, `matrix_types.go`, `resultref.go` and `pkg/internal/resultref`), each
/// remembering where it was written so a finding points at the line.

/// A param value as `ParamValue.UnmarshalJSON` reads it: a list of strings is an array, a map of strings an object,
/// anything else a string (a number, a boolean or a list of numbers keeps its JSON text; `null` is `""`).
enum PipelineParamValue {
    case string(String)
    case array([String])
    case object([(key: String, value: String)])

    init(_ value: JSONValue?) {
        switch value {
        case nil, .null?:
            self = .string("")
        case .string(let text)?:
            self = .string(text)
        case .array(let items)?:
            var strings: [String] = []
            for item in items {
                switch item {
                case .string(let text): strings.append(text)
                case .null: strings.append("")
                default:
                    self = .string(JSONValue.array(items).serialized())
                    return
                }
            }
            self = .array(strings)
        case .object(let members)?:
            var pairs: [(key: String, value: String)] = []
            for (key, member) in members {
                switch member {
                case .string(let text): pairs.append((key, text))
                case .null: pairs.append((key, ""))
                default:
                    self = .string(JSONValue.object(members).serialized())
                    return
                }
            }
            self = .object(pairs)
        case let other?:
            self = .string(other.serialized())
        }
    }

    /// `ParamValue.Type`.
    var type: String {
        switch self {
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// `ParamValue.StringVal`: the text of a string value, `""` for the others.
    var stringVal: String {
        if case .string(let text) = self { return text }
        return ""
    }

    /// `ParamValue.ArrayVal`, `nil` unless the value is an array.
    var arrayVal: [String]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// Each string of the value with where it was written, the value itself being at `pointer`.
    func strings(at pointer: JSONPointer) -> [(pointer: JSONPointer, text: String)] {
        switch self {
        case .string(let text): return [(pointer, text)]
        case .array(let items): return items.enumerated().map { (pointer / $0, $1) }
        case .object(let pairs): return pairs.map { (pointer / $0.key, $0.value) }
        }
    }

    /// `Param.GetVarSubstitutionExpressions` (v1beta1 `GetVarSubstitutionExpressionsForParam`): the expressions of
    /// each of the value's strings.
    var expressions: [String] {
        switch self {
        case .string(let text): return PipelineExpressions.expressions(in: text)
        case .array(let items): return items.flatMap(PipelineExpressions.expressions(in:))
        case .object(let pairs): return pairs.flatMap { PipelineExpressions.expressions(in: $0.value) }
        }
    }
}

/// One `{name, value}` of a pipeline task's `params`, its `matrix.params` or a `matrix.include[].params`.
struct PlacedParam {
    var name: String
    var value: PipelineParamValue
    /// The value as written.
    var raw: JSONValue?
    /// The param's index in its list, and its own pointer (`/spec/tasks/0/params/2`).
    var index: Int
    var pointer: JSONPointer
    var valuePointer: JSONPointer { pointer / "value" }

    /// The params of a `params` list at `base`.
    static func list(_ value: JSONValue?, at base: JSONPointer) -> [PlacedParam] {
        (value?.arrayValue ?? []).enumerated().map { index, param in
            PlacedParam(name: param["name"]?.stringValue ?? "", value: PipelineParamValue(param["value"]), raw: param["value"],
                        index: index, pointer: base / index)
        }
    }
}

/// One entry of a Pipeline's `tasks` or `finally` (`PipelineTask`).
struct PlacedPipelineTask {
    var task: PipelineTask
    var index: Int
    var pointer: JSONPointer
    var name: String
    var params: [PlacedParam]
    /// `matrix.params`.
    var matrixParams: [PlacedParam]
    /// `matrix.include`: each combination's pointer and params.
    var matrixInclude: [(pointer: JSONPointer, params: [PlacedParam])]
    var when: [JSONValue]
    var runAfter: [String]

    init(_ value: JSONValue, index: Int, at pointer: JSONPointer) {
        task = PipelineTask(value) ?? PipelineTask(fields: [:])
        self.index = index
        self.pointer = pointer
        name = task.name ?? ""
        params = PlacedParam.list(task.fields["params"], at: pointer / "params")
        let matrix = task.fields["matrix"]
        matrixParams = PlacedParam.list(matrix?["params"], at: pointer / "matrix" / "params")
        matrixInclude = (matrix?["include"]?.arrayValue ?? []).enumerated().map { index, include in
            let at = pointer / "matrix" / "include" / index
            return (at, PlacedParam.list(include["params"], at: at / "params"))
        }
        when = task.fields["when"]?.arrayValue ?? []
        runAfter = (task.fields["runAfter"]?.arrayValue ?? []).map { $0.stringValue ?? "" }
    }

    /// The tasks of a `tasks` or `finally` list at `base`.
    static func list(_ value: JSONValue?, at base: JSONPointer) -> [PlacedPipelineTask] {
        (value?.arrayValue ?? []).enumerated().map { PlacedPipelineTask($1, index: $0, at: base / $0) }
    }

    /// A field that is set (Go's non-nil pointer): present and not `null`.
    func field(_ key: String) -> JSONValue? {
        guard let value = task.fields[key], value != .null else { return nil }
        return value
    }

    var taskRef: JSONValue? { field("taskRef") }
    var taskSpec: JSONValue? { field("taskSpec") }
    var pipelineRef: JSONValue? { field("pipelineRef") }
    var pipelineSpec: JSONValue? { field("pipelineSpec") }

    /// `taskRef.kind` after `PipelineTask.SetDefaults` (when `defaulted`): `Task` for a ref without kind or resolver.
    func taskRefKind(defaulted: Bool) -> String {
        let kind = taskRef?["kind"]?.stringValue ?? ""
        if defaulted, kind.isEmpty, (taskRef?["resolver"]?.stringValue ?? "").isEmpty { return "Task" }
        return kind
    }

    /// `IsMatrixed`: the matrix has params or include combinations.
    var isMatrixed: Bool { !matrixParams.isEmpty || !matrixInclude.isEmpty }

    /// `extractAllParams`: params, then matrix params, then every include combination's params.
    var allParams: [PlacedParam] { params + matrixParams + matrixInclude.flatMap(\.params) }

    /// `WhenExpression.GetVarSubstitutionExpressions` of the expression at `index`: input, cel, then values.
    func whenExpressions(_ index: Int) -> [String] {
        let expression = when[index]
        let values = (expression["values"]?.arrayValue ?? []).map { $0.stringValue ?? "" }
        return ([expression["input"]?.stringValue ?? "", expression["cel"]?.stringValue ?? ""] + values)
            .flatMap(PipelineExpressions.expressions(in:))
    }

    /// `PipelineTask.GetVarSubstitutionExpressions` (v1 only): the expressions of the taskSpec's steps and sidecars.
    var stepExpressions: [String] {
        guard let spec = taskSpec else { return [] }
        return ((spec["steps"]?.arrayValue ?? []) + (spec["sidecars"]?.arrayValue ?? [])).flatMap(PipelineExpressions.containerExpressions)
    }

    /// `PipelineTaskResultRefs`: the result references in every param (matrix included), every `when`, and in v1 the
    /// taskSpec's steps and sidecars.
    func resultRefs(isV1: Bool) -> [PipelineExpressions.ResultRef] {
        var refs = allParams.flatMap { PipelineExpressions.resultRefs($0.value.expressions) }
        for index in when.indices { refs += PipelineExpressions.resultRefs(whenExpressions(index)) }
        if isV1 { refs += PipelineExpressions.resultRefs(stepExpressions) }
        return refs
    }
}

/// Tekton's "expressions": the text between `$(` and `)` of each `VariableSubstitutionRegex` match, and the result
/// references among them.
enum PipelineExpressions {
    /// `ResultRef`: the pipeline task and result a `tasks.<task>.results.<result>…` expression names.
    struct ResultRef: Hashable {
        var pipelineTask: String
        var result: String
    }

    /// `validateString`: the body of each match of `\$\([_a-zA-Z0-9.-]+(\.[_a-zA-Z0-9.-]+)*(\[([0-9]+|\*)\])?\)` in
    /// `value`, leftmost first and without overlaps (`$(params.a[0])` gives `params.a[0]`; `$(date +%s)` nothing).
    static func expressions(in value: String) -> [String] {
        let bytes = Array(value.utf8)
        let count = bytes.count
        var out: [String] = []
        var i = 0
        while i + 1 < count {
            guard bytes[i] == UInt8(ascii: "$"), bytes[i + 1] == UInt8(ascii: "(") else { i += 1; continue }
            var j = i + 2
            while j < count, isNameByte(bytes[j]) { j += 1 }
            var close: Int?
            if j > i + 2, j < count {
                if bytes[j] == UInt8(ascii: ")") {
                    close = j
                } else if bytes[j] == UInt8(ascii: "[") {
                    var k = j + 1
                    if k < count, bytes[k] == UInt8(ascii: "*") {
                        k += 1
                    } else {
                        while k < count, bytes[k] >= UInt8(ascii: "0"), bytes[k] <= UInt8(ascii: "9") { k += 1 }
                        if k == j + 1 { k = count }
                    }
                    if k + 1 < count, bytes[k] == UInt8(ascii: "]"), bytes[k + 1] == UInt8(ascii: ")") { close = k + 1 }
                }
            }
            guard let close else { i += 1; continue }
            out.append(String(decoding: bytes[(i + 2)..<close], as: UTF8.self))
            i = close + 1
        }
        return out
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
    }

    /// `resultref.LooksLikeResultRef`: at least four dot-separated parts, `tasks` or `finally`, a name, `results`.
    static func looksLikeResultRef(_ expression: String) -> Bool {
        let parts = expression.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 4 && (parts[0] == "tasks" || parts[0] == "finally") && parts[2] == "results"
    }

    /// `LooksLikeContainsResultRefs`.
    static func containsResultRefs(_ expressions: [String]) -> Bool {
        expressions.contains(where: looksLikeResultRef)
    }

    /// `resultref.ParseTaskExpression`: `tasks.<task>.results.<result>` (an index or `[*]` dropped from the result)
    /// or `tasks.<task>.results.<result>.<key>`; `nil` for anything else.
    static func parseTaskExpression(_ expression: String) -> ResultRef? {
        guard looksLikeResultRef(expression) else { return nil }
        let parts = expression.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 4: return ResultRef(pipelineTask: parts[1], result: Substitution.trimArrayIndex(parts[3]))
        case 5: return ResultRef(pipelineTask: parts[1], result: parts[3])
        default: return nil
        }
    }

    /// `NewResultRefs`: the expressions that parse as result references.
    static func resultRefs(_ expressions: [String]) -> [ResultRef] {
        expressions.compactMap(parseTaskExpression)
    }

    /// `Step.GetVarSubstitutionExpressions` (and `Sidecar`'s): name, image, imagePullPolicy, script, workingDir,
    /// command, args, env values and the names and keys of the secrets and config maps env reads.
    static func containerExpressions(_ container: JSONValue) -> [String] {
        var texts: [String] = ["name", "image", "imagePullPolicy", "script", "workingDir"].map { container[$0]?.stringValue ?? "" }
        for key in ["command", "args"] {
            texts += (container[key]?.arrayValue ?? []).map { $0.stringValue ?? "" }
        }
        for env in container["env"]?.arrayValue ?? [] {
            texts.append(env["value"]?.stringValue ?? "")
            for source in ["secretKeyRef", "configMapKeyRef"] {
                guard let ref = env["valueFrom"]?[source], ref != .null else { continue }
                texts.append(ref["key"]?.stringValue ?? "")
                texts.append(ref["name"]?.stringValue ?? "")
            }
        }
        return texts.flatMap(expressions(in:))
    }
}
