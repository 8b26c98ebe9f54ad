import ArgumentParser
import StepyardStore

/// `stepyard show REF`: the YAML of one version, as published.
struct ShowCommand: OutputCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print one version's YAML as published.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "[namespace/]kind/name[@version-or-range-or-digest]")
    var ref: String

    func perform() async -> CommandOutput {
        await options.withStore("show") { store throws(StoreError) in
            let (info, bytes) = try await store.content(of: options.reference(ref))
            struct Shown: Encodable { var version: VersionInfo; var yaml: String }
            let yaml = String(decoding: bytes, as: UTF8.self)
            var output = options.render(Shown(version: info, yaml: yaml)) { yaml }
            if info.deprecated || info.yanked {
                let notice = LifecycleNotice(reference: "\(info.kind.rawValue)/\(info.name)@\(info.version)", deprecated: info.deprecated,
                                             deprecationMessage: info.deprecationMessage, yanked: info.yanked)
                output.stderr += "stepyard show: warning: \(notice.sentence)\n"
            }
            return output
        }
    }
}
