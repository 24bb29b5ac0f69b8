#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// SHA-256 (FIPS 180-4): a streaming hasher and one-shot helpers (K-5 evidence log hashes, G-6
/// entry-list hashes, C-8 password hashes through ``PBKDF2``).
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update("entry-1\n")
/// hasher.update(moreBytes)
/// let digest = hasher.finalize()
/// ```
///
/// The hasher is a value with no heap storage: copying it forks the computation, and
/// ``finalize()`` does not change it, so a caller can read an intermediate digest and keep
/// adding data.
public struct SHA256: Sendable {
    /// The block size of SHA-256 in bytes: 64.
    public static let blockByteCount = 64

    /// A 64-byte block as eight 64-bit words, so the hasher needs no heap storage.
    typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private var state: SHA256State
    private var buffer: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    /// Bytes waiting in `buffer`, 0..<64.
    private var bufferCount = 0
    /// Bytes hashed so far, modulo 2^64.
    private var byteCount: UInt64

    /// A hasher with nothing hashed yet.
    public init() {
        self.state = .initial
        self.byteCount = 0
    }

    /// A hasher resuming from `state` after `byteCount` bytes (a multiple of 64), as HMAC needs.
    init(resuming state: SHA256State, byteCount: UInt64) {
        self.state = state
        self.byteCount = byteCount
    }

    /// Adds the bytes of `bytes` to the message.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count > 0 else { return }
        byteCount &+= UInt64(count)
        var input = bytes
        var state = self.state
        var pending = bufferCount
        SHA256State.withSchedule { w in
            withUnsafeMutableBytes(of: &buffer) { block in
                if pending > 0 {
                    let taken = Swift.min(64 - pending, input.count)
                    UnsafeMutableRawBufferPointer(rebasing: block[pending..<(pending + taken)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: input[0..<taken]))
                    pending += taken
                    input = UnsafeRawBufferPointer(rebasing: input[taken...])
                    guard pending == 64 else { return }
                    state.compress(blocks: UnsafeRawBufferPointer(block), schedule: w)
                    pending = 0
                }
                let whole = input.count & ~63
                if whole > 0 {
                    state.compress(blocks: UnsafeRawBufferPointer(rebasing: input[0..<whole]), schedule: w)
                }
                let rest = input.count - whole
                if rest > 0 {
                    UnsafeMutableRawBufferPointer(rebasing: block[0..<rest])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: input[whole...]))
                    pending = rest
                }
            }
        }
        self.state = state
        self.bufferCount = pending
    }

    /// Adds `data` to the message (`Data`, `[UInt8]`, slices and any other `DataProtocol`).
    @inlinable
    public mutating func update(_ data: some DataProtocol) {
        let done: Void? = data.withContiguousStorageIfAvailable { update(bytes: UnsafeRawBufferPointer($0)) }
        guard done == nil else { return }
        for region in data.regions {
            region.withUnsafeBytes { update(bytes: $0) }
        }
    }

    /// Adds the UTF-8 bytes of `string` to the message.
    public mutating func update(_ string: String) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { update(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(string.utf8).withUnsafeBytes { update(bytes: $0) }
        }
    }

    /// The digest of everything added so far.
    ///
    /// Does not change the hasher: more data can be added afterwards, and a later `finalize()`
    /// covers everything added since `init()`.
    public func finalize() -> SHA256Digest {
        finalState().digest
    }

    /// The chaining words after padding and the last compression (the digest, as words).
    func finalState() -> SHA256State {
        var state = self.state
        var block = buffer
        let pending = bufferCount
        let bitLength = byteCount &<< 3
        SHA256State.withSchedule { w in
            withUnsafeMutableBytes(of: &block) { bytes in
                bytes[pending] = 0x80
                if pending + 1 > 56 {
                    for index in (pending + 1)..<64 { bytes[index] = 0 }
                    state.compress(blocks: UnsafeRawBufferPointer(bytes), schedule: w)
                    for index in 0..<56 { bytes[index] = 0 }
                } else {
                    for index in (pending + 1)..<56 { bytes[index] = 0 }
                }
                bytes.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
                state.compress(blocks: UnsafeRawBufferPointer(bytes), schedule: w)
            }
        }
        return state
    }

    /// The SHA-256 digest of `data`.
    @inlinable
    public static func hash(_ data: some DataProtocol) -> SHA256Digest {
        if let digest = data.withContiguousStorageIfAvailable({ hash(bytes: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalize()
    }

    /// The SHA-256 digest of the UTF-8 bytes of `string`.
    public static func hash(_ string: String) -> SHA256Digest {
        if let digest = string.utf8.withContiguousStorageIfAvailable({ hash(bytes: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(string.utf8).withUnsafeBytes { hash(bytes: $0) }
    }

    /// The SHA-256 digest of the bytes in `bytes`.
    public static func hash(bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        guard bytes.count <= 55 else {
            var hasher = SHA256()
            hasher.update(bytes: bytes)
            return hasher.finalize()
        }
        // A message of at most 55 bytes and its padding fit in one block: build it on the stack
        // and compress once.
        var block: Block = (0, 0, 0, 0, 0, 0, 0, 0)
        var state = SHA256State.initial
        withUnsafeMutableBytes(of: &block) { padded in
            if let base = bytes.baseAddress {
                padded.baseAddress?.copyMemory(from: base, byteCount: bytes.count)
            }
            padded[bytes.count] = 0x80
            padded.storeBytes(of: (UInt64(bytes.count) &<< 3).bigEndian, toByteOffset: 56, as: UInt64.self)
            SHA256State.withSchedule { w in state.compress(blocks: UnsafeRawBufferPointer(padded), schedule: w) }
        }
        return state.digest
    }
}
