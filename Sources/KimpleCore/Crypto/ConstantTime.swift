#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Whether `a` and `b` hold the same bytes, in a time that depends only on their lengths.
///
/// Use it to check secrets such as authentication codes or password hashes (K-5, C-8), where `==`
/// would reveal through its timing how many leading bytes match. Sequences of different lengths
/// return `false` at once: the length is not treated as a secret.
@inlinable
public func constantTimeEquals(_ a: some DataProtocol, _ b: some DataProtocol) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) {
        difference |= x ^ y
    }
    return difference == 0
}

/// Whether two digests are equal, comparing all 32 bytes whatever their contents (K-5, C-8).
@inlinable
public func constantTimeEquals(_ a: SHA256Digest, _ b: SHA256Digest) -> Bool {
    let difference = (a.w0 ^ b.w0) | (a.w1 ^ b.w1) | (a.w2 ^ b.w2) | (a.w3 ^ b.w3)
    return difference == 0
}
