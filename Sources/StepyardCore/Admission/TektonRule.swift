/// The identifiers of Tekton's admission checks, as lint reports them (`[tekton.step-ref]`). Each check that reports
/// one names, in a comment, the Tekton function it mirrors.
public enum TektonRule: String, Sendable, CaseIterable {
    // The webhook's decoding.
    case apiVersion = "tekton.api-version"
    case unknownField = "tekton.unknown-field"
    case fieldType = "tekton.field-type"
    // Metadata and feature gates.
    case name = "tekton.name"
    case featureFlag = "tekton.feature-flag"
    // Tasks and steps.
    case stepsRequired = "tekton.steps-required"
    case stepName = "tekton.step-name"
    case stepUnique = "tekton.step-unique"
    case stepImage = "tekton.step-image"
    case stepRef = "tekton.step-ref"
    case stepParams = "tekton.step-params"
    case stepTimeout = "tekton.step-timeout"
    case stepTemplate = "tekton.step-template"
    case onError = "tekton.on-error"
    case scriptCommand = "tekton.script-command"
    case volumeMount = "tekton.volume-mount"
    case volumeUnique = "tekton.volume-unique"
    case sidecar = "tekton.sidecar"
    case workspace = "tekton.workspace"
    case stepResultReference = "tekton.step-result-reference"
    case artifactReference = "tekton.artifact-reference"
    case stepActionScriptParams = "tekton.stepaction-script-params"
    // Params, results and references.
    case paramName = "tekton.param-name"
    case paramUnique = "tekton.param-unique"
    case paramType = "tekton.param-type"
    case paramDefault = "tekton.param-default"
    case paramObject = "tekton.param-object"
    case paramEnum = "tekton.param-enum"
    case paramReference = "tekton.param-reference"
    case paramArrayUsage = "tekton.param-array-usage"
    case paramObjectUsage = "tekton.param-object-usage"
    case paramValue = "tekton.param-value"
    case resultName = "tekton.result-name"
    case resultType = "tekton.result-type"
    case resultValue = "tekton.result-value"
    case resultReference = "tekton.result-reference"
    case contextReference = "tekton.context-reference"
    case when = "tekton.when"
    // Pipelines.
    case pipelineEmpty = "tekton.pipeline-empty"
    case pipelineTaskName = "tekton.pipeline-task-name"
    case pipelineTaskUnique = "tekton.pipeline-task-unique"
    case pipelineTaskRef = "tekton.pipeline-task-ref"
    case pipelineGraph = "tekton.pipeline-graph"
    case pipelineFinally = "tekton.pipeline-finally"
    case pipelineResult = "tekton.pipeline-result"
    case pipelineTimeout = "tekton.pipeline-timeout"
    case matrix = "tekton.matrix"
    case taskRef = "tekton.task-ref"
    case pipelineRef = "tekton.pipeline-ref"
    case v1beta1Resources = "tekton.v1beta1-resources"
    // Runs.
    case run = "tekton.run"
    case runTimeout = "tekton.run-timeout"
    case runWorkspace = "tekton.run-workspace"
    // Pipelines (continued).
    case executionStatus = "tekton.execution-status"
    case variablePrefix = "tekton.variable-prefix"

    public var id: String { rawValue }
}
