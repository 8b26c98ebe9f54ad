import StepyardCore

/// A Pipeline's tasks as a picture the server draws: an SVG with a box per task, in columns by how many tasks must run
/// before it (its `runAfter`, and the tasks whose results its params or `when` expressions use), an arrow per such
/// dependency, and the `finally` tasks in a last column of their own. No script, no styles: presentation attributes
/// only, so the page's content security policy holds.
enum PipelineGraph {
    struct Node {
        var name: String
        var after: [String]
        var isFinally: Bool
    }

    static let boxWidth = 170, boxHeight = 40, columnGap = 60, rowGap = 24, margin = 16

    /// The nodes of a Pipeline spec, in order.
    static func nodes(of spec: JSONValue?) -> [Node] {
        func node(_ task: JSONValue, finally: Bool, known: Set<String>) -> Node? {
            guard let name = task["name"]?.stringValue else { return nil }
            var after = (task["runAfter"]?.arrayValue ?? []).compactMap(\.stringValue)
            // Result references (`$(tasks.build.results.x)`) order tasks too.
            let text = (task["params"] ?? .null).serialized() + (task["when"] ?? .null).serialized()
            for other in known where other != name && text.contains("tasks.\(other).") && !after.contains(other) { after.append(other) }
            return Node(name: name, after: after.filter(known.contains), isFinally: finally)
        }
        let tasks = spec?["tasks"]?.arrayValue ?? [], finals = spec?["finally"]?.arrayValue ?? []
        let names = Set(tasks.compactMap { $0["name"]?.stringValue })
        return tasks.compactMap { node($0, finally: false, known: names) } + finals.compactMap { node($0, finally: true, known: names) }
    }

    /// The SVG, or `nil` for a Pipeline without tasks.
    static func svg(of spec: JSONValue?, title: String) -> String? {
        let nodes = nodes(of: spec)
        guard !nodes.isEmpty else { return nil }
        // Column: the longest chain of dependencies before a task (cycles, which admission refuses, are cut).
        var column: [String: Int] = [:]
        func depth(_ name: String, _ visiting: Set<String>) -> Int {
            if let known = column[name] { return known }
            guard let node = nodes.first(where: { $0.name == name }), !visiting.contains(name) else { return 0 }
            let value = node.after.map { depth($0, visiting.union([name])) + 1 }.max() ?? 0
            column[name] = value
            return value
        }
        let regular = nodes.filter { !$0.isFinally }
        for node in regular { _ = depth(node.name, []) }
        let lastColumn = (regular.map { column[$0.name] ?? 0 }.max() ?? -1) + 1
        for node in nodes where node.isFinally { column[node.name] = lastColumn }
        var rows: [Int: Int] = [:]
        var place: [String: (x: Int, y: Int)] = [:]
        for node in nodes {
            let c = column[node.name] ?? 0
            let r = rows[c, default: 0]
            rows[c] = r + 1
            place[node.name] = (margin + c * (boxWidth + columnGap), margin + 18 + r * (boxHeight + rowGap))
        }
        let columns = (column.values.max() ?? 0) + 1
        let width = 2 * margin + columns * boxWidth + (columns - 1) * columnGap
        let height = 2 * margin + 18 + (rows.values.max() ?? 1) * (boxHeight + rowGap) - rowGap
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" role=\"img\" aria-labelledby=\"graph-title\" "
            + "width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        out += "<title id=\"graph-title\">\(escape(title))</title>"
        out += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
            + "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#5b6475\"/></marker></defs>"
        if nodes.contains(where: \.isFinally) {
            let x = margin + lastColumn * (boxWidth + columnGap)
            out += "<text x=\"\(x)\" y=\"\(margin + 10)\" font-size=\"12\" fill=\"#5b6475\">finally</text>"
        }
        for node in nodes {
            guard let to = place[node.name] else { continue }
            for before in node.after {
                guard let from = place[before] else { continue }
                out += "<line class=\"edge\" data-from=\"\(escape(before))\" data-to=\"\(escape(node.name))\" x1=\"\(from.x + boxWidth)\" "
                    + "y1=\"\(from.y + boxHeight / 2)\" x2=\"\(to.x)\" y2=\"\(to.y + boxHeight / 2)\" stroke=\"#5b6475\" marker-end=\"url(#arrow)\"/>"
            }
        }
        for node in nodes {
            guard let at = place[node.name] else { continue }
            out += "<g class=\"task\" data-task=\"\(escape(node.name))\"><rect x=\"\(at.x)\" y=\"\(at.y)\" width=\"\(boxWidth)\" height=\"\(boxHeight)\" rx=\"5\" "
                + "fill=\"\(node.isFinally ? "#fff8e6" : "#eef3fc")\" stroke=\"\(node.isFinally ? "#8a5a00" : "#1f5fbf")\"/>"
                + "<text x=\"\(at.x + boxWidth / 2)\" y=\"\(at.y + boxHeight / 2 + 5)\" text-anchor=\"middle\" font-size=\"14\" fill=\"#1d2330\">\(escape(node.name))</text></g>"
        }
        return out + "</svg>"
    }

    static func escape(_ text: String) -> String { ReadmeHTML.escape(text) }
}
