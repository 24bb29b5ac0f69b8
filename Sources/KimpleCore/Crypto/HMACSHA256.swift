#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A streaming HMAC-SHA256 computation (RFC 2104 with SHA-256; K-5, C-8).
///
/// ```swift
/// let key = HMACSHA256Key(secret)
/// var mac = HMACSHA256(key: key)
/// mac.update(header)
/// mac.update(body)
/// let code = mac.finalize()
/// ```
///
/// For a whole message at once, `HMACSHA256Key.authenticationCode(for:)` is shorter. Like
/// ``SHA256``, the value has no heap storage and ``finalize()`` does not change it.
public struct HMACSHA256: Sendable {
    private let key: HMACSHA256Key
    @usableFromInline var inner: SHA256

    /// Starts a code under a prepared key (the cheap way when many codes share a key).
    public init(key: HMACSHA256Key) {
        self.key = key
        self.inner = key.innerHasher()
    }

    /// Starts a code under raw key bytes, prepared as ``HMACSHA256Key/init(_:)`` does (a key
    /// longer than 64 bytes is hashed first).
    public init(key: some DataProtocol) {
        self.init(key: HMACSHA256Key(key))
    }

    /// Adds the bytes of `bytes` to the message.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        inner.update(bytes: bytes)
    }

    /// Adds `data` to the message.
    @inlinable
    public mutating func update(_ data: some DataProtocol) {
        inner.update(data)
    }

    /// Adds the UTF-8 bytes of `string` to the message.
    public mutating func update(_ string: String) {
        inner.update(string)
    }

    /// The code of everything added so far. Does not change the computation: more data can be
    /// added and a later `finalize()` covers all of it.
    public func finalize() -> SHA256Digest {
        key.finish(inner: inner.finalState()).digest
    }

    /// The HMAC-SHA256 code of `data` under the raw key bytes `key`.
    ///
    /// Prepares the key on every call: prefer a shared ``HMACSHA256Key`` for many messages.
    public static func authenticationCode(for data: some DataProtocol, key: some DataProtocol) -> SHA256Digest {
        HMACSHA256Key(key).authenticationCode(for: data)
    }
}
