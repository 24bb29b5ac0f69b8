import KimpleCore
import Testing

/// The cryptography of KimpleCore. Every suite is nested here so `--filter Crypto` selects them all.
@Suite enum CryptoTests {
    /// The bytes of hexadecimal text written with optional spaces and line breaks (test vectors are
    /// copied as published).
    static func bytes(_ text: String) -> [UInt8] {
        let compact = text.filter { !$0.isWhitespace }
        guard let bytes = Hex.bytes(compact) else {
            Issue.record("invalid hexadecimal test vector: \(text)")
            return []
        }
        return bytes
    }

    /// The UTF-8 bytes of `text`.
    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }
}
