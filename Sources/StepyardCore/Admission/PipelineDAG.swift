/// The graph of a Pipeline's tasks, as Tekton's `pkg/reconciler/pipeline/dag` builds it at admission
/// (`dag.Build`): one node per task name, an edge for each dependency, no cycles.
enum PipelineDAG {
    /// Why `Build` refuses the graph (it stops at the first of these).
    enum Failure: Equatable {
        /// `addPipelineTask`: a second task with this name (`index` is the later one's).
        case duplicate(name: String, index: Int)
        /// `findCyclesInDependencies`: a cycle, as the path that closes it (`["a", "b", "a"]`). Tekton names the least
        /// task left once every task that can run is removed, and what it waits on; that task may only wait on a
        /// cycle, so the cycle itself is followed from it.
        case cycle(path: [String])
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
        guard var node = waiting.keys.min() else { return nil }
        // Every dependency still waited on is itself waiting, so following the least one must come back.
        var path: [String] = []
        var seen: [String: Int] = [:]
        while seen[node] == nil {
            seen[node] = path.count
            path.append(node)
            guard let next = waiting[node]?.min() else { break }
            node = next
        }
        guard let start = seen[node] else { return .cycle(path: path) }
        return .cycle(path: Array(path[start...]) + [node])
    }
}
