import Testing
@testable import StepyardCore

/// One rule, a document that breaks it and one that keeps it.
struct RuleCase: CustomTestStringConvertible, Sendable {
    var rule: String
    var failing: String
    var passing: String
    /// The cluster's feature flags the passing document is linted for (the failing one: Tekton's defaults).
    var passingFlags: [String: String] = [:]
    var testDescription: String { rule }
}

/// A v1 Task with the given `spec` body (indented two spaces under `spec:`).
func task(_ spec: String, name: String = "demo", apiVersion: String = "tekton.dev/v1") -> String {
    "apiVersion: \(apiVersion)\nkind: Task\nmetadata:\n  name: \(name)\nspec:\n" + spec.indented(2)
}

func stepAction(_ spec: String) -> String {
    "apiVersion: tekton.dev/v1beta1\nkind: StepAction\nmetadata:\n  name: demo\nspec:\n" + spec.indented(2)
}

func pipeline(_ spec: String) -> String {
    "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: demo\nspec:\n" + spec.indented(2)
}

extension String {
    func indented(_ n: Int) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : String(repeating: " ", count: n) + $0 }.joined(separator: "\n") + "\n"
    }
}

/// The rules (error or warning) the linter reports for a document at `path`.
func ruleIDs(_ yaml: String, path: String = "demo.yaml", flags: [String: String] = [:]) -> [String] {
    let file = LoadedFile(path: path, bytes: Array(yaml.utf8))
    return Linter(flags: try! FeatureFlags(flags)).lint(file).filter { $0.severity != .note }.map(\.rule)
}

let paramEnum = ["enable-param-enum": "true"]

let step = "steps:\n  - name: build\n    image: alpine:3.20\n    script: echo hi\n"

