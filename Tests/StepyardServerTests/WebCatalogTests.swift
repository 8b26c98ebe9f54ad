import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StepyardCore
import StepyardStore
import Testing
@testable import StepyardServer

/// The web catalog's pages over the bundled catalog: what they show, what they refuse, what they never let through.
@Suite struct WebCatalogTests {
    static let html = ["Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]

    @Test func theCatalogPageSearchesAndFilters() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let all = try await client.call(.get, "/", headers: Self.html)
            #expect(all.status == .ok && all.headers[.contentType] == "text/html; charset=utf-8")
            #expect(all.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
            #expect(all.text.contains("<a class=\"hit-name\" href=\"/ui/tekton/pipeline/go-pipeline/1.0.0\">go-pipeline</a>"))
            // More than a page: a link to the next one, which carries the filters.
            #expect(all.text.contains("rel=\"next\" href=\"/?cursor=25\""))
            let second = try await client.call(.get, "/?cursor=25", headers: Self.html)
            #expect(second.status == .ok && second.text.contains("26–"))
            let pipelines = try await client.call(.get, "/?q=go&kind=pipeline", headers: Self.html)
            #expect(pipelines.text.contains(">go-pipeline</a>") && !pipelines.text.contains(">go-test</a>"))
            #expect(pipelines.text.contains("<option value=\"pipeline\" selected>"))
            // Words are prefixes: a half-typed name already finds it, here and in the API.
            let prefix = try await client.call(.get, "/?q=golan", headers: Self.html)
            #expect(prefix.text.contains("href=\"/ui/tekton/task/go/1.0.0\">go</a>"))
            let api = try await client.call(.get, "/api/v1/search?q=kanik")
            #expect(api.json["items"]?.arrayValue?.contains { $0["name"] == "kaniko-build" } == true)
            let none = try await client.call(.get, "/?q=zzzzqqq", headers: Self.html)
            #expect(none.text.contains("Nothing found."))
            // Without a browser's Accept, the JSON index.
            let json = try await client.call(.get, "/")
            #expect(json.json["openapi"] == "/openapi.yaml")
            #expect(try await client.call(.get, "/ui/static/style.css").headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    @Test func aVersionPageShowsWhatADeveloperNeeds() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let page = try await client.call(.get, "/ui/tekton/task/go/1.0.0")
            #expect(page.status == .ok)
            let text = page.text
            // Params from the effective schema: required, default, constraints.
            #expect(text.contains("<code>git-url</code> <span class=\"required\">required</span>"))
            #expect(text.contains("<td>string</td><td><code>1.23.4</code></td>"))
            #expect(text.contains("<td>image-reference</td>"))
            // Workspaces, results, steps with their images, what it pins (linked), versions, the README rendered.
            #expect(text.contains("<code>source</code></th><td>yes</td>"))
            #expect(text.contains("<code>image-digest</code>"))
            #expect(text.contains("<code>lint</code> <span class=\"image\">docker.io/golangci/golangci-lint:$(params.golangci-lint-version)</span>"))
            #expect(text.contains("<a href=\"/ui/tekton/stepaction/git-clone/1.0.0\">stepaction/git-clone@1.0.0</a>"))
            #expect(text.contains("aria-current=\"page\">1.0.0</a>"))
            #expect(text.contains("<h2 id=\"readme-h\">README</h2>") && text.contains("<table>"))
            #expect(text.contains("href=\"/ui/tekton/task/go/1.0.0/run\""))
            // A Pipeline's README links its Tasks' pages.
            let pipeline = try await client.call(.get, "/ui/tekton/pipeline/go-pipeline/1.0.0")
            #expect(pipeline.text.contains("<a href=\"/ui/tekton/task/go/1.0.0\"><code>go</code></a>"))
            #expect(pipeline.text.contains("<code>deploy</code> <span class=\"image\">docker.io/bitnami/kubectl:1.31.4</span>"))
            // Its graph, drawn by the server: build, then deploy; notify in finally.
            #expect(pipeline.text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" role=\"img\""))
            #expect(pipeline.text.contains("<line class=\"edge\" data-from=\"build\" data-to=\"deploy\""))
            #expect(pipeline.text.contains("data-task=\"notify\"><rect") && pipeline.text.contains(">finally</text>"))
            #expect(!text.contains("<svg"))
            #expect(try await client.call(.get, "/ui/tekton/task/nope/1.0.0").status == .notFound)
            // `tkn hub` and the hub answers link here.
            let hub = try await client.call(.get, "/v1/resource/tekton/task/go/1.0.0")
            #expect(hub.json["data"]?["webURL"]?.stringValue?.hasSuffix("/ui/tekton/task/go/1.0.0") == true, "\(hub.text.prefix(400))")
        }
    }

    /// A README is shown, never run: its HTML is escaped and its links can only lead to pages.
    @Test func aReadmeCannotInjectAScript() async throws {
        let fixture = try await ServerFixture.bundled()
        let readme = """
            # Evil

            <script>alert(document.cookie)</script>

            <img src=x onerror=alert(1)>

            [click](javascript:alert(1)) and [fine](https://example.com/docs)

            ![x](data:image/svg+xml,hi)

            # Evil <b onmouseover=alert(1)>inline</b>
            """
        _ = try await fixture.store.publish(PublishRequest(document: Array(taskYAML("evil", "1.0.0", description: "A <b>bold</b> claim.").utf8),
                                                           sourcePath: "evil.yaml", readme: Array(readme.utf8)), author: ServerFixture.author)
        try await fixture.application().test(.router) { client in
            let page = try await client.call(.get, "/ui/tekton/task/evil/1.0.0")
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>") && !page.text.contains("<img src=x") && !page.text.contains("href=\"javascript:"))
            #expect(!page.text.contains("<b onmouseover"))
            #expect(page.text.contains("&lt;script&gt;") && page.text.contains("A &lt;b&gt;bold&lt;/b&gt; claim."))
            #expect(page.text.contains("<a href=\"https://example.com/docs\">fine</a>"))
            #expect(!page.text.contains("src=\"data:"))
        }
    }

    /// The run form: every mistake beside its field at once; then the run, and how to submit it.
    @Test func theRunFormChecksAndBinds() async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let form = try await client.call(.get, "/ui/tekton/pipeline/go-pipeline/1.0.0/run")
            #expect(form.status == .ok)
            #expect(form.text.contains("<input id=\"p-git-url\" name=\"p.git-url\" type=\"text\" value=\"\""))
            #expect(form.text.contains("name=\"ws.source\" type=\"text\" value=\"volumeClaimTemplate:1Gi\""))
            #expect(form.text.contains("<textarea id=\"p-test-args\" name=\"p.test-args\""))
            #expect(!form.text.contains("class=\"error\""))

            let mistakes = try await client.call(.get, "/ui/tekton/pipeline/go-pipeline/1.0.0/run?bind=1&p.git-url=ftp%3A%2F%2Fx&p.image="
                                                 + "&ws.source=volumeClaimTemplate%3Alots&run.name=Bad_Name")
            #expect(mistakes.status == .ok)
            func errorAfter(_ field: String) -> Bool {
                guard let start = mistakes.text.range(of: "id=\"\(field)\"") else { return false }
                let rest = mistakes.text[start.upperBound...]
                let next = [rest.range(of: "<div class=\"field\""), rest.range(of: "<div class=\"field invalid\"")]
                    .compactMap { $0?.lowerBound }.min() ?? rest.endIndex
                return rest[..<next].contains("class=\"error\"")
            }
            #expect(errorAfter("p-git-url") && errorAfter("p-image") && errorAfter("ws-source") && errorAfter("o-name"))
            #expect(!errorAfter("p-go-version"))
            #expect(!mistakes.text.contains("id=\"run-yaml\""))

            let good = try await client.call(.get, "/ui/tekton/pipeline/go-pipeline/1.0.0/run?bind=1"
                                             + "&p.git-url=https%3A%2F%2Fgithub.com%2Fexample%2Fapp.git&p.image=registry.example.com%2Fapp%3A1.0.0"
                                             + "&p.test-args=-count%3D1%0D%0A-v&ws.source=volumeClaimTemplate%3A2Gi&ws.docker-config=secret%3Aregcred"
                                             + "&run.name=app-build-1&run.serviceAccountName=deployer")
            #expect(good.status == .ok)
            #expect(good.text.contains("<code>kubectl apply -f app-build-1.yaml</code>"))
            #expect(good.text.contains("download=\"app-build-1.yaml\""))
            #expect(good.text.contains("kind: PipelineRun") && good.text.contains("name: app-build-1"))
            #expect(good.text.contains("- &quot;-count=1&quot;") || good.text.contains("- -count=1"))
            #expect(good.text.contains("secretName: regcred") && good.text.contains("serviceAccountName: deployer"))
            #expect(try await client.call(.get, "/ui/tekton/stepaction/git-clone/1.0.0/run").status == .notFound)
        }
    }

    /// A department's pages are the API's: invisible (404) to anyone outside it, shown to its members.
    @Test func aDepartmentsPagesAreItsOwn() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        try await fixture.application().test(.router) { client in
            let path = "/ui/payments/task/go/1.0.0"
            #expect(try await client.call(.get, path).status == .notFound)
            #expect(try await client.call(.get, path, token: fixture.logistics).status == .notFound)
            #expect(try await client.call(.get, path + "/run", token: fixture.logistics).status == .notFound)
            #expect(try await client.call(.get, path, token: fixture.payments).status == .ok)
            let search = try await client.call(.get, "/?q=go", token: fixture.logistics, headers: Self.html)
            #expect(!search.text.contains("/ui/payments/"))
            let own = try await client.call(.get, "/?q=go", token: fixture.payments, headers: Self.html)
            #expect(own.text.contains("href=\"/ui/payments/task/go/1.0.0\""))
        }
    }

    /// Signing in with a token gives a session cookie that stands for it on pages; forms must come from our pages.
    @Test func signingInAndOut() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        try await fixture.application().test(.router) { client in
            let form = try await client.call(.get, "/ui/sign-in")
            let csrfCookie = try #require(form.headers[values: .setCookie].first { $0.hasPrefix("stepyard_csrf=") })
            #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Strict") && !csrfCookie.contains("Secure"))
            let csrf = String(csrfCookie.dropFirst("stepyard_csrf=".count).prefix { $0 != ";" })
            #expect(form.text.contains("name=\"csrf\" value=\"\(csrf)\""))
            let formType = "application/x-www-form-urlencoded"
            let cookie = ["Cookie": "stepyard_csrf=\(csrf)", "Accept": "text/html"]

            // A post that does not repeat the page's CSRF value is refused, whatever it carries.
            let forged = try await client.call(.post, "/ui/sign-in", body: "token=\(fixture.payments)&csrf=forged", contentType: formType, headers: cookie)
            #expect(forged.status == .forbidden && forged.headers[.setCookie] == nil)
            let noCookie = try await client.call(.post, "/ui/sign-in", body: "token=\(fixture.payments)&csrf=\(csrf)", contentType: formType)
            #expect(noCookie.status == .forbidden)
            // An unknown token: the page again, saying so; no session.
            let unknown = try await client.call(.post, "/ui/sign-in", body: "token=sy_nope&csrf=\(csrf)", contentType: formType, headers: cookie)
            #expect(unknown.status == .ok && unknown.text.contains("not known") && unknown.headers[.setCookie] == nil)

            let signedIn = try await client.call(.post, "/ui/sign-in", body: "token=\(fixture.payments)&csrf=\(csrf)", contentType: formType, headers: cookie)
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/")
            let sessionCookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("stepyard_session=") })
            #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict") && sessionCookie.contains("Max-Age=43200"))
            #expect(!sessionCookie.contains(fixture.payments))
            let session = String(sessionCookie.dropFirst("stepyard_session=".count).prefix { $0 != ";" })
            let browser = ["Cookie": "stepyard_csrf=\(csrf); stepyard_session=\(session)", "Accept": "text/html"]

            let own = try await client.call(.get, "/ui/payments/task/go/1.0.0", headers: browser)
            #expect(own.status == .ok && own.text.contains("Signed in as Pam Payments"))
            // The session is for pages and reads, not for the API's changes.
            let put = try await client.call(.put, "/api/v1/resources/payments/task/other/1.0.0", body: taskYAML("other", "1.0.0"),
                                            contentType: "application/yaml", headers: browser)
            #expect(put.status == .unauthorized)

            let signedOut = try await client.call(.post, "/ui/sign-out", body: "csrf=\(csrf)", contentType: formType, headers: browser)
            #expect(signedOut.status == .seeOther)
            #expect(signedOut.headers[values: .setCookie].contains { $0.hasPrefix("stepyard_session=;") && $0.contains("Max-Age=0") })
            #expect(try await client.call(.get, "/ui/payments/task/go/1.0.0", headers: browser).status == .notFound)
        }
        // With anonymous read off, a browser is sent to sign in; the sign-in page itself stays open.
        try await fixture.application { $0.anonymousRead = false }.test(.router) { client in
            let closed = try await client.call(.get, "/", headers: Self.html)
            #expect(closed.status == .unauthorized && closed.text.contains("href=\"/ui/sign-in\""))
            #expect(try await client.call(.get, "/ui/sign-in").status == .ok)
            #expect(try await client.call(.get, "/ui/static/style.css").status == .ok)
        }
        // Behind an https public URL the cookies are Secure.
        try await fixture.application { $0.publicURL = "https://stepyard.example.com" }.test(.router) { client in
            let form = try await client.call(.get, "/ui/sign-in")
            #expect(form.headers[values: .setCookie].allSatisfy { $0.contains("; Secure") })
        }
    }

    /// Compare: two versions' change report; a fork against its upstream, for its department only.
    @Test func comparingVersionsAndAFork() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.application().test(.router) { client in
            let two = try await client.call(.get, "/ui/tekton/task/git-clone/compare?from=0.8&to=0.9")
            #expect(two.status == .ok && two.text.contains("0.8 → 0.9:"))
            #expect(two.text.contains("<table class=\"changes\">") && two.text.contains("<option value=\"0.8\" selected>"))
            // Without versions: the newest against the one before.
            let latest = try await client.call(.get, "/ui/tekton/task/git-clone/compare")
            #expect(latest.status == .ok && latest.text.contains("0.9 → 0.10:"), "\(latest.text.suffix(600))")
            let fork = try await client.call(.get, "/ui/payments/task/git-clone/compare", token: fixture.payments)
            #expect(fork.status == .ok && fork.text.contains("against its upstream task/git-clone@0.9"), "\(fork.text.suffix(800))")
            #expect(try await client.call(.get, "/ui/payments/task/git-clone/compare", token: fixture.logistics).status == .notFound)
            let unknown = try await client.call(.get, "/ui/tekton/task/git-clone/compare?from=0.8&to=7.0")
            #expect(unknown.status == .ok && unknown.text.contains("class=\"error\""))
        }
    }

    /// Search finds templates by their steps' names and the images they run (a Task through the StepActions it
    /// uses); a name match ranks above text.
    @Test(arguments: [
        ("kaniko", "kaniko-build", true),     // a name, though many READMEs mention kaniko
        ("golangci", "golangci-lint", true),
        ("bitnami", "deploy-kubectl", false), // a Task whose step ref runs docker.io/bitnami/kubectl
        ("aquasec", "go", false),             // the go Task's scan step runs docker.io/aquasec/trivy
    ])
    func searchFindsStepsImagesAndNamesFirst(_ text: String, _ name: String, _ first: Bool) async throws {
        let fixture = try await ServerFixture.bundled()
        try await fixture.application().test(.router) { client in
            let names = try await client.call(.get, "/api/v1/search?q=\(text)&limit=100").json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(first ? names.first == name : names.contains(name), "\(names)")
        }
    }

    /// Facets count the whole result, narrow it as links, and a chosen value links back to the wider list; yanked and
    /// deprecated resources carry their badges in the listing.
    @Test func facetsNarrowAndBadgesShow() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.yank(try ResourceRef(parsing: "stepaction/trivy-scan@1.0.0"), author: ServerFixture.author)
        try await fixture.application().test(.router) { client in
            let all = try await client.call(.get, "/?q=go", headers: Self.html)
            #expect(all.text.contains("<a href=\"/?q=go&amp;kind=pipeline\">pipeline</a> <span class=\"n\">"))
            #expect(all.text.contains("<h2 id=\"facet-language\">Language</h2>") && all.text.contains("<h2 id=\"facet-category\">Category</h2>"))
            let go = try await client.call(.get, "/?q=go&language=go", headers: Self.html)
            let hits = go.text.components(separatedBy: "<li class=\"hit\">").dropFirst()
            #expect(!hits.isEmpty && hits.allSatisfy { $0.contains("<span class=\"badge lang\">go</span>") })
            #expect(go.text.contains("aria-current=\"true\" class=\"selected\">go</a>") && go.text.contains("class=\"clear\" href=\"/?q=go\""))
            let tagged = try await client.call(.get, "/?tag=kaniko", headers: Self.html)
            #expect(tagged.text.contains(">kaniko-build</a>") && tagged.text.contains("<input type=\"hidden\" name=\"tag\" value=\"kaniko\">"))
            let trivy = try await client.call(.get, "/?q=trivy-scan", headers: Self.html)
            #expect(trivy.text.contains("<span class=\"badge yanked\">yanked</span>"))
            #expect(try await client.call(.get, "/api/v1/search?q=trivy-scan").json["items"]?[0]?["yanked"] == .bool(true))
        }
    }

    /// From the pages a member forks an organisation template and upgrades a fork, settling its conflict; the forms
    /// need the page's CSRF value, and another department cannot reach either.
    @Test func forkAndUpgradeFromThePages() async throws {
        let fixture = try await ServerFixture.bundled()
        let store = fixture.store, author = ServerFixture.author
        func publish(_ yaml: String, department: String? = nil) async throws {
            _ = try await store.publish(PublishRequest(document: Array(yaml.utf8), sourcePath: "tool.yaml", department: department), author: author)
        }
        try await publish(taskYAML("tool", "1.0.0"))
        _ = try await store.fork(try ResourceRef(parsing: "task/tool@1.0.0"), department: "payments", author: author)
        try await publish(taskYAML("tool", "1.0.1", image: "alpine:3.21"), department: "payments")
        try await publish(taskYAML("tool", "1.1.0", image: "alpine:3.22"))
        let csrf = String(repeating: "ab", count: 32)
        let form = "application/x-www-form-urlencoded"
        let browser = ["Cookie": "stepyard_csrf=\(csrf)", "Accept": "text/html"]
        try await fixture.application().test(.router) { client in
            // The fork form: for members, into the departments they may change.
            let page = try await client.call(.get, "/ui/tekton/task/tool/1.0.0", token: fixture.payments)
            #expect(page.text.contains("<form class=\"fork\" action=\"/ui/tekton/task/tool/1.0.0/fork\""))
            #expect(page.text.contains("<option value=\"payments\">payments</option>") && !page.text.contains("<option value=\"logistics\">"))
            #expect(!(try await client.call(.get, "/ui/tekton/task/tool/1.0.0")).text.contains("class=\"fork\""))

            let forged = try await client.call(.post, "/ui/tekton/task/tool/1.0.0/fork", token: fixture.payments,
                                               body: "csrf=guess&department=payments&name=tool-own", contentType: form, headers: browser)
            #expect(forged.status == .forbidden)
            let foreign = try await client.call(.post, "/ui/tekton/task/tool/1.0.0/fork", token: fixture.logistics,
                                                body: "csrf=\(csrf)&department=payments&name=tool-own", contentType: form, headers: browser)
            #expect(foreign.status == .notFound)
            #expect((try? await store.versions(of: try ResourceRef(parsing: "payments/task/tool-own"))) == nil)
            let forked = try await client.call(.post, "/ui/tekton/task/tool/1.0.0/fork", token: fixture.payments,
                                               body: "csrf=\(csrf)&department=payments&name=tool-own", contentType: form, headers: browser)
            #expect(forked.status == .seeOther && forked.headers[.location] == "/ui/payments/task/tool-own/1.0.0")
            let forkPage = try await client.call(.get, "/ui/payments/task/tool-own/1.0.0", token: fixture.payments)
            #expect(forkPage.text.contains("Of <a href=\"/ui/tekton/task/tool/1.0.0\">task/tool@1.0.0</a>"))
            #expect(forkPage.text.contains("Preview the upgrade to 1.1.0"))

            // The upgrade preview: the conflict with its choice; nothing is written until it is settled.
            let preview = try await client.call(.get, "/ui/payments/task/tool/upgrade", token: fixture.payments)
            #expect(preview.status == .ok && preview.text.contains("1 conflict"))
            #expect(preview.text.contains("<option value=\"spec.steps[build].image=theirs\">theirs</option>"))
            #expect(preview.text.contains("<code>alpine:3.21</code></td><td><code>alpine:3.22</code>"))
            #expect(try await client.call(.get, "/ui/payments/task/tool/upgrade", token: fixture.logistics).status == .notFound)
            let unsettled = try await client.call(.post, "/ui/payments/task/tool/upgrade", token: fixture.payments,
                                                  body: "csrf=\(csrf)&to=1.1.0", contentType: form, headers: browser)
            #expect(unsettled.status == .ok && unsettled.text.contains("Nothing was published: choose ours or theirs for spec.steps[build].image"))
            #expect(try await store.versions(of: try ResourceRef(parsing: "payments/task/tool")).map(\.version) == ["1.0.0", "1.0.1"])
            let reader = try await client.call(.post, "/ui/payments/task/tool/upgrade", token: fixture.logistics,
                                               body: "csrf=\(csrf)&to=1.1.0&resolve=spec.steps%5Bbuild%5D.image%3Dtheirs", contentType: form, headers: browser)
            #expect(reader.status == .notFound)
            let settled = try await client.call(.post, "/ui/payments/task/tool/upgrade", token: fixture.payments,
                                                body: "csrf=\(csrf)&to=1.1.0&resolve=spec.steps%5Bbuild%5D.image%3Dtheirs", contentType: form, headers: browser)
            #expect(settled.status == .seeOther && settled.headers[.location] == "/ui/payments/task/tool/1.1.0")
            let (_, bytes) = try await store.content(of: try ResourceRef(parsing: "payments/task/tool@1.1.0"))
            #expect(String(decoding: bytes, as: UTF8.self).contains("image: alpine:3.22"))
            let upgraded = try await client.call(.get, "/ui/payments/task/tool/1.1.0", token: fixture.payments)
            #expect(upgraded.text.contains("task/tool@1.1.0</a>") && upgraded.text.contains("It is up to date with its upstream."))
        }
    }

    /// Pages are kept per reach and per repository state: a member's page never reaches another department or an
    /// anonymous browser, and a publish shows at once.
    @Test func cachedPagesKeepToTheirReachAndState() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        try await fixture.application().test(.router) { client in
            for _ in 0..<2 {
                #expect(try await client.call(.get, "/?q=go", token: fixture.payments, headers: Self.html).text.contains("/ui/payments/task/go/1.0.0"))
                #expect(!(try await client.call(.get, "/?q=go", token: fixture.logistics, headers: Self.html)).text.contains("/ui/payments/"))
                #expect(!(try await client.call(.get, "/?q=go", headers: Self.html)).text.contains("/ui/payments/"))
            }
            let before = try await client.call(.get, "/ui/tekton/task/go/1.0.0")
            #expect(!before.text.contains(">1.1.0</a>"))
            var yaml = String(decoding: try await fixture.store.content(of: try ResourceRef(parsing: "task/go@1.0.0")).1, as: UTF8.self)
            yaml = yaml.replacingOccurrences(of: "app.kubernetes.io/version: \"1.0.0\"", with: "app.kubernetes.io/version: \"1.1.0\"")
            let put = try await client.call(.put, "/api/v1/resources/tekton/task/go/1.1.0", token: fixture.publisher, body: yaml, contentType: "application/yaml")
            #expect(put.status == .created, "\(put.text)")
            #expect(try await client.call(.get, "/ui/tekton/task/go/1.0.0").text.contains(">1.1.0</a>"))
            // The same CSRF value in every cached copy is the browser's own.
            let csrf = String(repeating: "cd", count: 32)
            let run = try await client.call(.get, "/ui/tekton/task/go/1.0.0", token: fixture.payments, headers: ["Cookie": "stepyard_csrf=\(csrf)"])
            #expect(run.text.contains("name=\"csrf\" value=\"\(csrf)\"") && !run.text.contains(PageCache.csrfMarker))
        }
    }

    @Test func pageCacheDropsAnOlderStateAndKeepsItsSize() {
        let cache = PageCache(capacity: 2)
        cache.keep(PageCache.Page(title: "a", content: "A"), under: "a", generation: 1)
        cache.keep(PageCache.Page(title: "b", content: "B"), under: "b", generation: 1)
        cache.keep(PageCache.Page(title: "c", content: "C"), under: "c", generation: 1)
        #expect(cache.page("a", generation: 1) == nil && cache.page("c", generation: 1)?.content == "C" && cache.count == 2)
        #expect(cache.page("c", generation: 2) == nil)
        cache.keep(PageCache.Page(title: "d", content: "D"), under: "d", generation: 2)
        #expect(cache.count == 1 && cache.page("b", generation: 1) == nil)
        // A page rendered from an older state than the cache now holds is not kept.
        cache.keep(PageCache.Page(title: "e", content: "E"), under: "e", generation: 1)
        #expect(cache.page("e", generation: 1) == nil && cache.page("e", generation: 2) == nil)
        // A budget of bytes as well as of pages.
        let small = PageCache(capacity: 100, maxBytes: 40)
        for name in ["a", "b", "c"] { small.keep(PageCache.Page(title: "", content: String(repeating: "x", count: 10)), under: name, generation: 1) }
        #expect(small.count == 3 && small.bytes == 30)
        small.keep(PageCache.Page(title: "", content: String(repeating: "y", count: 10)), under: "d", generation: 1)
        small.keep(PageCache.Page(title: "", content: String(repeating: "z", count: 10)), under: "e", generation: 1)
        #expect(small.count == 4 && small.bytes == 40 && small.page("a", generation: 1) == nil)
        small.keep(PageCache.Page(title: "", content: String(repeating: "w", count: 11)), under: "big", generation: 1)
        #expect(small.page("big", generation: 1) == nil)
        let off = PageCache(capacity: 0)
        off.keep(PageCache.Page(title: "a", content: "A"), under: "a", generation: 1)
        #expect(off.count == 0)
    }

    /// The run form checks as you type through the validate route, which takes a signed-in browser's session (it
    /// changes nothing); other POSTs do not.
    @Test func theValidateRouteTakesASession() async throws {
        let fixture = try await ServerFixture.bundled()
        _ = try await fixture.store.fork(try ResourceRef(parsing: "task/go@1.0.0"), department: "payments", author: ServerFixture.author)
        try await fixture.application().test(.router) { client in
            let form = try await client.call(.get, "/ui/tekton/task/go/1.0.0/run")
            #expect(form.text.contains("data-validate=\"/api/v1/resources/tekton/task/go/1.0.0/validate\""))
            #expect(form.text.contains("data-param=\"git-url\" data-type=\"string\"") && form.text.contains("<script src=\"/ui/static/run.js\" defer>"))
            let script = try await client.call(.get, "/ui/static/run.js")
            #expect(script.status == .ok && script.headers[.contentType] == "text/javascript; charset=utf-8")
            let session = try await client.signIn(fixture.payments)
            let path = "/api/v1/resources/payments/task/go/1.0.0/validate"
            let body = #"{"params": {"git-url": "ftp://x", "image": "registry.example.com/a:1"}}"#
            #expect(try await client.call(.post, path, body: body).status == .notFound)
            let checked = try await client.call(.post, path, body: body, headers: ["Cookie": session])
            #expect(checked.status == .unprocessableContent && checked.json["errors"]?[0]?["pointer"] == "/params/git-url")
            let put = try await client.call(.put, "/api/v1/resources/payments/task/other/1.0.0", body: taskYAML("other", "1.0.0"),
                                            contentType: "application/yaml", headers: ["Cookie": session])
            #expect(put.status == .unauthorized)
        }
    }

    /// The graph's columns follow runAfter and result references; finally comes last; names are escaped.
    @Test func pipelineGraphLayout() throws {
        let spec: JSONValue = try JSONValue(parsingJSON: """
            {"tasks": [{"name": "clone"}, {"name": "test", "runAfter": ["clone"]}, {"name": "lint", "runAfter": ["clone"]},
                       {"name": "image", "params": [{"name": "commit", "value": "$(tasks.test.results.commit)"}]}],
             "finally": [{"name": "notify"}]}
            """)
        let nodes = PipelineGraph.nodes(of: spec)
        #expect(nodes.map(\.name) == ["clone", "test", "lint", "image", "notify"])
        #expect(nodes[3].after == ["test"] && nodes[4].isFinally)
        let svg = try #require(PipelineGraph.svg(of: spec, title: "a <b> title"))
        #expect(svg.contains("<title id=\"graph-title\">a &lt;b&gt; title</title>"))
        #expect(svg.contains("data-from=\"test\" data-to=\"image\""))
        // Columns: clone 0; test, lint 1; image 2; notify 3 (x = 16 + column × 230).
        #expect(svg.contains("data-task=\"image\"><rect x=\"476\"") && svg.contains("data-task=\"notify\"><rect x=\"706\""))
        #expect(PipelineGraph.svg(of: ["tasks": []], title: "none") == nil)
    }
}
