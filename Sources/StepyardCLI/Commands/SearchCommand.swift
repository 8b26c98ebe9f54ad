import ArgumentParser
import StepyardCore
import StepyardStore

/// `stepyard search TEXT`: full-text search over names, descriptions, tags and READMEs.
struct SearchCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search resources by text, kind, category, tag or language.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "Words to look for (empty lists everything).")
    var text: String = ""

    @Option(name: .long, help: "task, stepaction or pipeline.") var kind: String?
    @Option(name: .long, help: "A tekton.dev/categories value.") var category: String?
    @Option(name: .long, help: "A tekton.dev/tags value.") var tag: String?
    @Option(name: .long, help: "A stepyard.dev/language value.") var language: String?
    @Option(name: .long, help: "At most this many results.") var limit: Int = 20

    func perform() async -> CommandOutput {
        await options.withStore("search") { store throws(StoreError) in
            var resourceKind: ResourceKind?
            if let kind {
                guard let parsed = ResourceKind(rawValue: kind) else { throw .refused("unknown kind \"\(kind)\" (task, stepaction or pipeline)") }
                resourceKind = parsed
            }
            let hits = try await store.search(text, kind: resourceKind, category: category, tag: tag, language: language, limit: limit)
            return options.render(hits) {
                hits.map { "\($0.namespace)/\($0.kind.rawValue)/\($0.name)@\($0.latestVersion)\t\($0.description.split(separator: "\n").first ?? "")\n" }.joined()
            }
        }
    }
}
