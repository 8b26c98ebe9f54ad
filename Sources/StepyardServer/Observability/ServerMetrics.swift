import CoreMetrics
import Metrics
import Prometheus

/// The process's metrics: swift-metrics, exported by swift-prometheus at `/metrics`.
///
/// Hummingbird's `MetricsMiddleware` records requests by route and status and their latencies; the counters here
/// record what is Stepyard's own.
enum ServerMetrics {
    /// The registry every metric of the process lands in; bootstrapping swift-metrics happens once, on first use.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// A metric is bound to the factory of the moment it is made: each is made after the bootstrap, whichever
    /// code touches it first.
    static func bootstrapped<Metric>(_ make: () -> Metric) -> Metric {
        _ = registry
        return make()
    }

    static let resolveCacheHits = bootstrapped { Counter(label: "stepyard_resolve_cache_total", dimensions: [("result", "hit")]) }
    static let resolveCacheMisses = bootstrapped { Counter(label: "stepyard_resolve_cache_total", dimensions: [("result", "miss")]) }
    /// The web catalog's pages answered from `PageCache`, and those rendered.
    static let pageCacheHits = bootstrapped { Counter(label: "stepyard_page_cache_total", dimensions: [("result", "hit")]) }
    static let pageCacheMisses = bootstrapped { Counter(label: "stepyard_page_cache_total", dimensions: [("result", "miss")]) }
    static let indexCatchUps = bootstrapped { Counter(label: "stepyard_index_catch_ups_total") }
    /// Seconds the last catch-up of the index took (a commit made around the server waits at most one watch
    /// interval more).
    static let indexLag = bootstrapped { Gauge(label: "stepyard_index_lag_seconds") }
    static let indexBehind = bootstrapped { Gauge(label: "stepyard_index_behind") }
    /// Version folders in git that the gate refuses (not served; `GET /api/v1/refused` lists them).
    static let refusedVersions = bootstrapped { Gauge(label: "stepyard_refused_versions") }
    /// Connections open now, and those closed to keep within `--max-connections` (`ConnectionRegistry`).
    static let connectionsOpen = bootstrapped { Gauge(label: "stepyard_connections_open") }
    static let connectionsEvicted = bootstrapped { Counter(label: "stepyard_connections_evicted_total") }

    /// A publish over HTTP: `published`, `unchanged`, or `refused` with the reason (the error's code).
    static func published(_ outcome: String, reason: String = "") {
        bootstrapped { Counter(label: "stepyard_publish_total", dimensions: [("outcome", outcome), ("reason", reason)]) }.increment()
    }

    /// What each metric measures, for its `# HELP` line. Every metric the process emits has one (a test holds this).
    static let help: [String: String] = [
        "stepyard_resolve_cache_total": "Resolved-template requests answered from the resolved cache (result=hit) or resolved (result=miss).",
        "stepyard_page_cache_total": "Web catalog pages answered from the page cache (result=hit) or rendered (result=miss).",
        "stepyard_index_catch_ups_total": "Times the index caught up with commits made around the server.",
        "stepyard_index_lag_seconds": "Seconds the last catch-up of the index took.",
        "stepyard_index_behind": "Commits the index was behind the repository at the last look.",
        "stepyard_refused_versions": "Version folders in git that the gate refuses (not served; GET /api/v1/refused lists them).",
        "stepyard_connections_open": "Connections open now, those being closed included.",
        "stepyard_connections_evicted_total": "Connections closed to stay within --max-connections.",
        "stepyard_publish_total": "Publishes over HTTP by outcome (published, unchanged, refused) and, when refused, the reason.",
        "stepyard_sync_runs_total": "Runs of each sync by outcome (ok, refusals, failed).",
        "stepyard_sync_last_success_timestamp_seconds": "When each sync last ran without an error (Unix seconds).",
        "stepyard_replica_lag_seconds": "Seconds since a read replica last fetched from its primary.",
        "stepyard_event_deliveries_total": "Event delivery attempts by outcome (delivered, retrying, failed).",
        "stepyard_template_runs_total": "Runs of each template version Tekton reported ended, by outcome.",
        "hb_requests": "HTTP requests answered through the router, by route, method and status.",
        "hb_request_errors": "HTTP requests the router answered with an error, by route, method and error type.",
        "http_server_request_duration": "Seconds the router took to answer, by route, method and status.",
        "http_server_active_requests": "HTTP requests being answered now, by method.",
    ]

    /// The Prometheus text exposition of every metric, each with its `# HELP` line before its `# TYPE` line.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return withHelp(buffer)
    }

    static func withHelp(_ exposition: [UInt8]) -> [UInt8] {
        var out = ""
        for line in String(decoding: exposition, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst("# TYPE ".count).split(separator: " ").first {
                if let text = help[String(name)] { out += "# HELP \(name) \(text)\n" }
            }
            out += line + "\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        return Array(out.utf8)
    }
}
