import ArgumentParser
import StepyardStore

/// `stepyard init`: creates an empty store.
struct InitCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty store (a bare git repository and its index).")

    @OptionGroup var options: StoreOptions

    @Option(name: .long, help: "The organisation namespace's name.")
    var organisation: String = "tekton"

    func perform() async -> CommandOutput {
        do {
            let store = try Store.initialize(at: options.storeURL, organisation: organisation, author: options.identity)
            let path = store.directory.path
            return options.render(["store": path, "organisation": organisation]) {
                "Created a Stepyard store in \(path) (organisation namespace \"\(organisation)\").\n"
            }
        } catch {
            return options.failure("init", error)
        }
    }
}
