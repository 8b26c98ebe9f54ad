import Crypto
import Foundation
internal import CZlib

/// A git pack file (version 2) built from whole objects: each deflated on its own, no deltas.
///
/// Large writes (an import) land as one pack. libgit2's pack builder searches deltas between every pair of
/// nearby objects first, which for a catalog of small, mostly unrelated files saves little space and cost more
/// than the rest of the write; `git gc` can still delta them later. Objects are deflated on all cores.
enum PackFile {
    /// A pack's object types (the numbers the format uses).
    enum Kind: UInt8, Sendable {
        case commit = 1
        case tree = 2
        case blob = 3
    }

    struct Object: Sendable {
        var kind: Kind
        /// The object's content, without git's `<type> <size>\0` header.
        var bytes: [UInt8]
    }

    /// The pack's bytes: header, each object (size header + zlib stream), SHA-1 trailer.
    static func build(_ objects: [Object]) -> [UInt8] {
        let deflated = deflateAll(objects.map(\.bytes))
        var pack: [UInt8] = []
        pack.reserveCapacity(12 + deflated.reduce(0) { $0 + $1.count + 10 } + 20)
        pack += Array("PACK".utf8)
        appendBigEndian(2, to: &pack)
        appendBigEndian(UInt32(objects.count), to: &pack)
        for (object, data) in zip(objects, deflated) {
            appendHeader(kind: object.kind, size: object.bytes.count, to: &pack)
            pack += data
        }
        pack += Array(Insecure.SHA1.hash(data: pack))
        return pack
    }

    /// An object's header: type and size, 4 bits of size in the first byte, then 7 per byte, low bits first.
    static func appendHeader(kind: Kind, size: Int, to pack: inout [UInt8]) {
        var rest = size >> 4
        var byte = (kind.rawValue << 4) | UInt8(size & 0x0f)
        while rest > 0 {
            pack.append(byte | 0x80)
            byte = UInt8(rest & 0x7f)
            rest >>= 7
        }
        pack.append(byte)
    }

    private static func appendBigEndian(_ value: UInt32, to pack: inout [UInt8]) {
        pack += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    /// Each input as a zlib stream, in input order; split across cores in contiguous runs.
    static func deflateAll(_ inputs: [[UInt8]]) -> [[UInt8]] {
        let results = Slots<[UInt8]>(count: inputs.count, initial: [])
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, inputs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < inputs.count {
                results[i] = deflate(inputs[i])
                i += workers
            }
        }
        return results.values
    }

    /// One zlib stream at zlib's default level, the level git itself uses.
    static func deflate(_ input: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let code = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress, &capacity, source.baseAddress, uLong(source.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // compressBound is zlib's own guarantee for compress2, so this cannot fail short of memory.
        precondition(code == Z_OK, "zlib compress2 failed (\(code))")
        output.removeSubrange(Int(capacity)...)
        return output
    }
}
