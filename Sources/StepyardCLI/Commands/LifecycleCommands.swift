import ArgumentParser
import StepyardStore

/// `stepyard deprecate REF --message M`: marks a version deprecated.
struct DeprecateCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "deprecate", abstract: "Deprecate one version, with a message for its users.")

    @OptionGroup var options: StoreOptions
    @Argument(help: "[namespace/]kind/name@version") var ref: String
    @Option(name: .long, help: "Why, and what to use instead.") var message: String

    func perform() async -> CommandOutput {
        await options.withStore("deprecate") { store throws(StoreError) in
            let commit = try await store.deprecate(options.reference(ref), message: message, author: options.identity)
            return options.render(["ref": ref, "commit": commit ?? ""]) { commit == nil ? "\(ref) was already deprecated\n" : "deprecated \(ref)\n" }
        }
    }
}

/// `stepyard yank REF`: hides a version from ranges (still fetchable by exact version or digest).
struct YankCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "yank", abstract: "Yank one version: ranges never select it; exact references still work.")

    @OptionGroup var options: StoreOptions
    @Argument(help: "[namespace/]kind/name@version") var ref: String

    func perform() async -> CommandOutput {
        await options.withStore("yank") { store throws(StoreError) in
            let commit = try await store.yank(options.reference(ref), author: options.identity)
            return options.render(["ref": ref, "commit": commit ?? ""]) { commit == nil ? "\(ref) was already yanked\n" : "yanked \(ref)\n" }
        }
    }
}

/// `stepyard unyank REF`: lets ranges select a yanked version again.
struct UnyankCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "unyank", abstract: "Undo a yank: ranges may select the version again (recorded in history).")

    @OptionGroup var options: StoreOptions
    @Argument(help: "[namespace/]kind/name@version") var ref: String

    func perform() async -> CommandOutput {
        await options.withStore("unyank") { store throws(StoreError) in
            let commit = try await store.unyank(options.reference(ref), author: options.identity)
            return options.render(["ref": ref, "commit": commit ?? ""]) { commit == nil ? "\(ref) was not yanked\n" : "un-yanked \(ref)\n" }
        }
    }
}

/// `stepyard reindex`: rebuilds the index from git.
struct ReindexCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "reindex", abstract: "Rebuild the SQLite index from the git repository.")

    @OptionGroup var options: StoreOptions

    func perform() async -> CommandOutput {
        await options.withStore("reindex") { store throws(StoreError) in
            let count = try await store.reindex()
            return options.render(["versions": count]) { "reindexed \(count) version(s)\n" }
        }
    }
}
