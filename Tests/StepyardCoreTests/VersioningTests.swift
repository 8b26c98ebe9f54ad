import Testing
@testable import StepyardCore

@Suite("Versions and references")
struct VersioningTests {
    /// Strict semver and Tekton's two-part versions parse; everything else does not.
    @Test func parsing() {
        for good in ["1.2.3", "0.9", "0.10", "1.0.0-rc.1", "1.0.0+build.5", "1.0.0-alpha-1.2+x"] {
            #expect(ResourceVersion(good) != nil, "\(good)")
        }
        for bad in ["", "1", "01.2.3", "1.2.3-", "1.2.3-01", "v1.2.3", "1.2.3.4", "1.2-rc.1", "a.b.c", "1..2", "1.2.3+", "-1.2.3", "1.2.3 "] {
            #expect(ResourceVersion(bad) == nil, "\(bad)")
        }
        #expect(ResourceVersion("0.9")?.normalized == "0.9.0")
        #expect(ResourceVersion("0.9")!.isSameVersion(as: ResourceVersion("0.9.0")!))
    }

    /// Semver order, with 0.10 after 0.9 and pre-releases before their release.
    @Test func ordering() {
        let sorted = ["0.10", "1.0.0", "0.9", "1.0.0-rc.1", "0.2.1", "1.0.0-alpha"].compactMap(ResourceVersion.init).sorted().map(\.spelling)
        #expect(sorted == ["0.2.1", "0.9", "0.10", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0"])
    }

    func pick(_ requirement: String, _ versions: [String], yanked: Set<String> = []) -> String? {
        let candidates = versions.map { (version: ResourceVersion($0)!, yanked: yanked.contains($0)) }
        return VersionRequirement(requirement)?.select(from: candidates)?.spelling
    }

    /// Ranges pick the highest matching release; pre-releases only by name; yanked never by a range.
    @Test func ranges() {
        let all = ["0.9", "1.0.0", "1.2.0", "1.2.5", "1.3.0", "2.0.0-rc.1", "2.0.0", "2.1.0"]
        #expect(pick("^1.2", all) == "1.3.0")
        #expect(pick("~1.2.3", all) == "1.2.5")
        #expect(pick("~1.2", all) == "1.2.5")
        #expect(pick(">=1.0.0 <2.0.0", all) == "1.3.0")
        #expect(pick("1", all) == "1.3.0")
        #expect(pick("1.2", all) == "1.2.5")
        #expect(pick("0.9", all) == "0.9")
        #expect(pick("latest", all) == "2.1.0")
        #expect(pick("^2.0.0-rc.1", ["2.0.0-rc.1"]) == "2.0.0-rc.1")
        #expect(pick("^2", ["2.0.0-rc.1"]) == nil)
        #expect(pick("2.0.0-rc.1", all) == "2.0.0-rc.1")
        #expect(pick("^1.2", all, yanked: ["1.3.0"]) == "1.2.5")
        #expect(pick("1.3.0", all, yanked: ["1.3.0"]) == "1.3.0")
        #expect(pick("^0.9", ["0.9", "0.10"]) == "0.9")
        #expect(pick("^3", all) == nil)
        #expect(pick("0.9.0", ["0.9"]) == "0.9")
        for bad in ["^", "~x", ">=", "1.2.3.4", "^1.2.3.4", "latest!", ">=1.0.0 <"] {
            #expect(VersionRequirement(bad) == nil, "\(bad)")
        }
    }

    /// References read `[namespace/]kind/name[@version]` and name the part that is wrong.
    @Test func references() throws {
        let ref = try ResourceRef(parsing: "payments/task/go-build@^1")
        #expect(ref.namespace == "payments" && ref.kind == .task && ref.name == "go-build")
        #expect(ref.selector == .requirement(VersionRequirement("^1")!))
        #expect(try ResourceRef(parsing: "stepaction/git-clone").selector == nil)
        let digest = "sha256:" + String(repeating: "a", count: 64)
        #expect(try ResourceRef(parsing: "task/x@" + digest).selector == .digest(digest))
        for bad in ["task", "widget/x", "task/X", "task/a..b", "task/x@not-a-version", "a/b/task/x", "task/x\u{1}", "task/", "task/x@sha256:12"] {
            #expect(throws: ReferenceError.self, "\(bad)") { try ResourceRef(parsing: bad) }
        }
    }

    /// Names refuse `..`, slashes, upper case and control characters with a reason.
    @Test func names() {
        #expect(ResourceName.problem(with: "git-clone") == nil)
        #expect(ResourceName.problem(with: "..")?.contains("..") == true)
        #expect(ResourceName.problem(with: "a/b")?.contains("slash") == true)
        #expect(ResourceName.problem(with: "Git")?.contains("lower-case") == true)
        #expect(ResourceName.problem(with: "a\nb")?.contains("control") == true)
        #expect(ResourceName.problem(with: String(repeating: "a", count: 64)) != nil)
    }

    /// The digest depends on the data, not on key order or YAML formatting.
    @Test func digests() throws {
        let a = try YAMLLoader().load(text: "b: 1\na: [x, 'y']\n")[0].value
        let b = try YAMLLoader().load(text: "# comment\na:\n  - \"x\"\n  - y\nb: 1.0\n")[0].value
        #expect(ContentDigest.of(a) == ContentDigest.of(b))
        #expect(ContentDigest.of(a).hasPrefix("sha256:") && ContentDigest.of(a).count == 71)
        let c = try YAMLLoader().load(text: "b: 2\na: [x, y]\n")[0].value
        #expect(ContentDigest.of(a) != ContentDigest.of(c))
    }
}
