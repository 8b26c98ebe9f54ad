import Foundation
import OpenAPIRuntime
import OrderedCollections
import StepyardCore
import StepyardStore

/// The web catalog: the same data and the same access rules as the REST routes, as server-rendered pages (`WebPages`)
/// that work without JavaScript. A page of a namespace the caller may not read is the same 404 as the API's.
///
/// Here: the catalog (`/`), the static files, what every page shares (the page cache, the frame, CSRF) and signing
/// in. A version's page, the run form, and compare/fork/upgrade have their own files.
extension RegistryAPI {
    static let htmlType = "text/html; charset=utf-8"

    /// `GET /`: the catalog page for a browser, the JSON index of entry points for anyone else.
    func getIndex(_ input: Operations.GetIndex.Input) async throws -> Operations.GetIndex.Output {
        let ranked = input.headers.accept.sortedByQuality()
        let wantsHTML = ranked.first { $0.contentType == .html || $0.contentType == .json }?.contentType == .html
        guard wantsHTML else { return .ok(.init(body: .json(Self.index))) }
        let html = try await webPage { try await catalogPage(input.query) }
        return .ok(.init(body: .html(HTTPBody(represent(html, as: Self.htmlType, negotiated: true).bytes))))
    }

    static let index = Components.Schemas.Index(name: "Stepyard", openapi: "/openapi.yaml", links: .init(additionalProperties: [
        "catalog": "/ (Accept: text/html)",
        "openapi": "/openapi.yaml",
        "search": "/api/v1/search?q={text}",
        "resource": "/api/v1/resources/{namespace}/{kind}/{name}",
        "version": "/api/v1/resources/{namespace}/{kind}/{name}/{version}",
        "resolved": "/api/v1/resources/{namespace}/{kind}/{name}/{version}/resolved",
        "schema": "/api/v1/resources/{namespace}/{kind}/{name}/{version}/schema",
        "readme": "/api/v1/resources/{namespace}/{kind}/{name}/{version}/readme",
        "versionPage": "/ui/{namespace}/{kind}/{name}/{version}",
        "sharedSchemas": "/schemas/params/{file}.json",
        "departments": "/api/v1/departments",
        "images": "/api/v1/images?match={text}",
        "tektonHub": "/v1/catalogs",
        "health": "/healthz",
        "readiness": "/readyz",
        "metrics": "/metrics",
    ]))

    /// The catalog's filters as the page's links and form carry them.
    struct CatalogFilters {
        var text = "", kind = "", language = "", category = "", tag = "", namespace = ""

        /// `/?q=…&kind=…` with `changes` applied (an empty value drops the filter) and paging from the start.
        func link(_ changes: [String: String] = [:], cursor: Int? = nil) -> String {
            var items: [String] = []
            for (name, value) in [("q", text), ("kind", kind), ("language", language), ("category", category), ("tag", tag), ("namespace", namespace)] {
                let chosen = changes[name] ?? value
                if !chosen.isEmpty { items.append("\(name)=\(QueryItems.encode(chosen))") }
            }
            if let cursor, cursor > 0 { items.append("cursor=\(cursor)") }
            return items.isEmpty ? "/" : "/?" + items.joined(separator: "&")
        }
    }

    static let catalogPageSize = 25

