internal import CYaml

/// One parsing event of a YAML stream, copied out of libyaml (lines are 1-based).
public enum YAMLEvent: Sendable, Equatable {
    case documentStart(line: Int)
    case documentEnd
    case mappingStart(anchor: String?, tag: String?, line: Int)
    case mappingEnd
    case sequenceStart(anchor: String?, tag: String?, line: Int)
    case sequenceEnd
    /// `plain` is true for an unquoted, non-block scalar (only those resolve to numbers, booleans, null).
    case scalar(value: String, anchor: String?, tag: String?, plain: Bool, line: Int)
    case alias(anchor: String, line: Int)
}

/// Why libyaml could not parse the stream, with where.
public struct YAMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: String
    public var line: Int
    public var column: Int
    public var context: String?

    public var description: String {
        [context, problem].compactMap { $0 }.joined(separator: " ") + " (line \(line), column \(column))"
    }
}

/// A pull parser over libyaml's event API: the one place Stepyard calls libyaml directly.
///
/// Events are produced one at a time, so whoever builds values from them decides depth limits and memory, with
/// no recursion. Not `Sendable`: one parser belongs to one caller.
public final class YAMLEventParser {
    private var parser = yaml_parser_t()
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var finished = false

    /// Parses UTF-8 `bytes` (copied; the caller's buffer is not retained).
    public init(bytes: some Collection<UInt8>) {
        input = .allocate(capacity: max(1, bytes.count))
        _ = input.initialize(from: bytes)
        yaml_parser_initialize(&parser)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(&parser)
        input.deallocate()
    }

    /// The next event, or `nil` at the end of the stream.
    /// - Throws: `YAMLSyntaxError` for broken YAML.
    public func next() throws(YAMLSyntaxError) -> YAMLEvent? {
        while !finished {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw error() }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                finished = true
                return nil
            case YAML_DOCUMENT_START_EVENT:
                return .documentStart(line: line)
            case YAML_DOCUMENT_END_EVENT:
                return .documentEnd
            case YAML_MAPPING_START_EVENT:
                return .mappingStart(anchor: Self.string(event.data.mapping_start.anchor), tag: Self.string(event.data.mapping_start.tag), line: line)
            case YAML_MAPPING_END_EVENT:
                return .mappingEnd
            case YAML_SEQUENCE_START_EVENT:
                return .sequenceStart(anchor: Self.string(event.data.sequence_start.anchor), tag: Self.string(event.data.sequence_start.tag), line: line)
            case YAML_SEQUENCE_END_EVENT:
                return .sequenceEnd
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value = scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: Int(scalar.length)), as: UTF8.self)
                } ?? ""
                return .scalar(value: value, anchor: Self.string(scalar.anchor), tag: Self.string(scalar.tag),
                               plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, line: line)
            case YAML_ALIAS_EVENT:
                return .alias(anchor: Self.string(event.data.alias.anchor) ?? "", line: line)
            default:
                continue  // stream start, no event
            }
        }
        return nil
    }

    private func error() -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let mark = parser.problem_mark
        return YAMLSyntaxError(problem: problem, line: Int(mark.line) + 1, column: Int(mark.column) + 1, context: context)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
