/// A fixed number of result slots filled from several threads (`DispatchQueue.concurrentPerform`), each
/// index written by exactly one iteration.
///
/// `@unchecked Sendable`: slots are disjoint memory written once each, and read only after the concurrent
/// loop returns, which orders every write before the reads.
final class Slots<Value>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Value>

    init(count: Int, initial: Value) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: initial)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    subscript(index: Int) -> Value {
        get { buffer[index] }
        set { buffer[index] = newValue }
    }

    var values: [Value] { Array(buffer) }
}