let ruleCases: [RuleCase] = [
    RuleCase(rule: "tekton.api-version", failing: task(step, apiVersion: "tekton.dev/v2"), passing: task(step, apiVersion: "tekton.dev/v1beta1")),
    RuleCase(rule: "tekton.field-type", failing: task("steps:\n  - name: build\n    image: alpine\n    command: echo"), passing: task("steps:\n  - name: build\n    image: alpine\n    command: [echo]")),
    RuleCase(rule: "tekton.name", failing: task(step, name: "MyTask"), passing: task(step, name: "my.task")),
    RuleCase(rule: "tekton.name", failing: task(step, name: String(repeating: "a", count: 64)), passing: task(step, name: String(repeating: "a", count: 63))),
    RuleCase(rule: "tekton.unknown-field", failing: task("steps:\n  - name: a\n    image: x\n    scirpt: echo\n"), passing: task(step)),
    RuleCase(rule: "stepyard.name", failing: "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  generateName: x-\nspec:\n" + step.indented(2), passing: task(step)),
    RuleCase(rule: "tekton.param-name", failing: task("params:\n  - name: 1url\n" + step), passing: task("params:\n  - name: _url.v2\n" + step)),
    RuleCase(rule: "tekton.param-name", failing: task("params:\n  - name: cfg\n    type: object\n    properties:\n      a.b: {}\n" + step), passing: task("params:\n  - name: cfg\n    type: object\n    properties:\n      a-b: {}\n" + step)),
    RuleCase(rule: "tekton.param-unique", failing: task("params:\n  - name: a\n  - name: a\n" + step), passing: task("params:\n  - name: a\n  - name: b\n" + step)),
    RuleCase(rule: "tekton.param-type", failing: task("params:\n  - name: a\n    type: int\n" + step), passing: task("params:\n  - name: a\n    type: string\n" + step)),
    RuleCase(rule: "tekton.param-default", failing: task("params:\n  - name: a\n    type: array\n    default: x\n" + step), passing: task("params:\n  - name: a\n    type: array\n    default: [x]\n" + step)),
    RuleCase(rule: "tekton.param-default", failing: task("params:\n  - name: a\n    type: string\n    default: [x]\n" + step), passing: task("params:\n  - name: a\n    type: string\n    default: 3\n" + step)),
    RuleCase(rule: "tekton.param-object", failing: task("params:\n  - name: a\n    type: object\n" + step), passing: task("params:\n  - name: a\n    type: object\n    properties:\n      k: {type: string}\n" + step)),
    RuleCase(rule: "tekton.param-object", failing: task("params:\n  - name: a\n    properties:\n      k: {type: array}\n" + step), passing: task("params:\n  - name: a\n    properties:\n      k: {}\n" + step)),
    RuleCase(rule: "tekton.param-enum", failing: task("params:\n  - name: a\n    enum: [x, y]\n    default: z\n" + step), passing: task("params:\n  - name: a\n    enum: [x, y]\n    default: x\n" + step), passingFlags: paramEnum),
    RuleCase(rule: "tekton.param-enum", failing: task("params:\n  - name: a\n    type: array\n    enum: [x]\n" + step), passing: task("params:\n  - name: a\n    enum: [x]\n" + step), passingFlags: paramEnum),
    RuleCase(rule: "tekton.param-enum", failing: task("params:\n  - name: a\n    enum: [x, x]\n" + step), passing: task("params:\n  - name: a\n    enum: []\n" + step), passingFlags: paramEnum),
    RuleCase(rule: "tekton.feature-flag", failing: task("params:\n  - name: a\n    enum: [x]\n" + step), passing: task("params:\n  - name: a\n" + step)),
    RuleCase(rule: "tekton.steps-required", failing: task("description: nothing\n"), passing: task(step)),
    RuleCase(rule: "tekton.step-name", failing: task("steps:\n  - name: Build_It\n    image: alpine\n"), passing: task("steps:\n  - name: build-it\n    image: alpine\n")),
    RuleCase(rule: "tekton.step-unique", failing: task("steps:\n  - {name: a, image: x}\n  - {name: a, image: x}\n"), passing: task("steps:\n  - {name: a, image: x}\n  - {name: b, image: x}\n  - {image: x}\n  - {image: x}\n")),
    RuleCase(rule: "tekton.step-image", failing: task("steps:\n  - name: a\n    script: echo\n"), passing: task("stepTemplate:\n  image: alpine\nsteps:\n  - name: a\n    script: echo\n")),
    RuleCase(rule: "tekton.step-ref", failing: task("steps:\n  - name: a\n    ref: {name: git-clone}\n    image: alpine\n"), passing: task("steps:\n  - name: a\n    ref: {name: git-clone}\n    params: [{name: url, value: x}]\n    computeResources: {}\n")),
    RuleCase(rule: "tekton.step-ref", failing: task("steps:\n  - name: a\n    ref: {name: git-clone}\n    env: []\n"), passing: task("steps:\n  - name: a\n    ref: {name: git-clone}\n    onError: continue\n")),
    RuleCase(rule: "tekton.step-ref", failing: task("steps:\n  - name: a\n    ref: {}\n"), passing: task("steps:\n  - name: a\n    ref: {resolver: hub}\n")),
    RuleCase(rule: "tekton.step-params", failing: task("steps:\n  - name: a\n    image: x\n    params: [{name: p, value: v}]\n"), passing: task(step)),
    RuleCase(rule: "tekton.script-command", failing: task("steps:\n  - name: a\n    image: x\n    script: echo\n    command: [sh]\n"), passing: task("steps:\n  - name: a\n    image: x\n    script: echo\n    args: [a]\n")),
    RuleCase(rule: "tekton.volume-mount", failing: task("steps:\n  - name: a\n    image: x\n    volumeMounts: [{name: v, mountPath: /tekton/../tekton/results}]\n"), passing: task("steps:\n  - name: a\n    image: x\n    volumeMounts: [{name: v, mountPath: /tekton/home/x}]\n")),
    RuleCase(rule: "tekton.volume-mount", failing: task("steps:\n  - name: a\n    image: x\n    volumeMounts: [{name: tekton-internal-x, mountPath: /x}]\n"), passing: task("steps:\n  - name: a\n    image: x\n    volumeMounts: [{name: internal-x, mountPath: /x}]\n")),
    RuleCase(rule: "tekton.on-error", failing: task("steps:\n  - name: a\n    image: x\n    onError: ignore\n"), passing: task("params: [{name: e}]\nsteps:\n  - name: a\n    image: x\n    onError: $(params.e)\n")),
    RuleCase(rule: "tekton.on-error", failing: task("steps:\n  - name: a\n    image: x\n    onError: continueAndFail\n"), passing: task("steps:\n  - name: a\n    image: x\n    onError: stopAndFail\n")),
    RuleCase(rule: "tekton.feature-flag", failing: task("steps:\n  - name: a\n    image: x\n    stdoutConfig: {path: /x}\n"), passing: task("steps:\n  - name: a\n    image: x\n    stdoutConfig: {path: /x}\n"), passingFlags: ["enable-api-fields": "alpha"]),
    RuleCase(rule: "tekton.step-result-reference", failing: task("steps:\n  - name: a\n    image: $(steps.b.results.img)\n"), passing: task("steps:\n  - name: a\n    image: x\n    args: [$(steps.b.results.img)]\n")),
    RuleCase(rule: "tekton.sidecar", failing: task(step + "sidecars:\n  - name: db\n"), passing: task(step + "sidecars:\n  - name: db\n    image: postgres:16\n")),
    RuleCase(rule: "tekton.volume-unique", failing: task(step + "volumes: [{name: v}, {name: v}]\n"), passing: task(step + "volumes: [{name: v}, {name: w}]\n")),
    RuleCase(rule: "tekton.workspace", failing: task(step + "workspaces: [{name: src}, {name: src}]\n"), passing: task(step + "workspaces: [{name: src}, {name: out}]\n")),
    RuleCase(rule: "tekton.workspace", failing: task("steps:\n  - name: a\n    image: x\n    workspaces: [{name: nope}]\nworkspaces: [{name: src}]\n"), passing: task("steps:\n  - name: a\n    image: x\n    workspaces: [{name: src}]\nworkspaces: [{name: src}]\n")),
    RuleCase(rule: "tekton.v1beta1-resources", failing: task(step + "resources: {inputs: []}\n", apiVersion: "tekton.dev/v1beta1"), passing: task(step, apiVersion: "tekton.dev/v1beta1")),
    RuleCase(rule: "tekton.result-name", failing: task(step + "results: [{name: -bad}]\n"), passing: task(step + "results: [{name: image.digest}]\n")),
    RuleCase(rule: "tekton.result-type", failing: task(step + "results: [{name: r, type: number}]\n"), passing: task(step + "results: [{name: r, type: array}]\n")),
    RuleCase(rule: "tekton.result-type", failing: task(step + "results: [{name: r, type: object}]\n"), passing: task(step + "results: [{name: r, type: object, properties: {a: {type: string}}}]\n")),
    RuleCase(rule: "tekton.param-reference", failing: task("steps:\n  - name: a\n    image: x\n    script: echo $(params.url)\n"), passing: task("params: [{name: url}]\nsteps:\n  - name: a\n    image: x\n    script: echo $(params.url) $(params[\"url\"]) $(inputs.params.legacy)\n")),
    RuleCase(rule: "tekton.param-reference", failing: task("params: [{name: cfg, properties: {a: {}}}]\nsteps:\n  - name: a\n    image: x\n    args: [$(params.cfg.b)]\n"), passing: task("params: [{name: cfg, properties: {a: {}}}]\nsteps:\n  - name: a\n    image: x\n    args: [$(params.cfg.a)]\n")),
    RuleCase(rule: "tekton.param-reference", failing: task("params: [{name: a.b}]\nsteps:\n  - name: a\n    image: x\n    args: [$(params.a.b.c)]\n"), passing: task("params: [{name: a.b}]\nsteps:\n  - name: a\n    image: x\n    args: ['$(params[\"a.b\"])']\n")),
    RuleCase(rule: "tekton.param-array-usage", failing: task("params: [{name: flags, type: array}]\nsteps:\n  - name: a\n    image: x\n    script: go test $(params.flags[*])\n"), passing: task("params: [{name: flags, type: array}]\nsteps:\n  - name: a\n    image: x\n    args: [\"$(params.flags[*])\"]\n    script: echo $(params.flags[0])\n")),
    RuleCase(rule: "tekton.param-array-usage", failing: task("params: [{name: flags, type: array}]\nsteps:\n  - name: a\n    image: x\n    args: [\"-x $(params.flags[*])\"]\n"), passing: task("params: [{name: flags, type: array}]\nsteps:\n  - name: a\n    image: x\n    command: [$(params.flags)]\n")),
    RuleCase(rule: "tekton.param-object-usage", failing: task("params: [{name: cfg, properties: {a: {}}}]\nsteps:\n  - name: a\n    image: x\n    args: [\"$(params.cfg[*])\"]\n"), passing: task("params: [{name: cfg, properties: {a: {}}}]\nsteps:\n  - name: a\n    image: x\n    args: [$(params.cfg.a)]\n")),
    RuleCase(rule: "tekton.context-reference", failing: task("steps:\n  - name: a\n    image: x\n    script: echo $(context.taskRun.owner)\n"), passing: task("steps:\n  - name: a\n    image: x\n    script: echo $(context.taskRun.name) $(context.task.retry-count)\n")),
    RuleCase(rule: "tekton.result-reference", failing: task("steps:\n  - name: a\n    image: x\n    script: echo > $(results.digest.path)\n"), passing: task("results: [{name: digest}]\nsteps:\n  - name: a\n    image: x\n    script: echo > $(results.digest.path)\n")),
    RuleCase(rule: "tekton.step-image", failing: stepAction("script: echo\n"), passing: stepAction("image: alpine\nscript: echo\n")),
    RuleCase(rule: "tekton.stepaction-script-params", failing: stepAction("image: alpine\nparams: [{name: url}]\nscript: git clone $(params.url)\n"), passing: stepAction("image: alpine\nparams: [{name: url}]\nenv: [{name: URL, value: $(params.url)}]\nscript: git clone \"$URL\"\n")),
    RuleCase(rule: "tekton.param-reference", failing: stepAction("image: $(params.img)\n"), passing: stepAction("image: alpine\nworkingDir: $(params.undeclared-is-not-checked-here)\n")),
    RuleCase(rule: "tekton.result-reference", failing: stepAction("image: alpine\nscript: echo > $(step.results.sha.path)\n"), passing: stepAction("image: alpine\nresults: [{name: sha}]\nscript: echo > $(step.results.sha.path)\n")),
    RuleCase(rule: "tekton.volume-mount", failing: stepAction("image: alpine\nvolumeMounts: [{name: data, mountPath: /data}]\n"), passing: stepAction("image: alpine\nparams: [{name: vol}]\nvolumeMounts: [{name: $(params.vol), mountPath: /data}]\n")),
    RuleCase(rule: "tekton.pipeline-task-name", failing: pipeline("tasks:\n  - name: Build\n    taskRef: {name: t}\n"), passing: pipeline("tasks:\n  - name: build\n    taskRef: {name: t}\n")),
    RuleCase(rule: "tekton.pipeline-task-unique", failing: pipeline("tasks:\n  - {name: a, taskRef: {name: t}}\nfinally:\n  - {name: a, taskRef: {name: t}}\n"), passing: pipeline("tasks:\n  - {name: a, taskRef: {name: t}}\nfinally:\n  - {name: b, taskRef: {name: t}}\n")),
    RuleCase(rule: "tekton.pipeline-task-ref", failing: pipeline("tasks:\n  - name: a\n"), passing: pipeline("tasks:\n  - name: a\n    taskSpec:\n      steps: [{name: s, image: alpine}]\n")),
    RuleCase(rule: "tekton.pipeline-graph", failing: pipeline("tasks:\n  - {name: a, taskRef: {name: t}, runAfter: [b]}\n  - {name: b, taskRef: {name: t}, runAfter: [a]}\n"), passing: pipeline("tasks:\n  - {name: a, taskRef: {name: t}}\n  - {name: b, taskRef: {name: t}, runAfter: [a]}\n")),
    RuleCase(rule: "tekton.pipeline-graph", failing: pipeline("tasks:\n  - {name: a, taskRef: {name: t}, params: [{name: p, value: $(tasks.zz.results.r)}]}\n"), passing: pipeline("tasks:\n  - {name: zz, taskRef: {name: t}}\n  - {name: a, taskRef: {name: t}, params: [{name: p, value: $(tasks.zz.results.r)}]}\n")),
    RuleCase(rule: "tekton.pipeline-finally", failing: pipeline("tasks: [{name: a, taskRef: {name: t}}]\nfinally:\n  - {name: f, taskRef: {name: t}, runAfter: [a]}\n"), passing: pipeline("tasks: [{name: a, taskRef: {name: t}}]\nfinally:\n  - {name: f, taskRef: {name: t}}\n")),
    RuleCase(rule: "tekton.param-reference", failing: pipeline("tasks:\n  - {name: a, taskRef: {name: t}, params: [{name: url, value: $(params.url)}]}\n"), passing: pipeline("params: [{name: url}]\ntasks:\n  - {name: a, taskRef: {name: t}, params: [{name: url, value: $(params.url)}]}\n")),
    RuleCase(rule: "tekton.workspace", failing: pipeline("tasks:\n  - {name: a, taskRef: {name: t}, workspaces: [{name: src, workspace: shared}]}\n"), passing: pipeline("workspaces: [{name: shared}]\ntasks:\n  - {name: a, taskRef: {name: t}, workspaces: [{name: src, workspace: shared}]}\n")),
    RuleCase(rule: "tekton.pipeline-empty", failing: pipeline("{}"), passing: pipeline("description: nothing yet\n")),
]

