import ArgumentParser
import StepyardCore
import StepyardSchemas
import StepyardStore

/// `stepyard params schema REF` and `stepyard params check REF VALUES`.
struct ParamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params", abstract: "A template's parameter schema, and checking values against it.",
        subcommands: [Schema.self, Check.self])

    struct Schema: OutputCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the effective parameter schema (JSON Schema 2020-12): derived from the params, refined by the sidecar.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "[namespace/]kind/name[@version]") var ref: String

        func perform() async -> CommandOutput {
            await options.withStore("params schema") { store throws(StoreError) in
                let (_, schema) = try await store.parameterSchema(of: options.reference(ref))
                return CommandOutput(stdout: schema.serialized(pretty: true) + "\n")
            }
        }
    }

    struct Check: OutputCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check parameter values (a YAML or JSON mapping of name to value) against a template; every error at once.",
            discussion: "Exit status: 0 valid, 1 invalid values, 2 unreadable file or bad reference.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "[namespace/]kind/name[@version]") var ref: String
        @Argument(help: "The values file (YAML or JSON).") var values: String

        func perform() async -> CommandOutput {
            let parsed: JSONValue
            do { parsed = try ValuesFile.read(values) } catch {
                return CommandOutput(stderr: "stepyard params check: \(error)\n", exitCode: ExitStatus.usage)
            }
            return await options.withStore("params check") { store throws(StoreError) in
                let (_, errors) = try await store.checkParameters(options.reference(ref), values: parsed)
                return ValidationReport(errors).output(options.output)
            }
        }
    }
}

/// `stepyard schema check SCHEMA INSTANCE`: any instance against any schema (for authors of sidecar schemas).
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Work with JSON Schemas directly.", subcommands: [Check.self])

    struct Check: OutputCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate an instance (YAML or JSON) against a JSON Schema 2020-12; every error at once.",
            discussion: """
                The schema is first checked against the 2020-12 metaschema. It may $ref the shared types shipped in
                schemas/ (https://stepyard.dev/schemas/params/git-url.json, …); nothing is fetched from the network.
                Exit status: 0 valid, 1 invalid instance, 2 unreadable file or invalid schema.
                """)
        @Argument(help: "The schema file.") var schema: String
        @Argument(help: "The instance file.") var instance: String
        @Option(name: .long, help: "Output format: text or json.") var output: OutputFormat = .text
        @Flag(name: .long, help: "Assert `format` (uri, email, date-time, …) instead of treating it as an annotation.")
        var formatAssertion = false

        func perform() async -> CommandOutput {
            do {
                let schemaValue = try ValuesFile.read(schema)
                let instanceValue = try ValuesFile.read(instance)
                let compiled = try JSONSchema(schemaValue, registry: SharedSchemas.registry(),
                                              options: ValidationOptions(formatAssertion: formatAssertion, validateAgainstMetaschema: true))
                return ValidationReport(compiled.validate(instanceValue).errors).output(output)
            } catch {
                return CommandOutput(stderr: "stepyard schema check: \(error)\n", exitCode: ExitStatus.usage)
            }
        }
    }
}

/// `stepyard compat REF --from V --to V`: the change report between two versions, breaking changes marked.
struct CompatCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat",
        abstract: "Report every change between two versions, marking those that break users (the publish gate's rules).",
        discussion: "The same report as stepyard diff REF@FROM..TO. Exit status: 0 compatible, 1 breaking changes.")
    @OptionGroup var options: StoreOptions
    @Argument(help: "[namespace/]kind/name") var ref: String
    @Option(name: .long, help: "The older version (or range, or digest).") var from: String
    @Option(name: .long, help: "The newer version (or range, or digest).") var to: String

    func perform() async -> CommandOutput {
        await options.withStore("compat") { store throws(StoreError) in
            let resource = try options.reference(ref)
            if resource.selector != nil {
                throw .refused("compat compares the versions --from and --to name: write \(resource.kind.rawValue)/\(resource.name), without @version")
            }
            guard let old = VersionSelector(from) else { throw .invalidVersion(from) }
            guard let new = VersionSelector(to) else { throw .invalidVersion(to) }
            let report = try await store.changes(of: resource, from: old, to: new)
            var result = options.render(report) { report.text }
            if report.isBreaking { result.exitCode = ExitStatus.findings }
            return result
        }
    }
}
