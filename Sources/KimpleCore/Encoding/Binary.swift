#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builds the SDK's binary encodings: little-endian fixed-width integers, LEB128 varints,
/// length-prefixed byte strings. Used for journal frames, stored records and hashed
/// canonical forms; documented in `Documentation/Interoperability.md`.
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes before it reallocates.
    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    /// Appends 2 bytes, little-endian.
    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    /// Appends 4 bytes, little-endian.
    public mutating func write(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Appends 8 bytes, little-endian.
    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Appends 8 bytes: the two's-complement bit pattern, little-endian.
    public mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }

    /// Unsigned LEB128: 7 bits per byte, low bits first, high bit set on every byte but the last.
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Raw bytes, no length.
    public mutating func writeRaw(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// A varint length followed by the bytes.
    public mutating func writeBytes(_ data: some Collection<UInt8>) {
        writeVarint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    /// A varint length followed by the UTF-8 bytes.
    public mutating func writeString(_ string: String) {
        var s = string
        s.withUTF8 { writeBytes($0) }
    }

    /// The bytes as `Data`.
    public var data: Data { Data(bytes) }
}

/// Reads what ``BinaryWriter`` wrote. Every read checks bounds and throws
/// `storage.corrupted` instead of trapping on truncated or hostile bytes.
public struct BinaryReader {
    private let bytes: [UInt8]
    /// The read position.
    public private(set) var offset: Int

    /// A reader at offset 0 of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// A reader at offset 0 of the bytes of `data`.
    public init(_ data: Data) { self.init([UInt8](data)) }

    /// Whether every byte was read.
    public var isAtEnd: Bool { offset == bytes.count }
    /// Bytes left.
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw KimpleError(.storageCorrupted, "Stored bytes end too early.", context: ["offset": String(offset)])
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Reads one byte. Throws `storage.corrupted` when no byte is left.
    public mutating func readUInt8() throws -> UInt8 { try take(1).first ?? 0 }

    /// Reads 2 bytes, little-endian. Throws `storage.corrupted` when fewer are left.
    public mutating func readUInt16() throws -> UInt16 {
        try take(2).reversed().reduce(0) { $0 << 8 | UInt16($1) }
    }

    /// Reads 4 bytes, little-endian. Throws `storage.corrupted` when fewer are left.
    public mutating func readUInt32() throws -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Reads 8 bytes, little-endian. Throws `storage.corrupted` when fewer are left.
    public mutating func readUInt64() throws -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads 8 bytes, little-endian, as a two's-complement signed integer. Throws `storage.corrupted`
    /// when fewer are left.
    public mutating func readInt64() throws -> Int64 { Int64(bitPattern: try readUInt64()) }

    /// Reads an unsigned LEB128 varint (see ``BinaryWriter/writeVarint(_:)``). Throws
    /// `storage.corrupted` when the bytes end inside it or when it does not fit in 64 bits.
    public mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readUInt8()
            guard shift < 64, shift < 63 || byte <= 1 else {
                throw KimpleError(
                    .storageCorrupted, "A stored number is too large.", context: ["offset": String(offset)])
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads exactly `count` bytes. Throws `storage.corrupted` when fewer are left.
    public mutating func readRaw(_ count: Int) throws -> [UInt8] { Array(try take(count)) }

    /// Reads a varint length and that many bytes (what ``BinaryWriter/writeBytes(_:)`` wrote).
    /// Throws `storage.corrupted` when the length runs past the end.
    public mutating func readBytes() throws -> [UInt8] {
        let count = try readVarint()
        guard count <= UInt64(remaining) else {
            throw KimpleError(.storageCorrupted, "Stored bytes end too early.", context: ["offset": String(offset)])
        }
        return try readRaw(Int(count))
    }

    /// A length-prefixed UTF-8 string; throws `storage.corrupted` for invalid UTF-8.
    public mutating func readString() throws -> String {
        let raw = try readBytes()
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw KimpleError(.storageCorrupted, "Stored text is not valid UTF-8.", context: ["offset": String(offset)])
        }
        return string
    }
}
