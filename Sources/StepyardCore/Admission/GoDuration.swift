/// A duration as Go's `time.ParseDuration` reads it (`1h30m`, `-5s`, `1.5h`, `0`), which is how Kubernetes decodes
/// the `metav1.Duration` fields of Tekton (`timeout`, `timeouts.pipeline`, …): a string it cannot read does not decode.
struct GoDuration: Sendable, Hashable, Comparable {
    /// Nanoseconds (a `Double`: only signs and order matter to admission).
    var nanoseconds: Double

    var isNegative: Bool { nanoseconds < 0 }

    init(nanoseconds: Double) { self.nanoseconds = nanoseconds }

    init?(_ text: String) {
        var chars = Array(text.unicodeScalars)[...]
        var sign = 1.0
        if let first = chars.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            chars = chars.dropFirst()
        }
        if chars.count == 1, chars.first == "0" { self.nanoseconds = 0; return }
        guard !chars.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        var total = 0.0
        while !chars.isEmpty {
            var number = ""
            while let c = chars.first, ("0"..."9").contains(c) || c == "." { number.unicodeScalars.append(c); chars = chars.dropFirst() }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number.hasPrefix(".") ? "0" + number : number) else { return nil }
            var unit = ""
            while let c = chars.first, !("0"..."9").contains(c), c != "." { unit.unicodeScalars.append(c); chars = chars.dropFirst() }
            guard let scale = units.first(where: { $0.0 == unit })?.1 else { return nil }
            total += value * scale
        }
        self.nanoseconds = sign * total
    }

    static func < (lhs: GoDuration, rhs: GoDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
