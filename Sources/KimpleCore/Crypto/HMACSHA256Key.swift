#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A prepared HMAC-SHA256 key (RFC 2104 with SHA-256; K-5, C-8).
///
/// Preparing the key compresses the inner (`key ⊕ ipad`) and outer (`key ⊕ opad`) blocks once;
/// every code computed with it then costs only the message blocks and two finishing
/// compressions. Build one key and reuse it for many messages (an intake signs every
/// participation with the same key).
///
/// The prepared key is a value holding the two intermediate states, not the key bytes. It is
/// deliberately not `Equatable`. Check a received code with `constantTimeEquals(_:_:)`, not `==`.
public struct HMACSHA256Key: Sendable {
    /// The chaining state after compressing `K0 ⊕ ipad`.
    let innerState: SHA256State
    /// The chaining state after compressing `K0 ⊕ opad`.
    let outerState: SHA256State

    /// Prepares `key`. A key longer than 64 bytes is replaced by its SHA-256 digest, a shorter one
    /// is padded with zero bytes to 64 (RFC 2104 §2); any length, including zero, is accepted.
    public init(_ key: some DataProtocol) {
        var block = [UInt8](repeating: 0, count: SHA256.blockByteCount)
        if key.count > SHA256.blockByteCount {
            SHA256.hash(key).withUnsafeBytes { digest in
                for index in 0..<SHA256Digest.byteCount { block[index] = digest[index] }
            }
        } else {
            for (index, byte) in key.enumerated() { block[index] = byte }
        }
        var inner = SHA256State.initial
        var outer = SHA256State.initial
        SHA256State.withSchedule { w in
            block.withUnsafeBytes { raw in
                for index in 0..<16 {
                    w[index] =
                        UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                        ^ 0x3636_3636
                }
                inner.compress(schedule: w)
                for index in 0..<16 {
                    w[index] =
                        UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                        ^ 0x5c5c_5c5c
                }
                outer.compress(schedule: w)
                for index in 0..<16 { w[index] = 0 }
            }
        }
        for index in block.indices { block[index] = 0 }
        self.innerState = inner
        self.outerState = outer
    }

    /// The HMAC-SHA256 code of `data` under this key (32 bytes; truncate the bytes yourself if a
    /// protocol asks for fewer).
    @inlinable
    public func authenticationCode(for data: some DataProtocol) -> SHA256Digest {
        let code = data.withContiguousStorageIfAvailable { authenticationCode(bytes: UnsafeRawBufferPointer($0)) }
        if let code { return code }
        var mac = HMACSHA256(key: self)
        mac.update(data)
        return mac.finalize()
    }

    /// The HMAC-SHA256 code of the UTF-8 bytes of `string` under this key.
    public func authenticationCode(for string: String) -> SHA256Digest {
        var inner = innerHasher()
        inner.update(string)
        return finish(inner: inner.finalState()).digest
    }

    /// The HMAC-SHA256 code of the bytes in `bytes` under this key.
    public func authenticationCode(bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var inner = innerHasher()
        inner.update(bytes: bytes)
        return finish(inner: inner.finalState()).digest
    }

    // MARK: - Engine shared with HMACSHA256 and PBKDF2

    /// A SHA-256 hasher that has already absorbed `K0 ⊕ ipad`.
    func innerHasher() -> SHA256 {
        SHA256(resuming: innerState, byteCount: UInt64(SHA256.blockByteCount))
    }

    /// The outer hash `H((K0 ⊕ opad) ‖ inner)`: one compression of the inner digest and its padding.
    func finish(inner: SHA256State) -> SHA256State {
        SHA256State.withSchedule { finish(inner: inner, schedule: $0) }
    }

    /// The outer hash, using the 16-word scratch schedule `w`.
    @inline(__always)
    func finish(inner: SHA256State, schedule w: UnsafeMutablePointer<UInt32>) -> SHA256State {
        Self.storeDigestBlock(inner, into: w)
        var outer = outerState
        outer.compress(schedule: w)
        return outer
    }

    /// HMAC of a 32-byte message given as words: exactly two compressions (PBKDF2's inner loop),
    /// using the 16-word scratch schedule `w`.
    @inline(__always)
    func authenticateDigest(_ message: SHA256State, schedule w: UnsafeMutablePointer<UInt32>) -> SHA256State {
        Self.storeDigestBlock(message, into: w)
        var inner = innerState
        inner.compress(schedule: w)
        return finish(inner: inner, schedule: w)
    }

    /// Writes the last block of a hash whose message is one 64-byte block and then the 32-byte
    /// `digest`: the digest words, the `1` bit, zeros, and the length 768 bits.
    @inline(__always)
    private static func storeDigestBlock(_ digest: SHA256State, into w: UnsafeMutablePointer<UInt32>) {
        w[0] = digest.h0
        w[1] = digest.h1
        w[2] = digest.h2
        w[3] = digest.h3
        w[4] = digest.h4
        w[5] = digest.h5
        w[6] = digest.h6
        w[7] = digest.h7
        w[8] = 0x8000_0000
        w[9] = 0
        w[10] = 0
        w[11] = 0
        w[12] = 0
        w[13] = 0
        w[14] = 0
        w[15] = UInt32((SHA256.blockByteCount + SHA256Digest.byteCount) * 8)
    }
}
