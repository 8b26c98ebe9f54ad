import Foundation
import OpenAPIRuntime

extension RegistryAPI {
    /// The OpenAPI document this server was generated from, as shipped in the module's resources.
    static let openAPIDocumentBytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url) else { return Array("openapi.yaml is missing from the build\n".utf8) }
        return Array(data)
    }()

    func healthz(_ input: Operations.Healthz.Input) async throws -> Operations.Healthz.Output {
        .ok(.init(body: .plainText(HTTPBody("ok\n"))))
    }

    func readyz(_ input: Operations.Readyz.Input) async throws -> Operations.Readyz.Output {
        let snapshot = context.state.snapshot
        let head = try? await store.headCommit()
        var replica = ""
        if let status = context.replica {
            replica = "replica of \(status.primary): " + (status.lag.map { String(format: "last fetch %.1f s ago", $0) } ?? "not fetched yet")
                + (status.lastError.map { "; the primary cannot be reached: \($0)" } ?? "") + "\n"
        }
        if snapshot.ready, head == snapshot.commit {
            return .ok(.init(body: .plainText(HTTPBody("ready: serving \(snapshot.commit ?? "an empty repository")\n" + replica))))
        }
        return .serviceUnavailable(.init(body: .plainText(HTTPBody("not ready: the index is catching up with \(head ?? "-")\n"))))
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        .ok(.init(body: .plainText(HTTPBody(ServerMetrics.exposition()))))
    }

    func openAPIDocument(_ input: Operations.OpenAPIDocument.Input) async throws -> Operations.OpenAPIDocument.Output {
        .ok(.init(body: .yaml(HTTPBody(Self.openAPIDocumentBytes))))
    }
}

