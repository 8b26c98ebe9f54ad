import Foundation
import StepyardCore
import StepyardSchemas

extension Store {
    /// The shared schemas (`schemas/`) and metaschemas that sidecar schemas may `$ref`.
    static let sharedRegistry: Result<SchemaRegistry, StoreError> = {
        do { return .success(try SharedSchemas.registry()) } catch { return .failure(.io("cannot load the shared schemas: \(error)")) }
    }()

    static func registry() throws(StoreError) -> SchemaRegistry { try sharedRegistry.get() }

    /// The effective parameter schema of the version a reference selects.
    public func parameterSchema(of ref: ResourceRef) throws(StoreError) -> (VersionInfo, JSONValue) {
        let (info, schema, _) = try parameterChecker(of: ref)
        return (info, schema)
    }

    /// The version a reference selects, its effective schema and that schema compiled (once).
    private func parameterChecker(of ref: ResourceRef) throws(StoreError) -> (VersionInfo, JSONValue, ParameterValues) {
        let info = try select(ref)
        guard let head = try head() else { throw .notFound(ref.description) }
        let key = VersionKey(namespace: info.namespace, kind: info.kind, name: info.name, version: info.version)
        let resource = try resource(of: info)
        let sidecar = try file(RepositoryLayout.schemaFile(of: key, organisation: organisation), at: head)
        let (schema, checker) = try Self.effectiveSchema(resource, sidecar: sidecar, title: "\(info.kind.rawValue)/\(info.name)@\(info.version)")
        return (info, schema, checker)
    }

    /// Checks values against a version's parameter schema; every error, none when valid.
    public func checkParameters(_ ref: ResourceRef, values: JSONValue) throws(StoreError) -> (VersionInfo, [ValidationError]) {
        let (info, _, checker) = try parameterChecker(of: ref)
        do {
            let normalized = try ParameterValues.normalize(values)
            guard normalized != .null else { throw StoreError.refused("parameter values must be a mapping of name to value, or a list of {name, value}") }
            return (info, checker.check(normalized))
        } catch let error as ParameterSchemaError {
            throw .refused(error.description)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .refused("\(error)")
        }
    }

    /// Derives and refines a schema, checking the sidecar (JSON, refining declared params only, valid against the
    /// 2020-12 metaschema, `$ref`s resolvable without the network).
    static func effectiveSchema(_ resource: TektonResource, sidecar: [UInt8]?, title: String) throws(StoreError) -> (JSONValue, ParameterValues) {
        var sidecarValue: JSONValue?
        if let sidecar {
            do {
                sidecarValue = try JSONValue(parsingJSON: String(decoding: sidecar, as: UTF8.self))
            } catch {
                throw .refused("the sidecar schema \(resource.name ?? "").schema.json is not JSON: \(error)")
            }
        }
        let schema: JSONValue
        let checker: ParameterValues
        do {
            schema = try ParameterSchema.effective(for: resource, sidecar: sidecarValue, title: title)
            checker = try ParameterValues(schema: schema, registry: try registry())
        } catch let error as ParameterSchemaError {
            throw .refused(error.description)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .refused("\(error)")
        }
        return (schema, checker)
    }
}
