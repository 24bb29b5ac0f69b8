/// The ChaCha20 block function (RFC 8439 §2.3; G-6, G-7 draw randomness).
///
/// Only the block function is offered: the keystream feeds ``ChaCha20Random``. There is
/// deliberately no encryption API.
public enum ChaCha20 {
    /// The key length in bytes: 32.
    public static let keyByteCount = 32
    /// The nonce length in bytes: 12.
    public static let nonceByteCount = 12
    /// The block length in bytes: 64.
    public static let blockByteCount = 64

    /// The 64-byte keystream block for `key`, block `counter` and `nonce` (RFC 8439 §2.3).
    ///
    /// The initial state is the four constants "expand 32-byte k", the key as eight little-endian
    /// words, the counter as word 12 and the nonce as three little-endian words 13-15; after 20
    /// rounds the input is added back and the sixteen words are serialised little-endian.
    ///
    /// - Throws: `KimpleError` with code `.invalidArgument` when `key` is not 32 bytes or `nonce`
    ///   is not 12 bytes.
    public static func block(key: [UInt8], counter: UInt32, nonce: [UInt8]) throws -> [UInt8] {
        let input = try ChaCha20Input(key: key, nonce: nonce)
        var output = [UInt8](repeating: 0, count: blockByteCount)
        output.withUnsafeMutableBytes { input.block(counter: counter, into: $0) }
        return output
    }
}

/// The key and nonce of a ChaCha20 keystream as words (RFC 8439 §2.3, words 4-11 and 13-15).
struct ChaCha20Input: Sendable {
    let k0: UInt32, k1: UInt32, k2: UInt32, k3: UInt32, k4: UInt32, k5: UInt32, k6: UInt32, k7: UInt32
    let n0: UInt32, n1: UInt32, n2: UInt32

    /// Reads the key and nonce as little-endian words.
    ///
    /// - Throws: `KimpleError(.invalidArgument)` when `key` is not 32 bytes or `nonce` is not 12 bytes.
    init(key: [UInt8], nonce: [UInt8]) throws {
        guard key.count == ChaCha20.keyByteCount else {
            throw KimpleError(
                .invalidArgument, "A ChaCha20 key is 32 bytes.", context: ["keyLength": String(key.count)])
        }
        guard nonce.count == ChaCha20.nonceByteCount else {
            throw KimpleError(
                .invalidArgument, "A ChaCha20 nonce is 12 bytes.", context: ["nonceLength": String(nonce.count)])
        }
        func word(_ bytes: [UInt8], _ index: Int) -> UInt32 {
            bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)) }
        }
        (k0, k1, k2, k3) = (word(key, 0), word(key, 1), word(key, 2), word(key, 3))
        (k4, k5, k6, k7) = (word(key, 4), word(key, 5), word(key, 6), word(key, 7))
        (n0, n1, n2) = (word(nonce, 0), word(nonce, 1), word(nonce, 2))
    }

    /// Writes keystream block `counter` (64 bytes) at the start of `output`, which holds at least 64 bytes.
    @inline(__always)
    func block(counter: UInt32, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= ChaCha20.blockByteCount, "a ChaCha20 block needs 64 bytes")
        var x0: UInt32 = 0x6170_7865
        var x1: UInt32 = 0x3320_646e
        var x2: UInt32 = 0x7962_2d32
        var x3: UInt32 = 0x6b20_6574
        var (x4, x5, x6, x7, x8, x9, x10, x11) = (k0, k1, k2, k3, k4, k5, k6, k7)
        var (x12, x13, x14, x15) = (counter, n0, n1, n2)
        for _ in 0..<10 {
            // Column round.
            quarterRound(&x0, &x4, &x8, &x12)
            quarterRound(&x1, &x5, &x9, &x13)
            quarterRound(&x2, &x6, &x10, &x14)
            quarterRound(&x3, &x7, &x11, &x15)
            // Diagonal round.
            quarterRound(&x0, &x5, &x10, &x15)
            quarterRound(&x1, &x6, &x11, &x12)
            quarterRound(&x2, &x7, &x8, &x13)
            quarterRound(&x3, &x4, &x9, &x14)
        }
        let words: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            x0 &+ 0x6170_7865, x1 &+ 0x3320_646e, x2 &+ 0x7962_2d32, x3 &+ 0x6b20_6574,
            x4 &+ k0, x5 &+ k1, x6 &+ k2, x7 &+ k3
        )
        let more: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            x8 &+ k4, x9 &+ k5, x10 &+ k6, x11 &+ k7,
            x12 &+ counter, x13 &+ n0, x14 &+ n1, x15 &+ n2
        )
        output.storeBytes(of: words.0.littleEndian, toByteOffset: 0, as: UInt32.self)
        output.storeBytes(of: words.1.littleEndian, toByteOffset: 4, as: UInt32.self)
        output.storeBytes(of: words.2.littleEndian, toByteOffset: 8, as: UInt32.self)
        output.storeBytes(of: words.3.littleEndian, toByteOffset: 12, as: UInt32.self)
        output.storeBytes(of: words.4.littleEndian, toByteOffset: 16, as: UInt32.self)
        output.storeBytes(of: words.5.littleEndian, toByteOffset: 20, as: UInt32.self)
        output.storeBytes(of: words.6.littleEndian, toByteOffset: 24, as: UInt32.self)
        output.storeBytes(of: words.7.littleEndian, toByteOffset: 28, as: UInt32.self)
        output.storeBytes(of: more.0.littleEndian, toByteOffset: 32, as: UInt32.self)
        output.storeBytes(of: more.1.littleEndian, toByteOffset: 36, as: UInt32.self)
        output.storeBytes(of: more.2.littleEndian, toByteOffset: 40, as: UInt32.self)
        output.storeBytes(of: more.3.littleEndian, toByteOffset: 44, as: UInt32.self)
        output.storeBytes(of: more.4.littleEndian, toByteOffset: 48, as: UInt32.self)
        output.storeBytes(of: more.5.littleEndian, toByteOffset: 52, as: UInt32.self)
        output.storeBytes(of: more.6.littleEndian, toByteOffset: 56, as: UInt32.self)
        output.storeBytes(of: more.7.littleEndian, toByteOffset: 60, as: UInt32.self)
    }
}

/// The ChaCha quarter round (RFC 8439 §2.1).
@inline(__always)
private func quarterRound(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32) {
    a &+= b
    d ^= a
    d = rotl(d, 16)
    c &+= d
    b ^= c
    b = rotl(b, 12)
    a &+= b
    d ^= a
    d = rotl(d, 8)
    c &+= d
    b ^= c
    b = rotl(b, 7)
}

/// Rotation left by `n` bits, 0 < n < 32.
@inline(__always)
private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x &<< n) | (x &>> (32 &- n))
}
