import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StepyardCore
import StepyardStore

/// What a replica asks its primary over HTTP: who a token stands for (`GET /api/v1/whoami`; the replica's tokens are
/// the primary's, and a primary that cannot be reached makes a token not remembered a 503 while anonymous reads go
/// on), and when its commit moves (`GET /api/v1/head?after=`, held until then).
struct PrimaryClient: Sendable {
    /// Without a trailing slash (`ReplicaStatus.primary`).
    let primary: String

    /// Waits (up to 25 s) until the primary serves another commit than `commit`; `false` when it could not be asked.
    func waitForCommit(after commit: String?, token: String) async -> Bool {
        guard let commit, let url = URL(string: primary + "/api/v1/head?after=\(commit)&wait=25") else { return false }
        var request = URLRequest(url: url, timeoutInterval: 35)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return await withCheckedContinuation { continuation in
            URLSession.shared.dataTask(with: request) { _, response, _ in
                continuation.resume(returning: (response as? HTTPURLResponse)?.statusCode == 200)
            }.resume()
        }
    }

    /// The token's holder on the primary; `nil` for a token it does not know.
    func lookup(_ secret: String) async throws(APIError) -> AccessToken? {
        guard let url = URL(string: primary + "/api/v1/whoami") else { throw .internalError }
        var request = URLRequest(url: url, timeoutInterval: 5)
        request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let answer: (Data, Int)? = await withCheckedContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, _ in
                continuation.resume(returning: (response as? HTTPURLResponse).map { (data ?? Data(), $0.statusCode) })
            }.resume()
        }
        guard let (data, status) = answer else {
            throw APIError(.serviceUnavailable, "primary_unreachable", "this replica cannot ask its primary (\(primary)) about the token: try again, or ask the primary")
        }
        if status == 401 { return nil }
        guard status == 200, let value = try? JSONValue(parsingJSON: String(decoding: data, as: UTF8.self)),
              let name = value["name"]?.stringValue, let role = value["role"]?.stringValue.flatMap(Role.init(rawValue:)) else {
            throw APIError(.serviceUnavailable, "primary_unreachable", "the primary (\(primary)) did not say who the token stands for (status \(status))")
        }
        let departments = (value["departments"]?.arrayValue ?? []).compactMap(\.stringValue)
        return AccessToken(id: "", name: name, role: role, departments: departments, created: "")
    }
}
