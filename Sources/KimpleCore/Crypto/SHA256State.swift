/// The eight chaining words of SHA-256 and its compression function (FIPS 180-4 §6.2.2).
///
/// Internal engine shared by ``SHA256``, ``HMACSHA256Key`` and ``PBKDF2``: it works on words, so
/// HMAC and PBKDF2 can feed a digest back in without converting it to bytes.
struct SHA256State: Sendable, Equatable {
    var h0: UInt32
    var h1: UInt32
    var h2: UInt32
    var h3: UInt32
    var h4: UInt32
    var h5: UInt32
    var h6: UInt32
    var h7: UInt32

    /// The initial hash value H(0) (FIPS 180-4 §5.3.3).
    static let initial = SHA256State(
        h0: 0x6a09_e667, h1: 0xbb67_ae85, h2: 0x3c6e_f372, h3: 0xa54f_f53a,
        h4: 0x510e_527f, h5: 0x9b05_688c, h6: 0x1f83_d9ab, h7: 0x5be0_cd19)

    /// The state read as a digest (H0 ‖ H1 ‖ ... ‖ H7, each word big-endian).
    var digest: SHA256Digest {
        SHA256Digest(
            w0: UInt64(h0) << 32 | UInt64(h1), w1: UInt64(h2) << 32 | UInt64(h3),
            w2: UInt64(h4) << 32 | UInt64(h5), w3: UInt64(h6) << 32 | UInt64(h7))
    }

    /// Runs `body` with a scratch message schedule of 16 words on the stack.
    ///
    /// The caller fills the 16 words before each ``compress(schedule:)``, which overwrites them.
    @inline(__always)
    static func withSchedule<R>(_ body: (UnsafeMutablePointer<UInt32>) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { buffer in
            // A temporary allocation of a positive capacity always has a base address.
            guard let base = buffer.baseAddress else { preconditionFailure("empty temporary allocation") }
            return try body(base)
        }
    }

    /// Compresses the consecutive 64-byte blocks of `blocks` (its count is a multiple of 64).
    @inline(__always)
    mutating func compress(blocks: UnsafeRawBufferPointer, schedule w: UnsafeMutablePointer<UInt32>) {
        var offset = 0
        while offset + 64 <= blocks.count {
            for index in 0..<16 {
                w[index] = UInt32(
                    bigEndian: blocks.loadUnaligned(fromByteOffset: offset + index &* 4, as: UInt32.self))
            }
            compress(schedule: w)
            offset += 64
        }
    }

