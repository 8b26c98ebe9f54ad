import Foundation
import NIOPosix
import Synchronization
import StepyardStore

/// Turns an `Authorization` header into a caller. Tokens are remembered for a quarter of a second — known ones and
/// unknown ones alike — so a request costs a dictionary lookup, a flood of made-up tokens costs one token-file lookup
/// per token and lifetime (on the blocking-I/O pool), and a token revoked with the CLI stops working within that time.
final class TokenVerifier: Sendable {
    private struct Remembered {
        /// `nil` for a token the store does not know (unknown or revoked).
        var principal: Principal?
        var departments: [String]
        var until: ContinuousClock.Instant
    }

    /// How long a token's verdict is kept: the bound on how late a revocation takes effect.
    static let defaultLifetime: Duration = .milliseconds(250)

    /// Where a token is looked up: this store's token file, or (a replica) the primary.
    private let lookup: @Sendable (String) async throws(APIError) -> AccessToken?
    private let state: ServerState
    /// Known callers by `Authorization` header value.
    private let memory = Mutex<[String: Remembered]>([:])
    private let lifetime: Duration

    init(tokens: AccessTokens, state: ServerState, lifetime: Duration = TokenVerifier.defaultLifetime) {
        self.lookup = { secret throws(APIError) in
            do { return try await NIOThreadPool.singleton.runIfActive { try tokens.lookup(secret: secret) } } catch { throw .internalError }
        }
        self.state = state
        self.lifetime = lifetime
    }

    /// A replica's verifier: tokens are the primary's, asked of it (`GET /api/v1/whoami`) and remembered `lifetime`.
    init(primary: PrimaryClient, state: ServerState, lifetime: Duration) {
        self.lookup = { secret throws(APIError) in try await primary.lookup(secret) }
        self.state = state
        self.lifetime = lifetime
    }

    /// The caller, anonymous without a header. A token without a verdict in memory is looked up in the token file on
    /// NIO's blocking-I/O pool, never on the event loop (the file may be locked by a CLI writing to it).
    /// - Throws: `APIError` 401 for a malformed header, an unknown or revoked token, or one naming a department that no
    ///   longer exists.
    func principal(authorization: String?) async throws(APIError) -> Principal {
        if let verdict = remembered(authorization: authorization) { return try verdict.get() }
        guard let authorization, let secret = Self.bearerSecret(authorization) else {
            throw .unauthorized("the Authorization header must read `Bearer <token>`")
        }
        let token = try await lookup(secret)
        let fresh = Remembered(principal: token.map(Principal.init), departments: token?.departments ?? [], until: ContinuousClock.now + lifetime)
        memory.withLock { memory in
            if memory.count > 10_000 { memory.removeAll() }
            memory[authorization] = fresh
        }
        return try verdict(fresh).get()
    }

    /// Forgets every remembered verdict (a token was revoked: the next request of each caller is looked up again).
    func forgetAll() {
        memory.withLock { $0.removeAll() }
    }

    /// The verdict on a caller from memory alone (the connection pipeline's hot path cannot wait for a lookup):
    /// `nil` when the token has none yet, or it has expired.
    func remembered(authorization: String?) -> Result<Principal, APIError>? {
        guard let authorization else { return .success(.anonymous) }
        let now = ContinuousClock.now
        // Remembered by the header as sent, so a known caller costs one lookup and no parsing.
        guard let remembered = memory.withLock({ $0[authorization].flatMap { $0.until > now ? $0 : nil } }) else { return nil }
        return verdict(remembered)
    }

    private func verdict(_ remembered: Remembered) -> Result<Principal, APIError> {
        guard let principal = remembered.principal else { return .failure(.unauthorized("the token is not valid (unknown or revoked)")) }
        if !remembered.departments.isEmpty, let gone = state.missingDepartment(among: remembered.departments) {
            return .failure(.unauthorized("the token belongs to department \"\(gone)\", which no longer exists"))
        }
        return .success(principal)
    }

    /// The token of `Bearer <token>` (scheme in any case, spaces around the token ignored), or `nil`.
    static func bearerSecret(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ ($0 | 0x20) == $1 }) else { return nil }
        var start = scheme.count, end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
