/// A SHA-256 digest: 32 bytes (K-5, G-6, C-8).
///
/// The value is held inline as four 64-bit words (no heap allocation), so a digest is cheap to
/// copy, hash and compare and suits dictionary keys and hot paths; ``bytes`` builds an array on
/// demand.
///
/// - Ordering (`Comparable`) is the lexicographic order of the 32 bytes, which is also the
///   order of the lowercase hexadecimal text.
/// - `Codable` as a single string of 64 lowercase hexadecimal digits; decoding accepts either
///   case and throws `DecodingError.dataCorrupted` for anything else.
/// - `description` is the lowercase hexadecimal text.
/// - `==` is not constant time: to check a secret value such as an authentication code, use
///   `constantTimeEquals(_:_:)`.
public struct SHA256Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The number of bytes in a digest: 32.
    public static let byteCount = 32

    // Bytes 0-7, 8-15, 16-23 and 24-31, each read as a big-endian integer.
    @usableFromInline let w0: UInt64
    @usableFromInline let w1: UInt64
    @usableFromInline let w2: UInt64
    @usableFromInline let w3: UInt64

    @inlinable
    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Builds a digest from exactly 32 bytes; `nil` for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self = bytes.withUnsafeBytes { raw in
            func word(_ index: Int) -> UInt64 {
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            }
            return SHA256Digest(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
        }
    }

    /// Parses 64 hexadecimal digits (either case); `nil` for any other length or a non-hex character.
    public init?(hex: String) {
        guard hex.utf8.count == Self.byteCount * 2, let bytes = Hex.bytes(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The 32 bytes of the digest, in order.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The 64 lowercase hexadecimal digits of the digest.
    public var hex: String {
        Hex.string(w0) + Hex.string(w1) + Hex.string(w2) + Hex.string(w3)
    }

    /// The lowercase hexadecimal text, as ``hex``.
    public var description: String { hex }

    /// Calls `body` with a buffer holding the 32 bytes of the digest, in order, and returns its result.
    ///
    /// The buffer is only valid during the call. Rethrows what `body` throws.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let storage = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: storage) { try body($0) }
    }

    /// Lexicographic order of the 32 bytes.
    @inlinable
    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }

    /// Parses 64 hexadecimal digits (the JSON form); `nil` otherwise.
    public init?(codableText: String) {
        self.init(hex: codableText)
    }

    /// 64 lowercase hexadecimal digits, as encoded in JSON.
    public var codableText: String { hex }
}
