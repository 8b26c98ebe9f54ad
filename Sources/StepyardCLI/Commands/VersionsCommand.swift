import ArgumentParser
import StepyardStore

/// `stepyard versions REF`: every version of a resource, in semver order.
struct VersionsCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "versions", abstract: "List a resource's versions in semver order.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "[namespace/]kind/name")
    var ref: String

    func perform() async -> CommandOutput {
        await options.withStore("versions") { store throws(StoreError) in
            let versions = try await store.versions(of: options.reference(ref))
            return options.render(versions) {
                versions.map { v in
                    var line = "\(v.version)\t\(v.digest)"
                    if v.yanked { line += "\tyanked" }
                    if v.deprecated { line += "\tdeprecated" + (v.deprecationMessage.map { ": " + $0 } ?? "") }
                    return line + "\n"
                }.joined()
            }
        }
    }
}
