import Foundation
import StepyardCore
import StepyardStore

/// One CloudEvent of Tekton's events controller about a TaskRun or PipelineRun, read from binary mode (`ce-*`
/// headers, the body `{"taskRun": …}` / `{"pipelineRun": …}`) or structured mode (the event as JSON, the run in
/// `data`), and attributed to the template version the run used.
struct TektonRunEvent: Sendable {
    /// `dev.tekton.event.pipelinerun.successful.v1`, …
    var type: String
    var runKind: String
    var runName: String
    var runNamespace: String?
    /// The run's `metadata.uid`, else the event's id.
    var uid: String
    /// `nil` for types that say nothing of the outcome (`unknown`).
    var outcome: RunReport.Outcome?
    /// The template version, from the run's `stepyard.dev/resolved` annotation or its provenance's resolved URL.
    var template: VersionKey?
    var reason: String?
    var message: String?
    var durationSeconds: Double?
    /// When it happened: the completion time, else the start, else now (RFC 3339).
    var time: String

    struct Problem: Error, Equatable {
        var message: String
    }

    static let prefix = "dev.tekton.event."

    static func read(body: JSONValue, type headerType: String?, id headerID: String?, specVersion: String?,
                     organisation: String, now: Date = Date()) -> Result<TektonRunEvent, Problem> {
        var type = headerType, id = headerID, data = body
        // Structured mode: the event itself is the body.
        if headerType == nil, let structured = body["type"]?.stringValue, body["specversion"] != nil {
            guard body["specversion"]?.stringValue == "1.0" else { return .failure(Problem(message: "specversion must be 1.0")) }
            type = structured
            id = body["id"]?.stringValue
            data = body["data"] ?? .null
        } else if let specVersion, specVersion != "1.0" {
            return .failure(Problem(message: "ce-specversion must be 1.0, not \(specVersion)"))
        }
        guard let type else {
            return .failure(Problem(message: "not a CloudEvent: send ce-type (binary mode) or an application/cloudevents+json body with type"))
        }
        let parts = type.hasPrefix(prefix) ? type.dropFirst(prefix.count).split(separator: ".").map(String.init) : []
        guard parts.count == 3, ["taskrun", "pipelinerun"].contains(parts[0]), parts[2] == "v1" else {
            return .failure(Problem(message: "\(type) is not a TaskRun or PipelineRun event of Tekton (dev.tekton.event.taskrun.successful.v1, …)"))
        }
        let field = parts[0] == "taskrun" ? "taskRun" : "pipelineRun"
        guard case .object = data, let run = data[field], case .object = run else {
            return .failure(Problem(message: "the body holds no \(field) object (Tekton sends {\"\(field)\": …})"))
        }
        guard let name = run["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            return .failure(Problem(message: "\(field).metadata.name is missing"))
        }
        let outcome: RunReport.Outcome?
        switch parts[1] {
        case "started", "running": outcome = .started
        case "successful": outcome = .succeeded
        case "failed": outcome = .failed
        case "unknown": outcome = nil
        default: return .failure(Problem(message: "\(type): \(parts[1]) is not a run state Tekton reports (started, running, successful, failed, unknown)"))
        }
        let uid = run["metadata"]?["uid"]?.stringValue ?? id
        guard let uid, !uid.isEmpty else { return .failure(Problem(message: "the event has no id and the run no metadata.uid")) }
        let condition = run["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Succeeded" }
        let start = run["status"]?["startTime"]?.stringValue.flatMap(Self.date)
        let end = run["status"]?["completionTime"]?.stringValue.flatMap(Self.date)
        let duration = start.flatMap { start in end.map { $0.timeIntervalSince(start) } }.flatMap { $0 >= 0 ? $0 : nil }
        return .success(TektonRunEvent(type: type, runKind: parts[0] == "taskrun" ? "TaskRun" : "PipelineRun", runName: name,
                                       runNamespace: run["metadata"]?["namespace"]?.stringValue, uid: uid, outcome: outcome,
                                       template: template(of: run, organisation: organisation), reason: condition?["reason"]?.stringValue,
                                       message: condition?["message"]?.stringValue, durationSeconds: duration,
                                       time: Store.timestamp(end ?? start ?? now)))
    }

    /// `task/go@1.0.0` or `payments/task/go@1.0.1` in `stepyard.dev/resolved`; else the run's
    /// `status.provenance.refSource.uri` when it is a resolved template's URL (`…/api/v1/resources/NS/KIND/NAME/VERSION/resolved`)
    /// with an exact version.
    static func template(of run: JSONValue, organisation: String) -> VersionKey? {
        if let resolved = run["metadata"]?["annotations"]?[Resolver.resolvedAnnotation]?.stringValue {
            let at = resolved.split(separator: "@", maxSplits: 1).map(String.init)
            let path = at.first?.split(separator: "/").map(String.init) ?? []
            if at.count == 2, path.count == 2 || path.count == 3, let kind = ResourceKind(rawValue: path[path.count - 2]) {
                return VersionKey(namespace: path.count == 3 ? path[0] : organisation, kind: kind, name: path[path.count - 1], version: at[1])
            }
        }
        guard let uri = run["status"]?["provenance"]?["refSource"]?["uri"]?.stringValue,
              let range = uri.range(of: "/api/v1/resources/") else { return nil }
        let rest = uri[range.upperBound...].split(separator: "?").first?.split(separator: "/").map(String.init) ?? []
        guard rest.count == 5, rest[4] == "resolved", let kind = ResourceKind(rawValue: rest[1]),
              let version = rest[3].removingPercentEncoding, ResourceVersion(version) != nil,
              VersionRequirement(version).map({ if case .exact = $0 { return true } else { return false } }) ?? false else { return nil }
        return VersionKey(namespace: rest[0], kind: kind, name: rest[2], version: version)
    }

    static func date(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text)
    }
}
