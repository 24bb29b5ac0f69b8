import Foundation
import KimpleCore
import KimplePrivacy

/// A small ``PersonalDataHolder`` over any ``RecordLog`` (an ``InMemoryRecordLog`` or a
/// ``FileJournal``), used to check the privacy module and to measure it: erasure is a real
/// ``RecordLog/rewrite(_:)``, so erased bytes are gone from the store. It also lists its
/// records (``PersonalDataEnumerating``).
///
/// It is a sample, not a product store: lookups scan the log. Each record is one person's
/// entry with an e-mail (stored lower-cased), an optional phone, a participant id, fields
/// and categories.
public struct SamplePersonalDataHolder: PersonalDataEnumerating {
    /// One entry to store.
    public struct Entry: Sendable, Hashable {
        /// The record's id in the holder.
        public var recordID: String
        /// The participant.
        public var participant: ParticipantID
        /// The e-mail (stored lower-cased).
        public var email: String
        /// The phone, if any.
        public var phone: String?
        /// When it was recorded.
        public var recordedAt: Date
        /// The categories of data it holds.
        public var categories: Set<DataCategory>
        /// Other fields by name.
        public var fields: [String: String]

        /// An entry.
        public init(
            recordID: String, participant: ParticipantID, email: String, phone: String? = nil, recordedAt: Date,
            categories: Set<DataCategory> = [.email], fields: [String: String] = [:]
        ) {
            self.recordID = recordID
            self.participant = participant
            self.email = email
            self.phone = phone
            self.recordedAt = recordedAt
            self.categories = categories
            self.fields = fields
        }
    }

    /// The tenant whose data the holder keeps.
    public let tenant: TenantID
    /// The holder's name in proofs and certificates.
    public let holderName: String
    /// The log the entries live in.
    public let log: any RecordLog
    private let clock: any Clock

    /// A holder of `tenant`'s data named `name` over `log`.
    public init(tenant: TenantID, name: String, log: any RecordLog, clock: any Clock = SystemClock()) {
        self.tenant = tenant
        self.holderName = name
        self.log = log
        self.clock = clock
    }

    /// Stores `entries` as one atomic batch.
    public func add(_ entries: [Entry]) async throws {
        guard !entries.isEmpty else { return }
        try await log.append(contentsOf: entries.map(Self.encode))
    }

    // MARK: PersonalDataHolder

