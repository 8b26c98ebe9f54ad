import HTTPTypes
import OrderedCollections
import Synchronization

/// The web catalog's rendered pages: a page's content (everything inside the frame of who is signed in), kept for
/// the repository state it was rendered from, so a page viewed again costs a lookup and a frame, not a search or a
/// resolution.
///
/// A key names what decides the content: the path and query asked, and the caller's reach (anonymous, a role with
/// its departments, admin): two members of one department share entries, a member of another never sees them. The
/// CSRF value a form repeats is left as `csrfMarker` in the content and put in per browser. When the served commit
/// moves (a publish, a yank, a new department) every entry is dropped: a page shows versions, dependents and
/// history, which any commit can change. Entries beyond `capacity`, or beyond `maxBytes` of content in all, go
/// oldest first (a page bigger than a quarter of `maxBytes` is not kept).
final class PageCache: Sendable {
    struct Page: Sendable {
        var title: String
        var content: String
        /// `Deprecation`, `Link` and `Warning` fields for a deprecated or yanked version's page.
        var lifecycle: [HTTPField] = []
        /// Shown in the frame's search box.
        var query: String = ""
        /// The page's scripts, from `/ui/static/`.
        var scripts: [String] = []

        /// What it counts against the cache's byte budget.
        var size: Int { content.utf8.count + title.utf8.count }
    }

    /// Stands for the browser's CSRF value in cached content.
    static let csrfMarker = "stepyard-csrf-placeholder-5e1f0c"

    let capacity: Int
    let maxBytes: Int
    private struct Storage {
        var generation: UInt64 = 0
        var pages: OrderedDictionary<String, Page> = [:]
        var bytes = 0
    }
    private let storage = Mutex(Storage())

    init(capacity: Int, maxBytes: Int = 64 << 20) {
        self.capacity = max(0, capacity)
        self.maxBytes = max(0, maxBytes)
    }

    /// The page kept under `key` for `generation`, if any.
    func page(_ key: String, generation: UInt64) -> Page? {
        let found = storage.withLock { storage in storage.generation == generation ? storage.pages[key] : nil }
        (found == nil ? ServerMetrics.pageCacheMisses : ServerMetrics.pageCacheHits).increment()
        return found
    }

    /// Keeps `page` under `key` for `generation` (dropping every page of an older one).
    func keep(_ page: Page, under key: String, generation: UInt64) {
        let size = page.size
        guard capacity > 0, size <= maxBytes / 4 else { return }
        storage.withLock { storage in
            if storage.generation != generation {
                guard generation > storage.generation else { return }
                storage.generation = generation
                storage.pages.removeAll()
                storage.bytes = 0
            }
            if let old = storage.pages.updateValue(page, forKey: key) { storage.bytes -= old.size }
            storage.bytes += size
            while storage.pages.count > capacity || storage.bytes > maxBytes {
                let (_, evicted) = storage.pages.removeFirst()
                storage.bytes -= evicted.size
            }
        }
    }

    var count: Int { storage.withLock { $0.pages.count } }
    /// The content kept, in bytes.
    var bytes: Int { storage.withLock { $0.bytes } }
}
