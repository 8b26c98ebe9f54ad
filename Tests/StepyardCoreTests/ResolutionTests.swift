import Testing
@testable import StepyardCore

/// An in-memory catalog for resolution tests: `kind/name` → versions (spelling, yanked, YAML).
final class MemorySource: ResolutionSource {
    var entries: [String: [(version: String, yanked: Bool, yaml: String, namespace: String)]] = [:]

    func add(_ kind: ResourceKind, _ name: String, _ version: String, _ yaml: String, yanked: Bool = false, namespace: String = "tekton") {
        entries["\(kind.rawValue)/\(name)", default: []].append((version, yanked, yaml, namespace))
    }

    func version(of kind: ResourceKind, name: String, selector: VersionSelector?, in namespace: String?) throws -> SourceVersion? {
        let all = entries["\(kind.rawValue)/\(name)"] ?? []
        for ns in [namespace, "tekton"].compactMap({ $0 }) {
            let mine = all.filter { $0.namespace == ns }
            guard !mine.isEmpty else { continue }
            let requirement: VersionRequirement
            switch selector {
            case .requirement(let r)?: requirement = r
            default: requirement = .latest
            }
            guard let chosen = requirement.select(from: mine.map { (ResourceVersion($0.version)!, $0.yanked) }),
                  let entry = mine.first(where: { $0.version == chosen.spelling }) else { return nil }
            let resource = TektonResource(document: try YAMLLoader().load(text: entry.yaml)[0].value)!
            return SourceVersion(namespace: ns, kind: kind, name: name, version: entry.version, digest: ContentDigest.of(resource.document),
                                 resource: resource, isOrganisation: ns == "tekton")
        }
        return nil
    }
}

func stepActionYAML(_ name: String, _ spec: String) -> String {
    "apiVersion: tekton.dev/v1beta1\nkind: StepAction\nmetadata:\n  name: \(name)\nspec:\n" + spec.indented(2)
}

func taskYAML(_ spec: String, annotations: String = "{}") -> String {
    "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: demo\n  annotations: \(annotations)\nspec:\n" + spec.indented(2)
}

func resolve(_ source: MemorySource, _ kind: ResourceKind, _ name: String, namespace: String? = nil) throws -> Resolution {
    let root = try #require(try source.version(of: kind, name: name, selector: nil, in: namespace))
    return try Resolver(source: source, namespace: namespace).resolve(root)
}

