import Foundation
import OpenAPIRuntime
import StepyardStore

/// Git smart HTTP under `/git/`: `git clone` and `git fetch` (and Tekton's git resolver) of a namespace's view, and of
/// the whole repository for admins and replicas; `git push` to a view, through the gate. Who may do what is decided
/// here, as for the API; git's own `http-backend` does the rest (`GitHTTPBackend`, `GitPushGate`).
extension RegistryAPI {
    func gitAdvertiseRefs(_ input: Operations.GitAdvertiseRefs.Input) async throws -> Operations.GitAdvertiseRefs.Output {
        let push = input.query.service == .gitReceivePack
        if push { _ = try pushTarget(input.path.repository) }
        let target = try await gitRepository(input.path.repository)
        let hooks = push ? try GitPushGate.installHook(under: store.viewsDirectory) : ""
        let answer = try await GitHTTPBackend.run(root: target.root, path: "/\(target.folder)/info/refs", method: "GET",
                                                  query: "service=\(input.query.service.rawValue)", gitProtocol: input.headers.gitProtocol,
                                                  remoteUser: push ? principal.name : nil,
                                                  environment: push ? Self.pushEnvironment(hooks: hooks) : [:])
        let bytes = try checked(answer)
        return .ok(.init(body: push ? .applicationXGitReceivePackAdvertisement(HTTPBody(bytes)) : .applicationXGitUploadPackAdvertisement(HTTPBody(bytes))))
    }

    func gitUploadPack(_ input: Operations.GitUploadPack.Input) async throws -> Operations.GitUploadPack.Output {
        let target = try await gitRepository(input.path.repository)
        guard case .applicationXGitUploadPackRequest(let body) = input.body else { throw APIError.badRequest("send the git upload-pack request") }
        let bytes: [UInt8]
        do { bytes = try await [UInt8](collecting: body, upTo: context.configuration.maxBodyBytes) } catch {
            throw APIError.payloadTooLarge(context.configuration.maxBodyBytes)
        }
        let answer = try await GitHTTPBackend.run(root: target.root, path: "/\(target.folder)/git-upload-pack", method: "POST", query: "",
                                                  contentType: "application/x-git-upload-pack-request",
                                                  contentEncoding: input.headers.contentEncoding?.rawValue,
                                                  gitProtocol: input.headers.gitProtocol, body: bytes)
        return .ok(.init(body: .applicationXGitUploadPackResult(HTTPBody(try checked(answer)))))
    }

    /// The folder a `/git/<name>.git` path serves to this caller: a namespace's view, brought up to the store's head,
    /// or the store's own repository (`repo.git`, admins and replicas only). A view the caller may not read is a 401
    /// with a Basic challenge when no token came (git sends one only when challenged), else the same 404 as a missing
    /// one.
    func gitRepository(_ repository: String) async throws -> (root: String, folder: String) {
        let name = String(repository.dropLast(".git".count))
        if name == Store.wholeRepositoryName {
            if principal.role != .replica { try requireAdmin() }
            return (store.directory.path, store.repositoryDirectory.lastPathComponent)
        }
        try checkNames(name)
        guard context.policy.canRead(name, principal) else {
            if principal.isAnonymous {
                throw APIError.unauthorized("\(repository) needs a token: git sends it as the password (http://user:TOKEN@host/git/\(repository))")
            }
            throw APIError.notFound("repository \(repository) not found")
        }
        let view = try await call { store throws(StoreError) in try await store.refreshView(name) }
        return (view.path.deletingLastPathComponent().path, view.path.lastPathComponent)
    }

