import ArgumentParser
import StepyardStore

/// `stepyard history REF`: the commits that touched a resource (who, when, what).
struct HistoryCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show who changed a resource, when, and why.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "[namespace/]kind/name[@version]")
    var ref: String

    func perform() async -> CommandOutput {
        await options.withStore("history") { store throws(StoreError) in
            let entries = try await store.history(of: options.reference(ref))
            return options.render(entries) {
                entries.map { "\($0.commit.prefix(12))  \($0.date)  \($0.author) <\($0.email)>  \($0.message.split(separator: "\n").first ?? "")\n" }.joined()
            }
        }
    }
}
