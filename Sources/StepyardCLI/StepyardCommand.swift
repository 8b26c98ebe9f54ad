import ArgumentParser

/// The `stepyard` command: a template registry and step catalog for Tekton.
public struct StepyardCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stepyard",
        abstract: "A template registry and step catalog for Tekton.",
        discussion: """
            Exit status: 0 ok, 1 findings or refused, 2 usage or environment error.
            """,
        version: StepyardVersion.current,
        subcommands: [
            InitCommand.self, LintCommand.self, ImportCommand.self, PublishCommand.self, ShowCommand.self,
            VersionsCommand.self, SearchCommand.self, HistoryCommand.self, DeprecateCommand.self, YankCommand.self, UnyankCommand.self,
            ResolveCommand.self, ForkCommand.self, DiffCommand.self, UpgradeCommand.self, DependentsCommand.self, ImagesCommand.self,
            ParamsCommand.self, SchemaCommand.self, CompatCommand.self, DepartmentCommand.self, ReindexCommand.self,
            TokenCommand.self, SyncCommand.self, SubscriptionCommand.self, ServeCommand.self, VersionCommand.self,
        ]
    )

    public init() {}
}

/// Stepyard's own version.
public enum StepyardVersion {
    public static let current = "0.1.0"
}
