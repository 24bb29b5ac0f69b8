/// A growable byte buffer with fast appends of text, used by the canonical forms and the
/// export encoders. Internal: callers see chunks of bytes, never the buffer.
///
/// A class over manually allocated memory, so that appending a byte is a store and a count
/// increment, also in debug builds (an export writes tens of millions of bytes). Used by one
/// task at a time; never shared.
final class ByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The bytes held.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// A copy of the bytes held.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Calls `body` with the bytes held (valid during the call only).
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The bytes held, then empties the buffer.
    func take() -> [UInt8] {
        let chunk = bytes
        count = 0
        return chunk
    }

    func removeAll() { count = 0 }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        let at = count
        if at == capacity { grow(at + 1) }
        base[at] = byte
        count = at + 1
    }

    func append(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        let start = count
        if start + raw.count > capacity { grow(start + raw.count) }
        UnsafeMutableRawPointer(base + start).copyMemory(from: source, byteCount: raw.count)
        count = start + raw.count
    }

    func append(_ raw: UnsafeBufferPointer<UInt8>) {
        append(UnsafeRawBufferPointer(raw))
    }

    /// Appends the UTF-8 bytes of `string`.
    func append(_ string: String) {
        var string = string
        string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `prefix` (when given) and the UTF-8 bytes of `string` if they are 1 to
    /// `maximumBytes` bytes, none below `lowest` nor 0x7F; returns `false` otherwise (what was
    /// appended then is unspecified).
    @inline(__always)
    func appendChecked(_ string: String, maximumBytes: Int, lowest: UInt8, prefix: UInt8? = nil) -> Bool {
        var string = string
        return string.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.count <= maximumBytes else { return false }
            for byte in bytes where byte < lowest || byte == 0x7F { return false }
            if let prefix { append(prefix) }
            append(UnsafeRawBufferPointer(bytes))
            return true
        }
    }

    /// ``appendChecked(_:maximumBytes:lowest:prefix:)`` that also returns the fingerprint of
    /// the bytes (``EntryIDDuplicates/fingerprint(bytes:)``), or `nil` when they break the rule.
    @inline(__always)
    func appendCheckedFingerprint(_ string: String, maximumBytes: Int, lowest: UInt8) -> UInt64? {
        var string = string
        return string.withUTF8 { bytes -> UInt64? in
            guard !bytes.isEmpty, bytes.count <= maximumBytes else { return nil }
            for byte in bytes where byte < lowest || byte == 0x7F { return nil }
            append(UnsafeRawBufferPointer(bytes))
            return EntryIDDuplicates.fingerprint(bytes: bytes)
        }
    }

    /// Appends the decimal digits of `value` (with a leading `-` when negative).
    func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(bitPattern: 0 &- value))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends the decimal digits of `value`.
    func appendDecimal(_ value: UInt64) {
        var digits = 1
        var scan = value
        while scan >= 10 {
            scan /= 10
            digits += 1
        }
        let start = count
        if start + digits > capacity { grow(start + digits) }
        let target = base + start
        var rest = value
        var position = digits
        while position > 0 {
            position -= 1
            target[position] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
            rest /= 10
        }
        count = start + digits
    }

    /// Appends `value` (0 or more) as exactly `width` decimal digits, zero-padded (the leading
    /// digits of a longer value are dropped).
    func appendPadded(_ value: Int, width: Int) {
        let start = count
        if start + width > capacity { grow(start + width) }
        let target = base + start
        var rest = value
        var position = width
        while position > 0 {
            position -= 1
            target[position] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
            rest /= 10
        }
        count = start + width
    }
}