    /// Every record about `subject` (a scan of the log).
    public func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
        guard let matcher = Matcher(subject) else { return [] }
        var found: [PersonalDataRecord] = []
        try await log.forEach { record in
            if try matcher.matches(record.payload) { found.append(try decode(record.payload)) }
        }
        return found
    }

    /// Removes every record about `subject` with a rewrite of the log.
    public func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
        var erased: [String] = []
        if let matcher = Matcher(subject) {
            _ = try await log.rewrite { record in
                guard try matcher.matches(record.payload) else { return record.payload }
                erased.append(try Self.recordID(record.payload))
                return nil
            }
        }
        return ErasureOutcome(holder: holderName, recordIDs: erased, removed: true, completedAt: clock.now)
    }

    /// Replaces `field` in every record about `subject` with a rewrite of the log.
    public func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] {
        guard let matcher = Matcher(subject) else { return [] }
        var changed: [String] = []
        _ = try await log.rewrite { record in
            guard try matcher.matches(record.payload) else { return record.payload }
            var entry = try Self.entry(record.payload)
            switch field {
            case "email": entry.email = value
            case "phone": entry.phone = value
            default: entry.fields[field] = value
            }
            changed.append(entry.recordID)
            return Self.encode(entry)
        }
        return changed
    }

    /// Removes every record recorded before `cutoff` with a rewrite of the log.
    public func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
        var erased: [String] = []
        _ = try await log.rewrite { record in
            let entry = try Self.entry(record.payload)
            guard entry.recordedAt < cutoff else { return record.payload }
            erased.append(entry.recordID)
            return nil
        }
        return ErasureOutcome(holder: holderName, recordIDs: erased, removed: true, completedAt: clock.now)
    }

    /// Removes every record with a rewrite of the log.
    public func eraseAll() async throws -> ErasureOutcome {
        var erased: [String] = []
        _ = try await log.rewrite { record in
            erased.append(try Self.recordID(record.payload))
            return nil
        }
        return ErasureOutcome(holder: holderName, recordIDs: erased, removed: true, completedAt: clock.now)
    }

    /// The number of records in the log.
    public func recordCount() async throws -> Int {
        try await log.count()
    }

    /// Calls `body` with every record, in log order.
    nonisolated(nonsending) public func forEachRecord(_ body: (PersonalDataRecord) throws -> Bool) async throws {
        try await log.read(from: 0) { record in try body(try decode(record.payload)) }
    }

    // MARK: Encoding

    /// Version 1: `u8 1`, record id, e-mail, phone (empty: none), participant, recordedAt
    /// (microseconds, i64), categories, then the fields as (name, value) pairs.
    static func encode(_ entry: Entry) -> Data {
        var w = BinaryWriter(capacity: 128)
        w.write(UInt8(1))
        w.writeString(entry.recordID)
        w.writeString(entry.email.lowercased())
        w.writeString(entry.phone ?? "")
        w.writeString(entry.participant.rawValue)
        w.write(Int64((entry.recordedAt.timeIntervalSince1970 * 1_000_000).rounded()))
        w.writeVarint(UInt64(entry.categories.count))
        for category in entry.categories.sorted() { w.writeString(category.rawValue) }
        w.writeVarint(UInt64(entry.fields.count))
        for (name, value) in entry.fields.sorted(by: { $0.key < $1.key }) {
            w.writeString(name)
            w.writeString(value)
        }
        return w.data
    }

    static func entry(_ payload: Data) throws -> Entry {
        try payload.withUnsafeBytes { bytes in
            var r = InPlaceReader(bytes: bytes)
            guard try r.byte() == 1 else {
                throw KimpleError(.storageCorrupted, "Unknown sample record version.")
            }
            let recordID = try r.string()
            let email = try r.string()
            let phone = try r.string()
            let participantText = try r.string()
            let micros = try r.int64()
            var categories = Set<DataCategory>()
            for _ in 0..<(try r.varint()) {
                let name = try r.string()
                guard let category = knownCategories[name] ?? DataCategory(rawValue: name) else {
                    throw KimpleError(.storageCorrupted, "A stored category is not valid.")
                }
                categories.insert(category)
            }
            var fields: [String: String] = [:]
            for _ in 0..<(try r.varint()) {
                let name = try r.string()
                fields[name] = try r.string()
            }
            guard let participant = ParticipantID(rawValue: participantText) else {
                throw KimpleError(.storageCorrupted, "A stored participant id is not valid.")
            }
            return Entry(
                recordID: recordID, participant: participant, email: email, phone: phone.isEmpty ? nil : phone,
                recordedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), categories: categories,
                fields: fields)
        }
    }

    /// Reads ``BinaryWriter``'s format in place, without copying the payload.
    private struct InPlaceReader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        static func truncated() -> KimpleError {
            KimpleError(.storageCorrupted, "A sample record is truncated.")
        }

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Self.truncated() }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw Self.truncated() }
                value |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return value }
                shift += 7
            }
        }

        mutating func int64() throws -> Int64 {
            guard bytes.count - offset >= 8 else { throw Self.truncated() }
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return Int64(bitPattern: value)
        }

        mutating func string() throws -> String {
            let length = try varint()
            guard length <= UInt64(bytes.count - offset) else { throw Self.truncated() }
            let end = offset + Int(length)
            defer { offset = end }
            guard let text = String(validating: bytes[offset..<end], as: UTF8.self) else {
                throw KimpleError(.storageCorrupted, "Stored text is not valid UTF-8.")
            }
            return text
        }
    }

    private func decode(_ payload: Data) throws -> PersonalDataRecord {
        let entry = try Self.entry(payload)
        var fields = entry.fields
        fields["email"] = entry.email
        if let phone = entry.phone { fields["phone"] = phone }
        fields["participant"] = entry.participant.rawValue
        return PersonalDataRecord(
            holder: holderName, recordID: entry.recordID, recordedAt: entry.recordedAt, categories: entry.categories,
            fields: fields)
    }

    private static func recordID(_ payload: Data) throws -> String {
        var r = BinaryReader(payload)
        _ = try r.readUInt8()
        return try r.readString()
    }

    /// Finds a subject's records by reading only the locating field, in place.
    private struct Matcher {
        /// The field after the record id: 1 e-mail, 2 phone, 3 participant.
        let position: Int
        let target: [UInt8]

        init?(_ subject: SubjectLocator) {
            switch subject {
            case .email(let value): (position, target) = (1, Array(value.lowercased().utf8))
            case .phone(let value): (position, target) = (2, Array(value.utf8))
            case .participant(let id): (position, target) = (3, Array(id.rawValue.utf8))
            case .hostKey: return nil
            }
            if target.isEmpty { return nil }
        }

        func matches(_ payload: Data) throws -> Bool {
            try payload.withUnsafeBytes { bytes in
                var offset = 1  // version byte
                for field in 0...position {
                    var length = 0
                    var shift = 0
                    while true {
                        guard offset < bytes.count, shift < 63 else {
                            throw KimpleError(.storageCorrupted, "A sample record is truncated.")
                        }
                        let byte = bytes[offset]
                        offset += 1
                        length |= Int(byte & 0x7F) << shift
                        if byte & 0x80 == 0 { break }
                        shift += 7
                    }
                    guard length <= bytes.count - offset else {
                        throw KimpleError(.storageCorrupted, "A sample record is truncated.")
                    }
                    if field == position {
                        guard length == target.count else { return false }
                        return target.withUnsafeBytes { $0.elementsEqual(bytes[offset..<(offset + length)]) }
                    }
                    offset += length
                }
                return false
            }
        }
    }

    /// The SDK's categories by name, so that decoding does not validate them again.
    private static let knownCategories: [String: DataCategory] = Dictionary(
        uniqueKeysWithValues: [
            DataCategory.identity, .name, .birthDate, .contact, .email, .phone, .postalAddress, .online, .ipAddress,
            .deviceIdentifier, .userAgent, .participation, .answers, .submittedContent, .consents, .special,
        ].map { ($0.rawValue, $0) } + DataCategory.specialCategories.map { ($0.rawValue, $0) })
}