    /// The catalog page: the search's hits a page at a time, with facets (kind, language, category, tag, namespace)
    /// counted over every hit, each a link that narrows the list (or, chosen, clears).
    func catalogPage(_ query: Operations.GetIndex.Input.Query) async throws -> PageCache.Page {
        func given(_ value: String?) -> String { value.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        let filters = CatalogFilters(text: query.q ?? "", kind: query.kind?.rawValue ?? "", language: given(query.language),
                                     category: given(query.category), tag: given(query.tag), namespace: given(query.namespace))
        let kind = ResourceKind(rawValue: filters.kind)
        let offset = query.cursor.flatMap(Int.init).map { max(0, $0) } ?? 0
        let visible = visibleNamespaces
        let namespaces = [organisation] + context.state.snapshot.departments.sorted().filter { visible?.contains($0) ?? true }
        func optional(_ value: String) -> String? { value.isEmpty ? nil : value }
        var hits: [SearchHit] = []
        var problem: String?
        if !filters.namespace.isEmpty, !namespaces.contains(filters.namespace) {
            hits = []
        } else {
            do {
                hits = try await store.search(filters.text, kind: kind, category: optional(filters.category), tag: optional(filters.tag),
                                              language: optional(filters.language), namespace: optional(filters.namespace), limit: Int.max)
                    .filter { visible?.contains($0.namespace) ?? true }
            } catch {
                problem = APIError(error).message
            }
        }
        let shown = Array(hits.dropFirst(offset).prefix(Self.catalogPageSize))
        let next = offset + shown.count < hits.count ? filters.link(cursor: offset + shown.count) : nil
        let previous = offset > 0 ? filters.link(cursor: max(0, offset - Self.catalogPageSize)) : nil
        let kinds: [[String: Any]] = [("", "Any"), ("task", "Task"), ("pipeline", "Pipeline"), ("stepaction", "StepAction")].map { value, label in
            ["value": value, "label": label, "selected": filters.kind == value]
        }
        let namespaceOptions: [[String: Any]] = namespaces.count > 1
            ? [["value": "", "label": "All", "selected": filters.namespace.isEmpty]] + namespaces.map { ["value": $0, "label": $0, "selected": filters.namespace == $0] }
            : []
        let facets = catalogFacets(hits, filters: filters, namespaces: namespaces)
        var summary = hits.isEmpty ? "Nothing found." : hits.count == 1 ? "1 found." : "\(hits.count) found."
        if hits.count > shown.count, !shown.isEmpty { summary = "\(hits.count) found, \(offset + 1)–\(offset + shown.count) shown." }
        var content: [String: Any] = [
            "query": filters.text, "language": filters.language, "category": optional(filters.category) ?? false,
            "tag": optional(filters.tag) ?? false,
            "kinds": kinds, "namespaces": namespaceOptions, "hasNamespaces": !namespaceOptions.isEmpty,
            "error": problem ?? false, "summary": summary,
        ]
        content["hits"] = shown.map { hit -> [String: Any] in
            ["name": hit.name, "kind": hit.kind.rawValue, "namespace": hit.namespace, "department": hit.namespace != organisation,
             "deprecated": hit.deprecated, "yanked": hit.yanked, "language": hit.language ?? false,
             "latestVersion": hit.latestVersion, "description": hit.description,
             "href": Self.pagePath(hit.namespace, hit.kind, hit.name, hit.latestVersion)]
        }
        content["facets"] = facets
        content["hasFacets"] = !facets.isEmpty
        content["next"] = next ?? false
        content["previous"] = previous ?? false
        content["hasPaging"] = next != nil || previous != nil
        return PageCache.Page(title: filters.text.isEmpty ? "Catalog" : "\(filters.text) — search",
                              content: WebPages.content("catalog", content), query: filters.text, scripts: ["catalog.js"])
    }

    /// The facets of a result list: per facet, each value with how many hits have it (most first), as a link that
    /// adds it to the filters; a chosen value stays listed with a link that clears it.
    func catalogFacets(_ hits: [SearchHit], filters: CatalogFilters, namespaces: [String]) -> [[String: Any]] {
        func facet(_ title: String, _ parameter: String, chosen: String, _ values: (SearchHit) -> [String]) -> [String: Any]? {
            var counts = OrderedDictionary<String, Int>()
            for hit in hits { for value in Set(values(hit)) { counts[value, default: 0] += 1 } }
            if !chosen.isEmpty, counts[chosen] == nil { counts[chosen] = 0 }
            guard !counts.isEmpty else { return nil }
            let rows = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(12).map { value, count -> [String: Any] in
                ["label": value, "count": count, "selected": value == chosen,
                 "href": filters.link([parameter: value]), "clear": filters.link([parameter: ""])]
            }
            return ["title": title, "parameter": parameter, "values": Array(rows)]
        }
        var facets: [[String: Any]?] = [
            facet("Kind", "kind", chosen: filters.kind) { [$0.kind.rawValue] },
            facet("Language", "language", chosen: filters.language) { $0.language.map { [$0] } ?? [] },
            facet("Category", "category", chosen: filters.category) { $0.categories },
            facet("Tag", "tag", chosen: filters.tag) { $0.tags },
        ]
        if namespaces.count > 1 { facets.append(facet("Namespace", "namespace", chosen: filters.namespace) { [$0.namespace] }) }
        return facets.compactMap { $0 }
    }

    static func pagePath(_ namespace: String, _ kind: ResourceKind, _ name: String, _ version: String) -> String {
        "/ui/\(namespace)/\(kind.rawValue)/\(name)/\(QueryItems.encode(version))"
    }

    func getStaticFile(_ input: Operations.GetStaticFile.Input) async throws -> Operations.GetStaticFile.Output {
        guard let file = WebPages.staticFiles[input.path.file.rawValue] else { throw APIError.notFound("\(input.path.file.rawValue) not found") }
        let bytes = represent(file.bytes, as: file.type, negotiated: false).bytes
        return .ok(.init(body: file.type.hasPrefix("text/css") ? .textCss(HTTPBody(bytes)) : .textJavascript(HTTPBody(bytes))))
    }
}

// MARK: - What every page shares

extension RegistryAPI {
    /// A page for this browser: its content from the page cache when it was rendered for the same repository state
    /// and the same reach (`render` makes it otherwise), in the frame of who is signed in. `cache: false` for content
    /// that depends on more than the address (an answer to a form post).
    func webPage(cache: Bool = true, _ render: () async throws -> PageCache.Page) async throws -> [UInt8] {
        let generation = context.state.generation
        let key = pageKey
        let page: PageCache.Page
        if cache, let kept = context.pages.page(key, generation: generation) {
            page = kept
        } else {
            page = try await render()
            if cache { context.pages.keep(page, under: key, generation: generation) }
        }
        if !page.lifecycle.isEmpty { RequestState.current.record?.lifecycleFields = page.lifecycle }
        return frame(page)
    }

