import Crypto

/// The content digest of a resource version: `sha256:` of its canonical JSON form, so it depends on neither
/// key order nor YAML formatting (comments, quoting, indentation).
public enum ContentDigest {
    /// `sha256:<64 hex>` of `value` serialised with sorted keys and canonical numbers.
    public static func of(_ value: JSONValue) -> String {
        sha256(Array(value.serialized(sortedKeys: true).utf8))
    }

    /// `sha256:<64 hex>` of raw bytes.
    public static func sha256(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        return "sha256:" + digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