    /// Compresses one block whose 16 message words (already in host order) are in `w[0..<16]`.
    ///
    /// The message schedule W(16...63) is computed in a sliding window of 16 words interleaved
    /// with the rounds, so `w` is overwritten.
    @inline(__always)
    mutating func compress(schedule w: UnsafeMutablePointer<UInt32>) {
        var a = h0
        var b = h1
        var c = h2
        var d = h3
        var e = h4
        var f = h5
        var g = h6
        var h = h7
        var bc = b ^ c  // carried from round to round for Maj: this round's a ^ b is the next one's b ^ c
        round(a, b, c, &d, e, f, g, &h, &bc, 0x428a2f98 &+ w[0])
        round(h, a, b, &c, d, e, f, &g, &bc, 0x71374491 &+ w[1])
        round(g, h, a, &b, c, d, e, &f, &bc, 0xb5c0fbcf &+ w[2])
        round(f, g, h, &a, b, c, d, &e, &bc, 0xe9b5dba5 &+ w[3])
        round(e, f, g, &h, a, b, c, &d, &bc, 0x3956c25b &+ w[4])
        round(d, e, f, &g, h, a, b, &c, &bc, 0x59f111f1 &+ w[5])
        round(c, d, e, &f, g, h, a, &b, &bc, 0x923f82a4 &+ w[6])
        round(b, c, d, &e, f, g, h, &a, &bc, 0xab1c5ed5 &+ w[7])
        round(a, b, c, &d, e, f, g, &h, &bc, 0xd807aa98 &+ w[8])
        round(h, a, b, &c, d, e, f, &g, &bc, 0x12835b01 &+ w[9])
        round(g, h, a, &b, c, d, e, &f, &bc, 0x243185be &+ w[10])
        round(f, g, h, &a, b, c, d, &e, &bc, 0x550c7dc3 &+ w[11])
        round(e, f, g, &h, a, b, c, &d, &bc, 0x72be5d74 &+ w[12])
        round(d, e, f, &g, h, a, b, &c, &bc, 0x80deb1fe &+ w[13])
        round(c, d, e, &f, g, h, a, &b, &bc, 0x9bdc06a7 &+ w[14])
        round(b, c, d, &e, f, g, h, &a, &bc, 0xc19bf174 &+ w[15])
        w[0] = expand(w[14], w[9], w[1], w[0])
        round(a, b, c, &d, e, f, g, &h, &bc, 0xe49b69c1 &+ w[0])
        w[1] = expand(w[15], w[10], w[2], w[1])
        round(h, a, b, &c, d, e, f, &g, &bc, 0xefbe4786 &+ w[1])
        w[2] = expand(w[0], w[11], w[3], w[2])
        round(g, h, a, &b, c, d, e, &f, &bc, 0x0fc19dc6 &+ w[2])
        w[3] = expand(w[1], w[12], w[4], w[3])
        round(f, g, h, &a, b, c, d, &e, &bc, 0x240ca1cc &+ w[3])
        w[4] = expand(w[2], w[13], w[5], w[4])
        round(e, f, g, &h, a, b, c, &d, &bc, 0x2de92c6f &+ w[4])
        w[5] = expand(w[3], w[14], w[6], w[5])
        round(d, e, f, &g, h, a, b, &c, &bc, 0x4a7484aa &+ w[5])
        w[6] = expand(w[4], w[15], w[7], w[6])
        round(c, d, e, &f, g, h, a, &b, &bc, 0x5cb0a9dc &+ w[6])
        w[7] = expand(w[5], w[0], w[8], w[7])
        round(b, c, d, &e, f, g, h, &a, &bc, 0x76f988da &+ w[7])
        w[8] = expand(w[6], w[1], w[9], w[8])
        round(a, b, c, &d, e, f, g, &h, &bc, 0x983e5152 &+ w[8])
        w[9] = expand(w[7], w[2], w[10], w[9])
        round(h, a, b, &c, d, e, f, &g, &bc, 0xa831c66d &+ w[9])
        w[10] = expand(w[8], w[3], w[11], w[10])
        round(g, h, a, &b, c, d, e, &f, &bc, 0xb00327c8 &+ w[10])
        w[11] = expand(w[9], w[4], w[12], w[11])
        round(f, g, h, &a, b, c, d, &e, &bc, 0xbf597fc7 &+ w[11])
        w[12] = expand(w[10], w[5], w[13], w[12])
        round(e, f, g, &h, a, b, c, &d, &bc, 0xc6e00bf3 &+ w[12])
        w[13] = expand(w[11], w[6], w[14], w[13])
        round(d, e, f, &g, h, a, b, &c, &bc, 0xd5a79147 &+ w[13])
        w[14] = expand(w[12], w[7], w[15], w[14])
        round(c, d, e, &f, g, h, a, &b, &bc, 0x06ca6351 &+ w[14])
        w[15] = expand(w[13], w[8], w[0], w[15])
        round(b, c, d, &e, f, g, h, &a, &bc, 0x14292967 &+ w[15])
        w[0] = expand(w[14], w[9], w[1], w[0])
        round(a, b, c, &d, e, f, g, &h, &bc, 0x27b70a85 &+ w[0])
        w[1] = expand(w[15], w[10], w[2], w[1])
        round(h, a, b, &c, d, e, f, &g, &bc, 0x2e1b2138 &+ w[1])
        w[2] = expand(w[0], w[11], w[3], w[2])
        round(g, h, a, &b, c, d, e, &f, &bc, 0x4d2c6dfc &+ w[2])
        w[3] = expand(w[1], w[12], w[4], w[3])
        round(f, g, h, &a, b, c, d, &e, &bc, 0x53380d13 &+ w[3])
        w[4] = expand(w[2], w[13], w[5], w[4])
        round(e, f, g, &h, a, b, c, &d, &bc, 0x650a7354 &+ w[4])
        w[5] = expand(w[3], w[14], w[6], w[5])
        round(d, e, f, &g, h, a, b, &c, &bc, 0x766a0abb &+ w[5])
        w[6] = expand(w[4], w[15], w[7], w[6])
        round(c, d, e, &f, g, h, a, &b, &bc, 0x81c2c92e &+ w[6])
        w[7] = expand(w[5], w[0], w[8], w[7])
        round(b, c, d, &e, f, g, h, &a, &bc, 0x92722c85 &+ w[7])
        w[8] = expand(w[6], w[1], w[9], w[8])
        round(a, b, c, &d, e, f, g, &h, &bc, 0xa2bfe8a1 &+ w[8])
        w[9] = expand(w[7], w[2], w[10], w[9])
        round(h, a, b, &c, d, e, f, &g, &bc, 0xa81a664b &+ w[9])
        w[10] = expand(w[8], w[3], w[11], w[10])
        round(g, h, a, &b, c, d, e, &f, &bc, 0xc24b8b70 &+ w[10])
        w[11] = expand(w[9], w[4], w[12], w[11])
        round(f, g, h, &a, b, c, d, &e, &bc, 0xc76c51a3 &+ w[11])
        w[12] = expand(w[10], w[5], w[13], w[12])
        round(e, f, g, &h, a, b, c, &d, &bc, 0xd192e819 &+ w[12])
        w[13] = expand(w[11], w[6], w[14], w[13])
        round(d, e, f, &g, h, a, b, &c, &bc, 0xd6990624 &+ w[13])
        w[14] = expand(w[12], w[7], w[15], w[14])
        round(c, d, e, &f, g, h, a, &b, &bc, 0xf40e3585 &+ w[14])
        w[15] = expand(w[13], w[8], w[0], w[15])
        round(b, c, d, &e, f, g, h, &a, &bc, 0x106aa070 &+ w[15])
        w[0] = expand(w[14], w[9], w[1], w[0])
        round(a, b, c, &d, e, f, g, &h, &bc, 0x19a4c116 &+ w[0])
        w[1] = expand(w[15], w[10], w[2], w[1])
        round(h, a, b, &c, d, e, f, &g, &bc, 0x1e376c08 &+ w[1])
        w[2] = expand(w[0], w[11], w[3], w[2])
        round(g, h, a, &b, c, d, e, &f, &bc, 0x2748774c &+ w[2])
        w[3] = expand(w[1], w[12], w[4], w[3])
        round(f, g, h, &a, b, c, d, &e, &bc, 0x34b0bcb5 &+ w[3])
        w[4] = expand(w[2], w[13], w[5], w[4])
        round(e, f, g, &h, a, b, c, &d, &bc, 0x391c0cb3 &+ w[4])
        w[5] = expand(w[3], w[14], w[6], w[5])
        round(d, e, f, &g, h, a, b, &c, &bc, 0x4ed8aa4a &+ w[5])
        w[6] = expand(w[4], w[15], w[7], w[6])
        round(c, d, e, &f, g, h, a, &b, &bc, 0x5b9cca4f &+ w[6])
        w[7] = expand(w[5], w[0], w[8], w[7])
        round(b, c, d, &e, f, g, h, &a, &bc, 0x682e6ff3 &+ w[7])
        w[8] = expand(w[6], w[1], w[9], w[8])
        round(a, b, c, &d, e, f, g, &h, &bc, 0x748f82ee &+ w[8])
        w[9] = expand(w[7], w[2], w[10], w[9])
        round(h, a, b, &c, d, e, f, &g, &bc, 0x78a5636f &+ w[9])
        w[10] = expand(w[8], w[3], w[11], w[10])
        round(g, h, a, &b, c, d, e, &f, &bc, 0x84c87814 &+ w[10])
        w[11] = expand(w[9], w[4], w[12], w[11])
        round(f, g, h, &a, b, c, d, &e, &bc, 0x8cc70208 &+ w[11])
        w[12] = expand(w[10], w[5], w[13], w[12])
        round(e, f, g, &h, a, b, c, &d, &bc, 0x90befffa &+ w[12])
        w[13] = expand(w[11], w[6], w[14], w[13])
        round(d, e, f, &g, h, a, b, &c, &bc, 0xa4506ceb &+ w[13])
        w[14] = expand(w[12], w[7], w[15], w[14])
        round(c, d, e, &f, g, h, a, &b, &bc, 0xbef9a3f7 &+ w[14])
        w[15] = expand(w[13], w[8], w[0], w[15])
        round(b, c, d, &e, f, g, h, &a, &bc, 0xc67178f2 &+ w[15])
        h0 &+= a
        h1 &+= b
        h2 &+= c
        h3 &+= d
        h4 &+= e
        h5 &+= f
        h6 &+= g
        h7 &+= h
    }
}