@Suite("Lint rules")
struct LintRuleTests {
    /// Each rule fires on its failing document and stays quiet on its passing one.
    @Test(arguments: ruleCases)
    func rule(_ c: RuleCase) {
        let failing = ruleIDs(c.failing)
        #expect(failing.contains(c.rule), "expected \(c.rule) in \(failing)\n\(c.failing)")
        let passing = ruleIDs(c.passing, flags: c.passingFlags)
        #expect(passing.isEmpty, "expected no findings, got \(passing)\n\(c.passing)")
    }

    /// Findings carry the line of the offending node.
    @Test func findingsCarryLines() throws {
        let yaml = task("steps:\n  - name: a\n    image: x\n    script: echo\n    command: [sh]\n")
        let finding = try #require(Linter().lint(LoadedFile(path: "t.yaml", bytes: Array(yaml.utf8))).first)
        #expect(finding.line == 9)
        #expect(finding.formatted == "t.yaml:9: error: script cannot be used with command (use args, or put the command in the script) [tekton.script-command]")
    }

    /// A file loaded without source lines still gets exact lines: the linter reads it again only when it reports.
    @Test func linesOnDemand() throws {
        let yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\n" + task("steps:\n  - name: a\n    image: x\n    script: echo\n    command: [sh]\n")
        let fast = LoadedFile(path: "t.yaml", bytes: Array(yaml.utf8), loader: YAMLLoader(recordsLines: false))
        let slow = LoadedFile(path: "t.yaml", bytes: Array(yaml.utf8))
        #expect(fast.bytes != nil && slow.bytes == nil)
        let findings = Linter().lint(fast)
        #expect(findings == Linter().lint(slow))
        #expect(findings.first { $0.rule == "tekton.script-command" }?.line == 13)
    }

