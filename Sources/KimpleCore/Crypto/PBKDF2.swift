#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA256 as its pseudorandom function (C-8 password hashes).
public enum PBKDF2 {
    /// The largest key length PBKDF2-HMAC-SHA256 allows: (2^32 − 1) × 32 bytes (RFC 8018 §5.2 step 1),
    /// or `Int.max` where that does not fit in an `Int`.
    public static let maximumSHA256KeyLength = Int(exactly: UInt64(UInt32.max) * 32) ?? Int.max

    /// Derives `keyLength` bytes from `password` and `salt` with `iterations` rounds of
    /// HMAC-SHA256 (RFC 8018 §5.2; the published vectors of RFC 7914 §11 hold).
    ///
    /// The password is prepared as an HMAC key once and reused for every round, so one round
    /// costs two SHA-256 compressions.
    ///
    /// - Throws: `KimpleError` with code `.invalidArgument` when `iterations` < 1, when
    ///   `keyLength` < 1, or when `keyLength` > ``maximumSHA256KeyLength``.
    public static func sha256(
        password: some DataProtocol, salt: some DataProtocol, iterations: Int, keyLength: Int
    ) throws -> [UInt8] {
        guard iterations >= 1 else {
            throw KimpleError(
                .invalidArgument, "PBKDF2 needs at least one iteration.",
                context: ["iterations": String(iterations)])
        }
        guard keyLength >= 1 else {
            throw KimpleError(
                .invalidArgument, "PBKDF2 derives at least one byte.", context: ["keyLength": String(keyLength)])
        }
        guard keyLength <= maximumSHA256KeyLength else {
            throw KimpleError(
                .invalidArgument, "PBKDF2-HMAC-SHA256 derives at most (2^32 - 1) * 32 bytes.",
                context: ["keyLength": String(keyLength), "maximum": String(maximumSHA256KeyLength)])
        }
        let prf = HMACSHA256Key(password)
        var saltHasher = prf.innerHasher()
        saltHasher.update(salt)

        var output: [UInt8] = []
        output.reserveCapacity(keyLength)
        let blockCount = (keyLength + SHA256Digest.byteCount - 1) / SHA256Digest.byteCount
        SHA256State.withSchedule { w in
            for blockIndex in 1...blockCount {
                // U1 = PRF(P, S ‖ INT(i)), INT(i) a four-byte big-endian integer.
                var first = saltHasher
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: blockIndex).bigEndian) { first.update(bytes: $0) }
                var u = prf.finish(inner: first.finalState(), schedule: w)
                var t = u
                // U_j = PRF(P, U_{j-1}); T_i = U_1 ⊕ ... ⊕ U_c.
                for _ in 1..<iterations {
                    u = prf.authenticateDigest(u, schedule: w)
                    t.h0 ^= u.h0
                    t.h1 ^= u.h1
                    t.h2 ^= u.h2
                    t.h3 ^= u.h3
                    t.h4 ^= u.h4
                    t.h5 ^= u.h5
                    t.h6 ^= u.h6
                    t.h7 ^= u.h7
                }
                let needed = Swift.min(SHA256Digest.byteCount, keyLength - output.count)
                t.digest.withUnsafeBytes { output.append(contentsOf: $0.prefix(needed)) }
            }
        }
        return output
    }
}
