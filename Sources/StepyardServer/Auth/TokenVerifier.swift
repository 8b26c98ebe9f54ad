import Foundation
import Synchronization
import StepyardStore

/// Turns an `Authorization` header into a caller. Known tokens are remembered for a few seconds, so a request costs a
/// hash and a dictionary lookup; a token revoked with the CLI stops working within that time.
final class TokenVerifier: Sendable {
    private struct Remembered {
        var token: AccessToken
        var until: ContinuousClock.Instant
    }

    private let tokens: AccessTokens
    private let state: ServerState
    private let memory = Mutex<[String: Remembered]>([:])
    private let lifetime: Duration

    init(tokens: AccessTokens, state: ServerState, lifetime: Duration = .seconds(5)) {
        self.tokens = tokens
        self.state = state
        self.lifetime = lifetime
    }

    /// The caller, anonymous without a header.
    /// - Throws: `APIError` 401 for a malformed header, an unknown or revoked token, or one naming a department that no
    ///   longer exists.
    func principal(authorization: String?) throws(APIError) -> Principal {
        guard let authorization else { return .anonymous }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("the Authorization header must read `Bearer <token>`")
        }
        let secret = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let now = ContinuousClock.now
        var token = memory.withLock { $0[secret].flatMap { $0.until > now ? $0.token : nil } }
        if token == nil {
            do { token = try tokens.lookup(secret: secret) } catch { throw .internalError }
            guard let found = token else { throw .unauthorized("the token is not valid (unknown or revoked)") }
            memory.withLock { memory in
                if memory.count > 10_000 { memory.removeAll() }
                memory[secret] = Remembered(token: found, until: now + lifetime)
            }
        }
        guard let token else { throw .unauthorized("the token is not valid (unknown or revoked)") }
        let departments = state.snapshot.departments
        if let gone = token.departments.first(where: { !departments.contains($0) }) {
            throw .unauthorized("the token belongs to department \"\(gone)\", which no longer exists")
        }
        return Principal(token)
    }
}
