import ArgumentParser
import StepyardCore
import StepyardStore

/// `stepyard init`: creates an empty store.
struct InitCommand: OutputCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create an empty store (a bare git repository and its index).",
        discussion: """
            --feature-flag records a feature flag of the Tekton clusters the store serves (as in their feature-flags \
            ConfigMap, e.g. enable-param-enum=true): publish and import then admit what those clusters admit. \
            Without it, Tekton's defaults apply.
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(name: .long, help: "The organisation namespace's name.")
    var organisation: String = "tekton"

    @Option(name: .customLong("feature-flag"),
            help: ArgumentHelp("A feature flag of the Tekton clusters the store serves (repeatable).", valueName: "key=value"))
    var featureFlags: [String] = []

    func perform() async -> CommandOutput {
        let flags: FeatureFlags
        do {
            flags = try FeatureFlags(settings: featureFlags)
        } catch {
            return CommandOutput(stderr: "stepyard init: --feature-flag: \(error)\n", exitCode: ExitStatus.usage)
        }
        do {
            let store = try Store.initialize(at: options.storeURL, organisation: organisation, featureFlags: flags, author: options.identity)
            let path = store.directory.path
            return options.render(["store": path, "organisation": organisation]) {
                "Created a Stepyard store in \(path) (organisation namespace \"\(organisation)\").\n"
            }
        } catch {
            return options.failure("init", error)
        }
    }
}
