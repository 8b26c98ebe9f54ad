/// Parameter values or a run request as text — a file given to the CLI or an HTTP body — read into a value by one
/// parser for both: JSON strictly (exact numbers, no trailing commas, no comments), YAML as one document.
public enum ValuesDocument {
    public enum Format: Sendable { case json, yaml }

    public static func parse(_ bytes: [UInt8], format: Format) throws(ValuesDocumentError) -> JSONValue {
        switch format {
        case .json:
            do { return try JSONValue(parsingJSON: String(decoding: bytes, as: UTF8.self)) } catch {
                throw ValuesDocumentError(description: "not valid JSON: \(error)")
            }
        case .yaml:
            let documents: [YAMLDocument]
            do { documents = try YAMLLoader().load(bytes) } catch {
                throw ValuesDocumentError(description: "not valid YAML: " + (error.line.map { "line \($0): " } ?? "") + error.description)
            }
            guard documents.count == 1 else {
                throw ValuesDocumentError(description: "expected one YAML document, found \(documents.count)")
            }
            return documents[0].value
        }
    }
}

public struct ValuesDocumentError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
