/// The graph of a Pipeline's tasks, as Tekton's `pkg/reconciler/pipeline/dag` builds it at admission
/// (`dag.Build`): one node per task name, an edge for each dependency, no cycles.
enum PipelineDAG {
    /// Why `Build` refuses the graph (it stops at the first of these).
    enum Failure: Equatable {
        /// `addPipelineTask`: a second task with this name (`index` is the later one's).
        case duplicate(name: String, index: Int)
        /// `findCyclesInDependencies`: `task` (the least name left once every task outside a cycle is removed)
        /// still waits on `dependencies`.
        case cycle(task: String, dependencies: [String])
        /// `addLink`: `task` depends on `dependency`, which is no task of the graph.
        case missing(task: String, dependency: String)
    }

    /// `dag.Build(tasks, deps)`: `names` in order, `dependencies` of each name that has any (sorted, unique, as
    /// `PipelineTask.Deps` gives them). A missing dependency is reported for every one (Tekton stops at the first
    /// its map iteration meets).
    static func build(names: [String], dependencies: [(task: String, on: [String])]) -> [Failure] {
        var nodes: Set<String> = []
        for (index, name) in names.enumerated() where !nodes.insert(name).inserted {
            return [.duplicate(name: name, index: index)]
        }
        var deps: [String: [String]] = [:]
        for entry in dependencies where !entry.on.isEmpty { deps[entry.task] = entry.on }
        if let cycle = findCycle(deps) { return [cycle] }
        var failures: [Failure] = []
        for entry in dependencies {
            for dependency in entry.on where !nodes.contains(dependency) {
                failures.append(.missing(task: entry.task, dependency: dependency))
            }
        }
        return failures
    }

    /// `findCyclesInDependencies` (Kahn's algorithm) and `getInterdependencyError`.
    private static func findCycle(_ deps: [String: [String]]) -> Failure? {
        var waiting: [String: Set<String>] = [:]
        var children: [String: [String]] = [:]
        var ready: [String] = []
        var queued: Set<String> = []
        for (task, taskDeps) in deps {
            waiting[task] = Set(taskDeps)
            for dependency in taskDeps {
                if (deps[dependency] ?? []).isEmpty, queued.insert(dependency).inserted { ready.append(dependency) }
                children[dependency, default: []].append(task)
            }
        }
        while let parent = ready.popLast() {
            for child in children.removeValue(forKey: parent) ?? [] {
                guard var left = waiting[child] else { continue }
                left.remove(parent)
                if left.isEmpty {
                    waiting[child] = nil
                    if queued.insert(child).inserted { ready.append(child) }
                } else {
                    waiting[child] = left
                }
            }
        }
        guard let first = waiting.keys.min() else { return nil }
        return .cycle(task: first, dependencies: waiting[first]!.sorted())
    }
}
