import Crypto

/// The content digest of a resource version: `sha256:` of its canonical JSON form, so it depends on neither
/// key order nor YAML formatting (comments, quoting, indentation).
public enum ContentDigest {
    /// `sha256:<64 hex>` of `value` serialised with sorted keys and canonical numbers.
    public static func of(_ value: JSONValue) -> String {
        sha256(value.serializedBytes(sortedKeys: true))
    }

    /// `sha256:<64 hex>` of raw bytes.
    public static func sha256(_ bytes: [UInt8]) -> String {
        "sha256:" + hex(SHA256.hash(data: bytes))
    }

    /// Lower-case hex of bytes (a digest).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
