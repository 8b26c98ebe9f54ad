import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StepyardCore
import StepyardStore

/// Sends one event to one subscription: the body in its format (CloudEvents 1.0 structured JSON, or a chat
/// webhook's `{"text": …}`), signed when it has a secret, to an address the admin allowed (`WebhookAllowList`),
/// without following redirects (a redirect could lead where the allow-list does not).
struct WebhookSender: Sendable {
    let allowList: WebhookAllowList
    /// Where event links point (`--public-url`, else the listening address).
    let base: String
    let timeout: TimeInterval

    /// What one attempt did.
    struct Outcome: Sendable, Equatable {
        var statusCode: Int?
        var error: String?
        var delivered: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
    }

    func send(_ event: StoreEvent, to subscription: Subscription, now: Date = Date()) async -> Outcome {
        if let refusal = await allowList.refusal(for: subscription.url) { return Outcome(statusCode: nil, error: refusal) }
        guard let url = URL(string: subscription.url) else { return Outcome(statusCode: nil, error: "the URL cannot be read") }
        let (body, contentType) = Self.body(event, format: subscription.format, base: base)
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue("stepyard", forHTTPHeaderField: "User-Agent")
        request.setValue(event.id, forHTTPHeaderField: "X-Stepyard-Event-Id")
        request.setValue(event.type, forHTTPHeaderField: "X-Stepyard-Event-Type")
        if let secret = subscription.secret, !secret.isEmpty {
            request.setValue(Self.signature(body: body, secret: secret, time: now), forHTTPHeaderField: Self.signatureHeader)
        }
        return await withCheckedContinuation { continuation in
            let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
            session.dataTask(with: request) { _, response, error in
                if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: Outcome(statusCode: response.statusCode,
                                                           error: (200..<300).contains(response.statusCode) ? nil : "the receiver answered \(response.statusCode)"))
                } else {
                    continuation.resume(returning: Outcome(statusCode: nil, error: error.map { "no answer: \($0.localizedDescription)" } ?? "no answer"))
                }
                session.finishTasksAndInvalidate()
            }.resume()
        }
    }

    static let signatureHeader = "X-Stepyard-Signature"

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`: the time is signed with the body, so a
    /// receiver can refuse a replay of an old delivery.
    static func signature(body: [UInt8], secret: String, time: Date) -> String {
        let seconds = Int(time.timeIntervalSince1970)
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(seconds).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(seconds),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The request body and its media type.
    static func body(_ event: StoreEvent, format: Subscription.Format, base: String) -> (bytes: [UInt8], contentType: String) {
        switch format {
        case .cloudevents:
            let value: JSONValue = [
                "specversion": "1.0",
                "id": .string(event.id),
                "source": .string(base + "/api/v1/namespaces/" + event.namespace),
                "type": .string(event.type),
                "subject": .string(event.subject),
                "time": .string(event.time),
                "datacontenttype": "application/json",
                "data": event.data,
            ]
            return (value.serializedBytes() + [0x0A], "application/cloudevents+json")
        case .chat:
            let value: JSONValue = ["text": .string(sentence(event) + " " + link(event, base: base))]
            return (value.serializedBytes() + [0x0A], "application/json")
        }
    }

    /// A person's sentence for an event (what a chat channel shows).
    static func sentence(_ event: StoreEvent) -> String {
        let data = event.data
        switch event.type {
        case EventType.published: return "\(event.subject) was published in \(event.namespace)."
        case EventType.deprecated: return "\(event.subject) is deprecated" + (data["deprecationMessage"]?.stringValue.map { ": \($0)" } ?? ".")
        case EventType.yanked: return "\(event.subject) was yanked: ranges no longer select it."
        case EventType.unyanked: return "\(event.subject) was un-yanked."
        case EventType.forkCreated: return "\(event.subject) was forked from \(data["upstream"]?["reference"]?.stringValue ?? "its upstream")."
        case EventType.forkUpgraded: return "\(event.subject) was upgraded to upstream \(data["upstream"]?["reference"]?.stringValue ?? "")."
        case EventType.upstreamReleased:
            let conflicts = data["merge"]?["conflicts"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let merge = data["merge"]?["clean"] == .bool(true) ? "an upgrade merges cleanly"
                : "an upgrade conflicts" + (conflicts.isEmpty ? "" : " at " + conflicts.joined(separator: ", "))
            return "Upstream released \(data["released"]?["reference"]?.stringValue ?? "a new version") for the fork \(event.subject) "
                + "(based on \(data["upstream"]?["version"]?.stringValue ?? "?")): \(merge)."
        case EventType.runSucceeded: return "\(data["run"]?["kind"]?.stringValue ?? "A run") \(data["run"]?["name"]?.stringValue ?? "") of \(event.subject) succeeded."
        case EventType.runFailed:
            return "\(data["run"]?["kind"]?.stringValue ?? "A run") \(data["run"]?["name"]?.stringValue ?? "") of \(event.subject) failed"
                + (data["run"]?["message"]?.stringValue.map { ": \($0)" } ?? ".")
        case EventType.syncFailed: return "The sync \(event.subject) failed: \(data["error"]?.stringValue ?? "")"
        default: return "A test event from Stepyard for \(event.subject)."
        }
    }

    /// Where the event's subject is seen: its version's web page, else the catalog.
    static func link(_ event: StoreEvent, base: String) -> String {
        let parts = event.subject.split(separator: "@", maxSplits: 1)
        let path = parts.first?.split(separator: "/").map(String.init) ?? []
        guard parts.count == 2, path.count >= 2, ResourceKind(rawValue: path[path.count - 2]) != nil else { return base + "/" }
        let namespace = path.count == 3 ? path[0] : event.namespace
        return "\(base)/ui/\(namespace)/\(path[path.count - 2])/\(path[path.count - 1])/\(parts[1])"
    }
}

/// Refuses every redirect: the answer to the first request is the outcome.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
