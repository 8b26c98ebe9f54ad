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

    static func published(_ outcome: String) {
        bootstrapped { Counter(label: "stepyard_publish_total", dimensions: [("outcome", outcome)]) }.increment()
    }

    /// The Prometheus text exposition of every metric.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