@Suite("Resolution")
struct ResolutionTests {
    /// docs/stepactions.md "Declaring parameters": object keys, an array expanded in args, a default used.
    @Test func stepActionWithParams() throws {
        let source = MemorySource()
        source.add(.stepAction, "stepaction-using-params", "0.1.0", stepActionYAML("stepaction-using-params", """
            params:
              - name: gitrepo
                type: object
                properties: {url: {type: string}, commit: {type: string}}
              - name: flags
                type: array
              - name: outputPath
                type: string
                default: "/workspace"
            image: some-git-image
            args: ["-url=$(params.gitrepo.url)", "-revision=$(params.gitrepo.commit)", "-output=$(params.outputPath)", "$(params.flags[*])"]
            """))
        source.add(.task, "demo", "1.0.0", taskYAML("""
            steps:
              - name: clone
                ref: {name: stepaction-using-params}
                params:
                  - {name: gitrepo, value: {url: "https://example.com/repo.git", commit: abc123}}
                  - {name: flags, value: ["--depth", "1"]}
                computeResources: {requests: {cpu: 500m}}
                timeout: 5m
            """))
        let resolution = try resolve(source, .task, "demo")
        let step = try #require(resolution.document["spec"]?["steps"]?.arrayValue?.first)
        #expect(step == [
            "name": "clone", "image": "some-git-image",
            "args": ["-url=https://example.com/repo.git", "-revision=abc123", "-output=/workspace", "--depth", "1"],
            "computeResources": ["requests": ["cpu": "500m"]], "timeout": "5m",
        ])
        #expect(resolution.lock.map(\.reference) == ["stepaction/stepaction-using-params@0.1.0", "task/demo@1.0.0"])
    }

    /// Tekton's "params propagated from taskspec" example: Task params passed by reference stay references Tekton
    /// substitutes at run time (`$(params.array-param[0])` → `$(params.arrayparam[0])`, …).
    @Test func paramsPropagatedFromTheTask() throws {
        let source = MemorySource()
        source.add(.stepAction, "step-action", "0.1.0", stepActionYAML("step-action", """
            params:
              - {name: string-param}
              - {name: array-param, type: array}
              - {name: object-param, type: object, properties: {key: {type: string}}}
            image: alpine
            args: ["$(params.string-param)", "$(params.array-param[0])", "$(params.array-param[1])", "$(params.array-param[*])", "$(params.object-param.key)"]
            """))
        source.add(.task, "demo", "1.0.0", taskYAML("""
            params:
              - {name: stringparam, default: "taskspec string param"}
              - {name: arrayparam, type: array, default: [taskspec, array, param]}
              - {name: objectparam, type: object, properties: {key: {type: string}}, default: {key: "taskspec object param"}}
            steps:
              - ref: {name: step-action}
                params:
                  - {name: string-param, value: $(params.stringparam)}
                  - {name: array-param, value: "$(params.arrayparam[*])"}
                  - {name: object-param, value: "$(params.objectparam[*])"}
            """))
        let step = try #require(try resolve(source, .task, "demo").document["spec"]?["steps"]?.arrayValue?.first)
        #expect(step["args"] == ["$(params.stringparam)", "$(params.arrayparam[0])", "$(params.arrayparam[1])", "$(params.arrayparam[*])", "$(params.objectparam.key)"])
        #expect(step["ref"] == nil && step["params"] == nil)
    }

    /// The basic StepAction of the docs: env, command and args become the step; Tekton replaces image, workingDir and
    /// securityContext with the StepAction's (set or not); results become step results, typed as Tekton defaulted them.
    @Test func fieldsComeFromTheStepAction() throws {
        let source = MemorySource()
        source.add(.stepAction, "example-stepaction-name", "0.1.0", stepActionYAML("example-stepaction-name", """
            env: [{name: HOME, value: /home}]
            image: ubuntu
            command: ["ls"]
            args: ["-lh"]
            results: [{name: listing}]
            """))
        source.add(.task, "demo", "1.0.0", taskYAML("""
            steps:
              - name: list
                ref: {name: example-stepaction-name}
                securityContext: {runAsUser: 0}
                onError: continue
            """))
        let step = try #require(try resolve(source, .task, "demo").document["spec"]?["steps"]?.arrayValue?.first)
        #expect(step == ["name": "list", "image": "ubuntu", "command": ["ls"], "args": ["-lh"], "env": [["name": "HOME", "value": "/home"]],
                         "results": [["name": "listing", "type": "string"]], "onError": "continue"])
    }

    /// Defaults may use other params; extra or missing params, and circular defaults, are errors naming the step.
    @Test func paramBindingRules() throws {
        let source = MemorySource()
        source.add(.stepAction, "greet", "0.1.0", stepActionYAML("greet", """
            params:
              - {name: name}
              - {name: greeting, default: "hello $(params.name)"}
            image: alpine
            env: [{name: MESSAGE, value: $(params.greeting)}]
            script: echo "$MESSAGE"
            """))
        source.add(.stepAction, "loop", "0.1.0", stepActionYAML("loop", """
            params:
              - {name: a, default: "$(params.b)"}
              - {name: b, default: "$(params.a)"}
            image: alpine
            """))
        source.add(.task, "demo", "1.0.0", taskYAML("steps:\n  - {name: s, ref: {name: greet}, params: [{name: name, value: world}]}\n"))
        let step = try #require(try resolve(source, .task, "demo").document["spec"]?["steps"]?.arrayValue?.first)
        #expect(step["env"] == [["name": "MESSAGE", "value": "hello world"]])
        for (steps, message) in [
            ("steps:\n  - {name: s, ref: {name: greet}, params: [{name: name, value: x}, {name: nope, value: y}]}\n", "extra params"),
            ("steps:\n  - {name: s, ref: {name: greet}}\n", "non-existent params in Step: [\"name\"]"),
            ("steps:\n  - {name: s, ref: {name: loop}}\n", "circular"),
            ("steps:\n  - {name: s, ref: {name: missing}}\n", "stepaction/missing@latest not found (used by task/other@1.0.0)"),
        ] {
            source.entries["task/other"] = nil
            source.add(.task, "other", "1.0.0", taskYAML(steps))
            #expect { _ = try resolve(source, .task, "other") } throws: { error in "\(error)".contains(message) }
        }
    }

    /// Pins choose versions; yanked versions are skipped by ranges; the lock records what was used.
    @Test func pinsAndLock() throws {
        let source = MemorySource()
        for (v, yanked) in [("1.0.0", false), ("1.1.0", false), ("1.2.0", true), ("2.0.0", false)] {
            source.add(.stepAction, "build", v, stepActionYAML("build", "image: builder:\(v)\n"), yanked: yanked)
        }
        source.add(.task, "demo", "1.0.0", taskYAML("steps:\n  - {name: b, ref: {name: build}}\n", annotations: "{stepyard.dev/steps: \"build@^1\"}"))
        let resolution = try resolve(source, .task, "demo")
        #expect(resolution.document["spec"]?["steps"]?[0]?["image"] == "builder:1.1.0")
        #expect(resolution.lock.map(\.reference).contains("stepaction/build@1.1.0"))
        // Same inputs, same bytes and digest; no ref left.
        let again = try resolve(source, .task, "demo")
        #expect(again.yaml == resolution.yaml && again.digest == resolution.digest)
        #expect(!resolution.yaml.contains("ref:"))
        #expect(resolution.document["metadata"]?["annotations"]?[Resolver.digestAnnotation] == .string(resolution.digest))
    }

    /// A department's own StepAction comes before the organisation's.
    @Test func departmentFirst() throws {
        let source = MemorySource()
        source.add(.stepAction, "build", "1.0.0", stepActionYAML("build", "image: org-builder\n"))
        source.add(.stepAction, "build", "1.0.0", stepActionYAML("build", "image: payments-builder\n"), namespace: "payments")
        source.add(.task, "demo", "1.0.0", taskYAML("steps:\n  - {name: b, ref: {name: build}}\n"))
        #expect(try resolve(source, .task, "demo").document["spec"]?["steps"]?[0]?["image"] == "org-builder")
        let mine = try resolve(source, .task, "demo", namespace: "payments")
        #expect(mine.document["spec"]?["steps"]?[0]?["image"] == "payments-builder")
        #expect(mine.lock.map(\.reference).contains("payments/stepaction/build@1.0.0"))
    }

    /// Pipelines embed each referenced Task resolved; bound values make a PipelineRun with workspaces.
    @Test func pipelines() throws {
        let source = MemorySource()
        source.add(.stepAction, "build", "1.0.0", stepActionYAML("build", "params: [{name: image}]\nimage: builder\nargs: [\"--destination=$(params.image)\"]\n"))
        source.add(.task, "build", "1.0.0", taskYAML("params: [{name: image}]\nworkspaces: [{name: source}]\nsteps:\n  - {name: b, ref: {name: build}, params: [{name: image, value: $(params.image)}]}\n")
                    .replacingOccurrences(of: "name: demo", with: "name: build"))
        source.add(.pipeline, "ci", "1.0.0", """
            apiVersion: tekton.dev/v1beta1
            kind: Pipeline
            metadata: {name: ci}
            spec:
              params: [{name: image}, {name: revision, default: main}]
              workspaces: [{name: shared}]
              tasks:
                - name: build
                  taskRef: {name: build}
                  params: [{name: image, value: $(params.image)}]
                  workspaces: [{name: source, workspace: shared}]
            """)
        let resolution = try resolve(source, .pipeline, "ci")
        let task = try #require(resolution.document["spec"]?["tasks"]?[0])
        #expect(task["taskRef"] == nil)
        #expect(task["taskSpec"]?["steps"]?[0]?["args"] == ["--destination=$(params.image)"])
        #expect(resolution.document["apiVersion"] == "tekton.dev/v1")
        #expect(resolution.lock.map(\.reference) == ["pipeline/ci@1.0.0", "stepaction/build@1.0.0", "task/build@1.0.0"])
        // Binding: the required workspace must be bound, and is bound as asked.
        let unbound = RunBinder.run(for: resolution, request: RunRequest(values: ["image": "registry.example.com/app:1"]))
        #expect(throws: RunProblems.self) { try unbound.get() }
        var request = RunRequest(values: ["image": "registry.example.com/app:1"])
        request.workspaces["shared"] = .init(.persistentVolumeClaim("ci-sources"), subPath: "app")
        request.taskServiceAccountNames["build"] = "builder"
        let run = try RunBinder.run(for: resolution, request: request).get()
        #expect(run["kind"] == "PipelineRun")
        #expect(run["metadata"]?["generateName"] == "ci-")
        #expect(run["spec"]?["params"] == [["name": "image", "value": "registry.example.com/app:1"], ["name": "revision", "value": "main"]])
        #expect(run["spec"]?["workspaces"] == [["name": "shared", "subPath": "app", "persistentVolumeClaim": ["claimName": "ci-sources"]]])
        #expect(run["spec"]?["taskRunSpecs"] == [["pipelineTaskName": "build", "serviceAccountName": "builder"]])
        #expect(run["spec"]?["pipelineSpec"]?["tasks"] != nil)
    }
}
