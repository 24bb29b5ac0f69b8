/// A seeded, deterministic random number generator over the ChaCha20 keystream (G-6, G-7).
///
/// Draws are reproducible from the key and nonce alone, so an outside party can recompute a
/// prize draw in another language. Every output is defined below in plain arithmetic.
///
/// **Keystream.** The generator produces the ChaCha20 keystream of RFC 8439 §2.3 for its 32-byte
/// key and 12-byte nonce: block 0, block 1, block 2, ... (the 32-bit block counter is state word
/// 12, the nonce words 13-15), each block serialised as 64 bytes, the blocks concatenated. This is
/// the keystream RFC 8439 §2.4 XORs with a plaintext when the initial counter is 0. The bytes are
/// consumed in order and each byte is used once, whichever method consumes it.
///
/// **Exhaustion.** The 32-bit counter gives 2^32 blocks (256 GiB). Asking for a byte beyond them
/// stops the program (a precondition failure) rather than repeat the keystream.
///
/// A value type: copying a generator forks it, and both copies then produce the same values.
public struct ChaCha20Random: RandomNumberGenerator, Sendable {
    private let input: ChaCha20Input
    /// The counter of the next block to generate; 2^32 once the keystream is used up.
    private var nextBlock: UInt64 = 0
    /// The current keystream block, as bytes in keystream order.
    private var buffer: SHA256.Block = (0, 0, 0, 0, 0, 0, 0, 0)
    /// Bytes of `buffer` already consumed, 0...64; 64 means a new block is needed.
    private var position = ChaCha20.blockByteCount

    /// A generator keyed by the 32 bytes of `key` (typically the digest of a published seed).
    ///
    /// - Parameters:
    ///   - key: the 32-byte ChaCha20 key.
    ///   - nonce: 12 bytes; twelve zero bytes by default.
    /// - Throws: `KimpleError` with code `.invalidArgument` when `nonce` is not 12 bytes.
    public init(key: SHA256Digest, nonce: [UInt8] = [UInt8](repeating: 0, count: 12)) throws {
        try self.init(key: key.bytes, nonce: nonce)
    }

    /// A generator keyed by `key`.
    ///
    /// - Parameters:
    ///   - key: the 32-byte ChaCha20 key.
    ///   - nonce: 12 bytes; twelve zero bytes by default.
    /// - Throws: `KimpleError` with code `.invalidArgument` when `key` is not 32 bytes or `nonce`
    ///   is not 12 bytes.
    public init(key: [UInt8], nonce: [UInt8] = [UInt8](repeating: 0, count: 12)) throws {
        self.input = try ChaCha20Input(key: key, nonce: nonce)
    }

    /// The next 8 unconsumed keystream bytes read as a little-endian integer: with keystream bytes
    /// `b0 ... b7`, the value is `b0 + b1·2^8 + ... + b7·2^56`. The 8 bytes may span two blocks.
    public mutating func next() -> UInt64 {
        if position == ChaCha20.blockByteCount { refill() }
        let offset = position
        if offset <= ChaCha20.blockByteCount - 8 {
            position = offset + 8
            let raw = withUnsafeBytes(of: &buffer) { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            return UInt64(littleEndian: raw)
        }
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 64, by: 8) {
            value |= UInt64(nextByte()) &<< shift
        }
        return value
    }

    /// The next `count` unconsumed keystream bytes, in keystream order.
    ///
    /// - Precondition: `count >= 0`.
    public mutating func nextBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "ChaCha20Random.nextBytes needs a count >= 0")
        var output: [UInt8] = []
        output.reserveCapacity(count)
        while output.count < count {
            if position == ChaCha20.blockByteCount { refill() }
            let start = position
            let taken = Swift.min(ChaCha20.blockByteCount - start, count - output.count)
            withUnsafeBytes(of: &buffer) { output.append(contentsOf: $0[start..<(start + taken)]) }
            position = start + taken
        }
        return output
    }

    /// A uniformly distributed integer in `0 ..< n`, without modulo bias, by rejection sampling.
    ///
    /// Exact rule, reproducible with arbitrary-precision integers:
    /// 1. Draw `x = next()` (the next 8 keystream bytes, little-endian), so `0 <= x < 2^64`.
    /// 2. Let `limit = n * floor(2^64 / n)`, the largest multiple of `n` not above 2^64
    ///    (equivalently `limit = 2^64 - (2^64 mod n)`).
    /// 3. If `x < limit`, return `x mod n`. Otherwise discard `x` (its 8 bytes stay consumed) and
    ///    go back to step 1.
    ///
    /// In Python: `limit = (2**64 // n) * n`, then `while True: x = next_u64(); if x < limit: return x % n`.
    /// At most one draw in two is rejected (for `n` just above 2^63); for `n` a power of two none is.
    ///
    /// - Precondition: `n > 0`.
    public mutating func uniform(below n: UInt64) -> UInt64 {
        precondition(n > 0, "ChaCha20Random.uniform(below:) needs n > 0")
        while true {
            let x = next()
            if Self.accepts(x, below: n) { return x % n }
        }
    }

    /// A uniformly distributed `Double` in the open interval (0, 1).
    ///
    /// Exact rule: draw `x = next()`, keep its top 52 bits `m = floor(x / 2^12)`, and return
    /// `(m + 1/2) / 2^52`. The 2^52 possible results are the midpoints of a grid of step 2^-52,
    /// from 2^-53 to 1 - 2^-53, all equally likely, and every step is exact in IEEE 754 binary64
    /// (in Python: `((x >> 12) + 0.5) / 2**52`). 52 rather than 53 bits: with 53, `m + 1/2`
    /// needs 54 significant bits and the largest value would round up to 1.
    public mutating func unitInterval() -> Double {
        Self.unitInterval(from: next())
    }

    // MARK: - Rules, exposed for tests

    /// Whether `uniform(below: n)` accepts the draw `x`: `x < 2^64 - (2^64 mod n)`.
    static func accepts(_ x: UInt64, below n: UInt64) -> Bool {
        let rejectedCount = (0 &- n) % n  // (2^64 - n) mod n == 2^64 mod n
        return x <= UInt64.max - rejectedCount
    }

    /// The value `unitInterval()` returns for the draw `x`.
    static func unitInterval(from x: UInt64) -> Double {
        (Double(x &>> 12) + 0.5) / 4_503_599_627_370_496.0  // 2^52
    }

    // MARK: - Keystream

    private mutating func nextByte() -> UInt8 {
        if position == ChaCha20.blockByteCount { refill() }
        let offset = position
        position = offset + 1
        return withUnsafeBytes(of: &buffer) { $0[offset] }
    }

    private mutating func refill() {
        precondition(nextBlock <= UInt64(UInt32.max), "ChaCha20Random: the keystream of 2^32 blocks is used up")
        let counter = UInt32(truncatingIfNeeded: nextBlock)
        let input = self.input
        withUnsafeMutableBytes(of: &buffer) { input.block(counter: counter, into: $0) }
        nextBlock += 1
        position = 0
    }
}
