import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The binary record of the reference participation stores (documented in
/// `Documentation/Games.md`): a format byte, a kind byte, then the kind's fields. Integers
/// are LEB128 varints unless stated; strings are a varint length and UTF-8 bytes.
///
/// Kind 1, an entry: operation id, identity key (16 bytes), period (zig-zag varint),
/// received-at (IEEE 754 double, seconds since 2001-01-01T00:00:00Z, 8 bytes little-endian),
/// a flags byte (1 participant, 2 host key, 4 source) and the flagged strings, the fields
/// (count, then name, category code, value) and the consents (count, then names).
/// Kind 2, the identity-secret fingerprint: 32 bytes.
enum EntryCoding {
    static let format: UInt8 = 1
    static let entryKind: UInt8 = 1
    static let fingerprintKind: UInt8 = 2

    /// Category codes: 0 is a custom category written as a string after the code; 1... index this list.
    static let knownCategories: [DataCategory] =
        [
            .name, .birthDate, .email, .phone, .postalAddress, .answers, .submittedContent, .consents, .ipAddress,
            .deviceIdentifier, .userAgent, .identity, .contact, .participation, .online, .special,
        ] + DataCategory.specialCategories
    private static let categoryCodes: [DataCategory: UInt8] = Dictionary(
        uniqueKeysWithValues: knownCategories.enumerated().map { ($1, UInt8($0 + 1)) })

    /// The record code of `category`: its position in ``knownCategories`` plus one, or 0.
    static func code(of category: DataCategory) -> UInt8 { categoryCodes[category] ?? 0 }

    /// The header every entry record starts with: what the index needs.
    struct Header {
        var operation: OperationID
        var identity: IdentityKey
        var period: Int64
    }

    enum Record {
        case entry(Header)
        case fingerprint(SHA256Digest)
    }

    static func encode(_ draft: EntryDraft) -> [UInt8] {
        var writer = BinaryWriter(capacity: 96 + draft.fields.count * 24)
        writer.write(format)
        writer.write(entryKind)
        writer.writeString(draft.operation.rawValue)
        writer.write(draft.identity.high.bigEndian)
        writer.write(draft.identity.low.bigEndian)
        writer.writeVarint(UInt64(bitPattern: (draft.period << 1) ^ (draft.period >> 63)))
        writer.write(draft.receivedAt.timeIntervalSinceReferenceDate.bitPattern)
        var flags: UInt8 = 0
        if draft.participant != nil { flags |= 1 }
        if draft.hostKey != nil { flags |= 2 }
        if draft.source != nil { flags |= 4 }
        writer.write(flags)
        if let participant = draft.participant { writer.writeString(participant.rawValue) }
        if let hostKey = draft.hostKey { writer.writeString(hostKey) }
        if let source = draft.source { writer.writeString(source) }
        writer.writeVarint(UInt64(draft.fields.count))
        for field in draft.fields {
            writer.writeString(field.name)
            writer.write(field.categoryCode)
            if field.categoryCode == 0 { writer.writeString(field.category.rawValue) }
            writer.writeString(field.value)
        }
        writer.writeVarint(UInt64(draft.consents.count))
        for consent in draft.consents { writer.writeString(consent) }
        return writer.bytes
    }

    static func encodeFingerprint(_ fingerprint: SHA256Digest) -> [UInt8] {
        [format, fingerprintKind] + fingerprint.bytes
    }

    /// Reads the record kind and, for an entry, its header.
    static func decodeRecord(_ bytes: UnsafeRawBufferPointer) throws -> Record {
        var reader = ByteReader(bytes)
        guard try reader.byte() == format else { throw corrupted("unknown participation record format") }
        switch try reader.byte() {
        case entryKind:
            return .entry(try header(&reader))
        case fingerprintKind:
            guard let digest = SHA256Digest(bytes: try reader.raw(32)) else { throw corrupted("bad fingerprint") }
            return .fingerprint(digest)
        default:
            throw corrupted("unknown participation record kind")
        }
    }

    /// Decodes an entry record stored at `sequence`.
    static func decodeEntry(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) throws -> ParticipationEntry {
        var reader = ByteReader(bytes)
        guard try reader.byte() == format, try reader.byte() == entryKind else {
            throw corrupted("not a participation entry")
        }
        let head = try header(&reader)
        let received = Date(timeIntervalSinceReferenceDate: Double(bitPattern: try reader.uint64()))
        let flags = try reader.byte()
        var draft = EntryDraft(
            operation: head.operation, identity: head.identity, period: head.period, receivedAt: received, fields: [],
            consents: [])
        if flags & 1 != 0 {
            guard let participant = ParticipantID(rawValue: try reader.string()) else { throw corrupted("participant") }
            draft.participant = participant
        }
        if flags & 2 != 0 { draft.hostKey = try reader.string() }
        if flags & 4 != 0 { draft.source = try reader.string() }
        let fieldCount = try reader.count()
        draft.fields.reserveCapacity(fieldCount)
        for _ in 0..<fieldCount {
            let name = try reader.string()
            let code = try reader.varint()
            let category: DataCategory
            if code == 0 {
                guard let custom = DataCategory(rawValue: try reader.string()) else { throw corrupted("category") }
                category = custom
            } else {
                guard code <= UInt64(knownCategories.count) else { throw corrupted("category code") }
                category = knownCategories[Int(code - 1)]
            }
            draft.fields.append(
                EntryField(
                    name: name, value: try reader.string(), category: category, code: UInt8(truncatingIfNeeded: code)))
        }
        let consentCount = try reader.count()
        draft.consents.reserveCapacity(consentCount)
        for _ in 0..<consentCount { draft.consents.append(try reader.string()) }
        guard reader.isAtEnd else { throw corrupted("trailing bytes") }
        return ParticipationEntry(
            id: ParticipationEntry.referenceID(sequence: sequence), sequence: sequence, draft: draft)
    }

    private static func header(_ reader: inout ByteReader) throws -> Header {
        guard let operation = OperationID(rawValue: try reader.string()) else { throw corrupted("operation id") }
        let high = UInt64(bigEndian: try reader.uint64())
        let low = UInt64(bigEndian: try reader.uint64())
        let zigzag = try reader.varint()
        let period = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        return Header(operation: operation, identity: IdentityKey(high: high, low: low), period: period)
    }

    static func corrupted(_ what: String) -> KimpleError {
        KimpleError(.storageCorrupted, "A stored participation does not decode: \(what).")
    }
}

/// A bounds-checked reader over borrowed bytes (no copy): every read throws
/// `storage.corrupted` instead of trapping on truncated bytes.
struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw EntryCoding.corrupted("truncated") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// 8 bytes, little-endian (as `BinaryWriter.write(UInt64)`).
    mutating func uint64() throws -> UInt64 {
        guard bytes.count - offset >= 8 else { throw EntryCoding.corrupted("truncated") }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try self.byte()
            guard shift < 64, shift < 63 || byte <= 1 else { throw EntryCoding.corrupted("varint") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// A count that cannot exceed the bytes left (each counted item takes at least one byte).
    mutating func count() throws -> Int {
        let value = try varint()
        guard value <= UInt64(bytes.count - offset) else { throw EntryCoding.corrupted("count") }
        return Int(value)
    }

    mutating func raw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw EntryCoding.corrupted("truncated") }
        defer { offset += count }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
    }

    mutating func string() throws -> String {
        let length = try count()
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
        guard let text = String(validating: slice, as: UTF8.self) else { throw EntryCoding.corrupted("text") }
        offset += length
        return text
    }
}