    /// What decides a page's content besides the repository: the address, and who may see and change what (the
    /// role and its departments; every admin alike; every anonymous caller alike).
    var pageKey: String {
        let state = RequestState.current
        let reach = principal.role.map { role in role == .admin ? "admin" : role.rawValue + ":" + principal.departments.sorted().joined(separator: ",") } ?? "-"
        return reach + " " + state.path + "?" + (state.query ?? "")
    }

    /// A page's content in the frame every page shares, with this browser's CSRF value in its forms.
    func frame(_ page: PageCache.Page) -> [UInt8] {
        let csrf = csrfValue()
        let frame: [String: Any] = ["title": page.title, "signedIn": !principal.isAnonymous, "callerName": principal.name,
                                    "csrf": csrf, "query": page.query, "scripts": page.scripts]
        return WebPages.framed(page.content.replacingOccurrences(of: PageCache.csrfMarker, with: csrf), frame)
    }

    /// A page's content from a template; its forms carry `PageCache.csrfMarker` for the CSRF value (`frame` puts in
    /// the browser's own).
    func pageContent(_ template: String, _ context: [String: Any]) -> String {
        var context = context
        context["csrf"] = PageCache.csrfMarker
        context["signedIn"] = !principal.isAnonymous
        return WebPages.content(template, context)
    }

    /// An HTML answer of a page.
    func htmlBody(_ bytes: [UInt8]) -> HTTPBody {
        HTTPBody(represent(bytes, as: Self.htmlType, negotiated: false).bytes)
    }

    /// The browser's CSRF value, made (and sent as a cookie) when it has none.
    func csrfValue() -> String {
        if let value = RequestState.current.cookies[WebSessions.csrfCookie], value.count == 64, value.allSatisfy(\.isHexDigit) { return value }
        if let made = RequestState.current.record?.setCookies.first(where: { $0.hasPrefix(WebSessions.csrfCookie + "=") }) {
            return String(made.dropFirst(WebSessions.csrfCookie.count + 1).prefix { $0 != ";" })
        }
        let value = WebSessions.newSecret()
        RequestState.current.record?.setCookies.append(WebSessions.setCookie(WebSessions.csrfCookie, value, secure: secureCookies))
        return value
    }

    var secureCookies: Bool { RequestState.current.baseURL.hasPrefix("https://") }

    /// A form post that repeats the browser's CSRF value; anything else (a post from another site) is refused.
    func requireCSRF(_ given: String) throws(APIError) {
        guard let expected = RequestState.current.cookies[WebSessions.csrfCookie], !expected.isEmpty, given == expected else {
            throw APIError(.forbidden, "forbidden", "this form was not sent from this site's own page (its CSRF value does not match): reload the page and try again")
        }
    }

    /// The departments the caller may fork into or upgrade in (an admin: every department).
    var writableDepartments: [String] {
        context.state.snapshot.departments.sorted().filter { context.policy.canWrite($0, principal) }
    }
}

// MARK: - Signing in

extension RegistryAPI {
    func getSignInPage(_ input: Operations.GetSignInPage.Input) async throws -> Operations.GetSignInPage.Output {
        let html = try await webPage(cache: false) { PageCache.Page(title: "Sign in", content: pageContent("sign-in", [:])) }
        return .ok(.init(body: .html(htmlBody(html))))
    }

    func signIn(_ input: Operations.SignIn.Input) async throws -> Operations.SignIn.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw APIError.badRequest("send the sign-in form") }
        try requireCSRF(form.csrf)
        let token = form.token.trimmingCharacters(in: .whitespaces)
        let known = (try? await context.verifier.principal(authorization: "Bearer " + token)).map { !$0.isAnonymous } ?? false
        guard known else {
            let again = try await webPage(cache: false) {
                PageCache.Page(title: "Sign in", content: pageContent("sign-in", ["error": "That token is not known here (or was revoked)."]))
            }
            return .ok(.init(body: .html(htmlBody(again))))
        }
        let id = context.sessions.create(token: token)
        RequestState.current.record?.setCookies.append(WebSessions.setCookie(WebSessions.sessionCookie, id, secure: secureCookies,
                                                                             maxAge: Int(WebSessions.lifetime.components.seconds)))
        RequestState.current.record?.location = "/"
        return .seeOther(.init())
    }

    func signOut(_ input: Operations.SignOut.Input) async throws -> Operations.SignOut.Output {
        guard case .urlEncodedForm(let form) = input.body else { throw APIError.badRequest("send the sign-out form") }
        try requireCSRF(form.csrf)
        if let id = RequestState.current.cookies[WebSessions.sessionCookie] { context.sessions.end(id) }
        RequestState.current.record?.setCookies.append(WebSessions.setCookie(WebSessions.sessionCookie, "", secure: secureCookies, maxAge: 0))
        RequestState.current.record?.location = "/"
        return .seeOther(.init())
    }
}
