import Foundation
import Synchronization

/// Signed-in browsers. A person gives a token on the sign-in page once; the browser then holds only a random session id
/// in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` behind an https `--public-url`), and the server maps it to the
/// token in memory (a restart signs everyone out). Every request of a session is checked like one with the token
/// itself (`TokenVerifier`), so a revoked token ends its sessions at once. A session is honoured for reads and for
/// the web catalog's own forms, never for the API's changes (those need `Authorization`).
///
/// Forms are protected against cross-site posts twice: the cookies are `SameSite=Strict`, and each form carries the
/// value of the `stepyard_csrf` cookie, which the post must repeat.
final class WebSessions: Sendable {
    static let sessionCookie = "stepyard_session"
    static let csrfCookie = "stepyard_csrf"
    static let lifetime: Duration = .seconds(12 * 3600)
    /// Sessions kept at most; past it the oldest ends.
    static let capacity = 10_000

    private struct Session {
        var token: String
        var until: ContinuousClock.Instant
    }

    private let sessions = Mutex<[String: Session]>([:])

    /// A new session for `token`; its id.
    func create(token: String) -> String {
        let id = Self.newSecret()
        sessions.withLock { sessions in
            if sessions.count >= Self.capacity, let oldest = sessions.min(by: { $0.value.until < $1.value.until })?.key {
                sessions.removeValue(forKey: oldest)
            }
            sessions[id] = Session(token: token, until: .now + Self.lifetime)
        }
        return id
    }

    /// The token of a live session, `nil` for an unknown or expired one.
    func token(for id: String) -> String? {
        sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.until > .now else {
                sessions.removeValue(forKey: id)
                return nil
            }
            return session.token
        }
    }

    func end(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// 256 random bits, hex.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// A `Cookie` header's pairs.
    static func cookies(_ header: String?) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (header ?? "").split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, out[parts[0]] == nil { out[parts[0]] = parts[1] }
        }
        return out
    }

    /// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, the whole site; `Secure` when served over https.
    static func setCookie(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