    /// Catalog conventions apply in a catalog layout: the folder decides name and version.
    @Test func catalogConventions() {
        let yaml = "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: other\n  labels:\n    app.kubernetes.io/version: \"0.1\"\nspec:\n" + step.indented(2)
        let ids = ruleIDs(yaml, path: "catalog/task/demo/0.2/demo.yaml")
        #expect(Set(ids) == ["catalog.name-folder", "catalog.version-label", "catalog.description", "catalog.min-version"])
        let good = "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: demo\n  labels:\n    app.kubernetes.io/version: \"0.2\"\n  annotations:\n    tekton.dev/pipelines.minVersion: \"0.50.0\"\n    tekton.dev/deprecated: \"true\"\nspec:\n  description: Demo.\n" + step.indented(2)
        #expect(ruleIDs(good, path: "catalog/task/demo/0.2/demo.yaml").isEmpty)
        let notes = Linter().lint(LoadedFile(path: "catalog/task/demo/0.2/demo.yaml", bytes: Array(good.utf8)))
        #expect(notes.map(\.severity) == [.note])
    }

    /// `stepyard.dev/run-pod-template` must be a JSON mapping: the binder puts it in every run.
    @Test(arguments: [
        (#"'{"securityContext": {"fsGroup": 65534}}'"#, false),
        (#"'{"securityContext": '"#, true),
        (#"'["fsGroup"]'"#, true),
        ("fsGroup=65534", true),
    ])
    func declaredRunPodTemplate(annotation: String, refused: Bool) {
        let yaml = "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: demo\n  labels:\n    app.kubernetes.io/version: \"0.2\"\n  annotations:\n"
            + "    tekton.dev/pipelines.minVersion: \"0.50.0\"\n    stepyard.dev/run-pod-template: \(annotation)\nspec:\n  description: Demo.\n" + step.indented(2)
        #expect(ruleIDs(yaml, path: "catalog/task/demo/0.2/demo.yaml") == (refused ? ["stepyard.run-pod-template"] : []))
    }

    /// A document of another kind beside a resource is reported as a warning, not fatal.
    @Test func otherKinds() {
        let yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\n" + task(step)
        let file = LoadedFile(path: "x.yaml", bytes: Array(yaml.utf8))
        #expect(file.resources.count == 1)
        #expect(Linter().lint(file).map(\.rule) == ["resource.other-kind"])
    }

    /// Broken files are findings naming the file, not crashes.
    @Test func brokenFiles() {
        let file = LoadedFile(path: "bad.yaml", bytes: Array("a: [1\n".utf8))
        #expect(file.findings.map(\.rule) == ["yaml.load"])
        #expect(LoadedFile(path: "list.yaml", bytes: Array("- 1\n".utf8)).findings.map(\.rule) == ["yaml.not-object"])
        #expect(LoadedFile(path: "nokind.yaml", bytes: Array("a: 1\n".utf8)).findings.map(\.rule) == ["yaml.no-kind"])
        #expect(LoadedFile(path: "empty.yaml", bytes: []).findings.map(\.rule) == ["yaml.empty"])
    }
}
