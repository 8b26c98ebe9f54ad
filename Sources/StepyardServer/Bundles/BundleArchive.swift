import CZlib

/// The bytes of a bundle layer: a tar archive holding one file, gzipped, with every byte fixed by the file's name
/// and content alone — mode 0644, owner 0:0 with no names, modification time 0, a gzip header without a name or
/// time — so a version's layer, and with it its manifest's digest, is the same on every server and after a restart.
enum BundleArchive {
    /// A POSIX ustar archive of one regular file (`name` at most 100 bytes), padded to whole 512-byte blocks and
    /// ended by two empty blocks, as tar readers (Go's `archive/tar` among them) expect.
    static func tar(name: String, content: [UInt8]) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            let bytes = Array(text.utf8.prefix(width))
            header.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        }
        /// An octal number filling `width - 1` digits, then NUL (the field's last byte).
        func octal(_ value: Int, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(0o644, at: 100, width: 8)     // mode
        octal(0, at: 108, width: 8)         // uid
        octal(0, at: 116, width: 8)         // gid
        octal(content.count, at: 124, width: 12)
        octal(0, at: 136, width: 12)        // mtime
        put("0", at: 156, width: 1)         // a regular file
        put("ustar\u{0}00", at: 257, width: 8)
        // The checksum is the sum of the header's bytes with its own field counted as spaces: six octal digits, NUL, space.
        put("        ", at: 148, width: 8)
        let sum = header.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "\u{0} ", at: 148, width: 8)

        var archive = header
        archive += content
        archive += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
        archive += [UInt8](repeating: 0, count: 1024)
        return archive
    }

    /// `input` as one gzip member at zlib's best compression. zlib writes a header with no file name and time 0;
    /// the rest is determined by the input and zlib's (stable) deflate.
    static func gzip(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits, +16: a gzip wrapper instead of zlib's.
        let ready = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                  ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(ready == Z_OK, "zlib deflateInit2 failed (\(ready))")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var mutableInput = input
        let written: Int = mutableInput.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let code = deflate(&stream, Z_FINISH)
                // deflateBound is zlib's guarantee that one call with Z_FINISH completes.
                precondition(code == Z_STREAM_END, "zlib deflate did not finish (\(code))")
                return target.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }
}
