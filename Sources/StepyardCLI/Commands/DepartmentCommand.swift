import ArgumentParser
import StepyardStore

/// `stepyard department create D` / `stepyard department list`.
struct DepartmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "department", abstract: "Create and list departments (namespaces of their own).",
        subcommands: [Create.self, List.self])

    struct Create: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a department.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The department's name (a DNS label).") var name: String

        func perform() async -> CommandOutput {
            await options.withStore("department create") { store throws(StoreError) in
                let commit = try await store.createDepartment(name, author: options.identity)
                return options.render(["department": name, "commit": commit]) { "created department \(name)\n" }
            }
        }
    }

    struct List: OutputCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the departments.")
        @OptionGroup var options: StoreOptions

        func perform() async -> CommandOutput {
            await options.withStore("department list") { store throws(StoreError) in
                let departments = try await store.departments()
                return options.render(departments) { departments.map { $0.name + "\n" }.joined() }
            }
        }
    }
}
