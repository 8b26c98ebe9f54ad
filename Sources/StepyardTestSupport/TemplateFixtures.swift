/// A Go test template at `version`, with the knobs the change report's example turns.
public func changingGo(_ version: String, count: String? = "1", image: String = "golang:1.22", race: Bool = false, url: Bool = true) -> String {
    """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata:
      name: go
      labels: {app.kubernetes.io/version: "\(version)"}
      annotations: {tekton.dev/pipelines.minVersion: "0.60.0"}
    spec:
      description: Tests Go.
      params:
    \(url ? "    - {name: url}\n" : "")    - {name: count\(count.map { ", default: \"\($0)\"" } ?? "")}
    \(race ? "    - {name: race, default: \"false\"}\n" : "")  steps:
        - name: test
          image: \(image)
          env: [{name: COUNT, value: $(params.count)}]
          script: go test -count "$COUNT" ./...
    """
}
