import ArgumentParser
import StepyardStore

/// `stepyard token create|list|revoke`: the bearer tokens of the HTTP service.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke the HTTP service's bearer tokens (only their hashes are stored).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: OutputCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a token and print it once.",
            discussion: """
                Roles: admin (everything, departments and tokens), publisher (writes the organisation namespace), \
                member (reads the organisation, reads and writes its own departments), reader (reads), replica (reads \
                everything, changes nothing: what a read replica fetches with), events (posts Tekton's run events to \
                the sink). The token's name, "Name" or "Name <email>", is the author of the commits it makes.
                """)
        @OptionGroup var options: StoreOptions
        @Option(name: .long, help: "admin, publisher, member, reader, replica (reads everything, changes nothing: for a read replica) or events (posts Tekton's run events to the sink).") var role: String
        @Option(name: .long, help: "A department the token belongs to (repeat for several).") var department: [String] = []
        @Option(name: .long, help: "Who the token acts as, \"Name\" or \"Name <email>\": the author of its commits (default: --author, $STEPYARD_AUTHOR or $USER).")
        var name: String?
        @Option(name: .long, help: "How long it works: 12h, 30d (default: until revoked).") var expiresIn: String?

        func perform() async -> CommandOutput {
            guard let role = Role(rawValue: role) else {
                return CommandOutput(stderr: "stepyard token create: --role must be admin, publisher, member, reader, replica or events\n", exitCode: ExitStatus.usage)
            }
            var lifetime: Int?
            if let expiresIn {
                guard let seconds = SyncCommand.seconds(expiresIn) else {
                    return CommandOutput(stderr: "stepyard token create: --expires-in \(expiresIn) is not a duration: give 12h or 30d\n", exitCode: ExitStatus.usage)
                }
                lifetime = seconds
            }
            return await options.withStore("token create") { store throws(StoreError) in
                let known = Set(try await store.departments().map(\.name))
                if let unknown = department.first(where: { !known.contains($0) }) { throw .unknownNamespace(unknown) }
                let tokens = try AccessTokens.open(storeDirectory: options.storeURL)
                let identity = options.identity
                let (secret, token) = try tokens.create(name: name ?? "\(identity.name) <\(identity.email)>", role: role, departments: department,
                                                        expiresIn: lifetime.map { Double($0) })
                return options.render(["token": secret, "id": token.id, "name": token.name, "role": token.role.rawValue]) {
                    "\(secret)\n"
                }
            }
        }
    }

    struct List: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the tokens (never their secrets).")
        @OptionGroup var options: StoreOptions

        func perform() async -> CommandOutput {
            await options.withStore("token list") { _ throws(StoreError) in
                let tokens = try AccessTokens.open(storeDirectory: options.storeURL).list()
                return options.render(tokens) {
                    tokens.map { token in
                        "\(token.id)  \(token.role.rawValue)  \(token.name)\(token.departments.isEmpty ? "" : "  [" + token.departments.joined(separator: ", ") + "]")"
                            + "  created \(token.created)  expires \(token.expires ?? "never")  last used \(token.lastUsed ?? "never")\n"
                    }.joined()
                }
            }
        }
    }

    struct Revoke: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token by its id (see `token list`).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The token's id.") var id: String

        func perform() async -> CommandOutput {
            await options.withStore("token revoke") { _ throws(StoreError) in
                guard try AccessTokens.open(storeDirectory: options.storeURL).revoke(id: id) else { throw .notFound("token \(id)") }
                return options.render(["revoked": id]) { "revoked \(id)\n" }
            }
        }
    }
}
