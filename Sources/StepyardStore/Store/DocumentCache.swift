import StepyardCore

/// Parsed resources by content digest, bounded: the same digest is the same document, so an entry never goes
/// stale. Resolution reads the same StepActions and Tasks over and over; reading and parsing each document is
/// what this saves.
///
/// Not `Sendable`: it lives inside the `Store` actor.
final class DocumentCache {
    private var entries: [String: TektonResource] = [:]
    private var order: [String] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    subscript(digest: String) -> TektonResource? {
        get { entries[digest] }
        set {
            guard let newValue else { return }
            if entries.updateValue(newValue, forKey: digest) != nil { return }
            if order.count < capacity {
                order.append(digest)
            } else {
                // First in, first out: overwrite the oldest slot.
                entries.removeValue(forKey: order[head])
                order[head] = digest
                head = (head + 1) % capacity
            }
        }
    }

    func removeAll() {
        entries.removeAll()
        order.removeAll()
        head = 0
    }
}