/// One SHA-256 round (FIPS 180-4 §6.2.2 step 3); the caller rotates the roles of the eight words.
///
/// Σ1 and Σ0 use the nested form of the three rotations (ROTR^6 ⊕ ROTR^11 ⊕ ROTR^25 =
/// ROTR^6(ROTR^5(ROTR^14(e) ⊕ e) ⊕ e), same for Σ0), and Maj(a, b, c) = ((a ⊕ b) ∧ (b ⊕ c)) ⊕ b
/// reuses `b ⊕ c`, which is the previous round's `a ⊕ b`: `bc` carries it to the next round.
@inline(__always)
private func round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
    _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ bc: inout UInt32, _ kw: UInt32
) {
    let sigma1 = rotr(rotr(rotr(e, 14) ^ e, 5) ^ e, 6)
    let choose = g ^ (e & (f ^ g))
    let t1 = h &+ sigma1 &+ choose &+ kw
    let sigma0 = rotr(rotr(rotr(a, 9) ^ a, 11) ^ a, 2)
    let ab = a ^ b
    let majority = (ab & bc) ^ b
    bc = ab
    d &+= t1
    h = t1 &+ sigma0 &+ majority
}

/// One word of the message schedule (FIPS 180-4 §6.2.2 step 1):
/// σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16].
@inline(__always)
private func expand(_ w2: UInt32, _ w7: UInt32, _ w15: UInt32, _ w16: UInt32) -> UInt32 {
    let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 &>> 3)
    let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 &>> 10)
    return s1 &+ w7 &+ s0 &+ w16
}

/// Rotation right by `n` bits, 0 < n < 32.
@inline(__always)
private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x &>> n) | (x &<< (32 &- n))
}