    /// The body of a successful answer; git's refusal (its status and stderr) as an error otherwise.
    func checked(_ answer: GitHTTPBackend.Answer) throws -> [UInt8] {
        // git answers 200 before it reads the request; a request it could not read leaves it nothing to send.
        if answer.status == 200, answer.body.isEmpty, !answer.errors.isEmpty {
            let reason = answer.errors.split(separator: "\n").last.map(String.init) ?? answer.errors
            throw APIError.badRequest("git could not read the request: \(reason.trimmingCharacters(in: .whitespaces))")
        }
        guard answer.status == 200 else {
            if answer.status >= 500 {
                context.logger.error("git http-backend failed", metadata: ["status": "\(answer.status)", "stderr": .string(answer.errors)])
                throw APIError.internalError
            }
            let message = String(decoding: answer.body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw APIError(.init(code: answer.status), "git_refused", message.isEmpty ? "git refused the request" : message)
        }
        return answer.body
    }
}

// MARK: - Push

extension RegistryAPI {
    func gitReceivePack(_ input: Operations.GitReceivePack.Input) async throws -> Operations.GitReceivePack.Output {
        let namespace = try pushTarget(input.path.repository)
        let target = try await gitRepository(input.path.repository)
        guard case .applicationXGitReceivePackRequest(let body) = input.body else { throw APIError.badRequest("send the git receive-pack request") }
        let bytes: [UInt8]
        do { bytes = try await [UInt8](collecting: body, upTo: context.configuration.maxBodyBytes) } catch {
            throw APIError.payloadTooLarge(context.configuration.maxBodyBytes)
        }
        let hooks = try GitPushGate.installHook(under: store.viewsDirectory)
        let gate = try GitPushGate()
        let store = self.store, author = principal.author
        gate.start { request in
            do {
                let report = try await store.receivePush(namespace: namespace, quarantine: request.quarantine, updates: request.updates, author: author)
                return GitPushGate.Verdict(accept: report.accepted, lines: report.lines)
            } catch {
                let reason = (error as? StoreError).map { APIError($0).message } ?? "the push could not be checked"
                return GitPushGate.Verdict(accept: false, lines: ["stepyard: push refused, nothing was written: \(reason)"])
            }
        }
        await store.beginPush(namespace)
        let answer: GitHTTPBackend.Answer
        do {
            answer = try await GitHTTPBackend.run(root: target.root, path: "/\(target.folder)/git-receive-pack", method: "POST", query: "",
                                                  contentType: "application/x-git-receive-pack-request",
                                                  contentEncoding: input.headers.contentEncoding?.rawValue, gitProtocol: input.headers.gitProtocol,
                                                  remoteUser: principal.name, environment: Self.pushEnvironment(hooks: hooks).merging(gate.environment) { a, _ in a },
                                                  body: bytes)
        } catch {
            await gate.finish()
            await store.endPush(namespace)
            throw error
        }
        await gate.finish()
        await store.endPush(namespace)
        await wrote()
        return .ok(.init(body: .applicationXGitReceivePackResult(HTTPBody(try checked(answer)))))
    }

    /// The namespace a push goes to, when the caller may write it: anonymous callers are challenged (git sends a token
    /// only then); the whole repository takes no push.
    func pushTarget(_ repository: String) throws(APIError) -> String {
        let name = String(repository.dropLast(".git".count))
        guard name != Store.wholeRepositoryName else {
            throw APIError(.forbidden, "forbidden", "the whole repository takes no push: push to a namespace's view, /git/<namespace>.git")
        }
        if principal.isAnonymous { throw APIError.unauthorized("a push needs a token: git sends it as the password (http://user:TOKEN@host/git/\(repository))") }
        try checkNames(name)
        try requireWrite(name)
        return name
    }

    /// `git receive-pack`'s settings for a push to a view: allowed over HTTP, `main` only moves forward and is never
    /// deleted, and the server's gate as the pre-receive hook.
    static func pushEnvironment(hooks: String) -> [String: String] {
        let settings = [("http.receivepack", "true"), ("core.hooksPath", hooks), ("receive.denyNonFastForwards", "true"),
                        ("receive.denyDeletes", "true")]
        var environment = ["GIT_CONFIG_COUNT": String(settings.count)]
        for (index, (key, value)) in settings.enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = key
            environment["GIT_CONFIG_VALUE_\(index)"] = value
        }
        return environment
    }
}
