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
        public var recordID: String
        public var participant: ParticipantID
        public var email: String
        public var phone: String?
        public var recordedAt: Date
        public var categories: Set<DataCategory>
        public var fields: [String: String]

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

    public let holderName: String
    /// The log the entries live in.
    public let log: any RecordLog
    private let clock: any Clock

    /// A holder named `name` over `log`.
    public init(name: String, log: any RecordLog, clock: any Clock = SystemClock()) {
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

    public func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
        var found: [PersonalDataRecord] = []
        try await log.forEach { record in
            if try Self.matches(record.payload, subject) { found.append(try decode(record.payload)) }
        }
        return found
    }

    public func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
        var erased: [String] = []
        _ = try await log.rewrite { record in
            guard try Self.matches(record.payload, subject) else { return record.payload }
            erased.append(try Self.recordID(record.payload))
            return nil
        }
        return ErasureOutcome(holder: holderName, recordIDs: erased, removed: true, completedAt: clock.now)
    }

    public func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] {
        var changed: [String] = []
        _ = try await log.rewrite { record in
            guard try Self.matches(record.payload, subject) else { return record.payload }
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

    public func eraseAll() async throws -> ErasureOutcome {
        var erased: [String] = []
        _ = try await log.rewrite { record in
            erased.append(try Self.recordID(record.payload))
            return nil
        }
        return ErasureOutcome(holder: holderName, recordIDs: erased, removed: true, completedAt: clock.now)
    }

    public func recordCount() async throws -> Int {
        try await log.count()
    }

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
        var r = BinaryReader(payload)
        guard try r.readUInt8() == 1 else {
            throw KimpleError(.storageCorrupted, "Unknown sample record version.")
        }
        let recordID = try r.readString()
        let email = try r.readString()
        let phone = try r.readString()
        let participantText = try r.readString()
        let micros = try r.readInt64()
        var categories = Set<DataCategory>()
        for _ in 0..<(try r.readVarint()) {
            guard let category = DataCategory(rawValue: try r.readString()) else {
                throw KimpleError(.storageCorrupted, "A stored category is not valid.")
            }
            categories.insert(category)
        }
        var fields: [String: String] = [:]
        for _ in 0..<(try r.readVarint()) {
            let name = try r.readString()
            fields[name] = try r.readString()
        }
        guard let participant = ParticipantID(rawValue: participantText) else {
            throw KimpleError(.storageCorrupted, "A stored participant id is not valid.")
        }
        return Entry(
            recordID: recordID, participant: participant, email: email, phone: phone.isEmpty ? nil : phone,
            recordedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), categories: categories,
            fields: fields)
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

    /// Reads only the locating fields.
    private static func matches(_ payload: Data, _ subject: SubjectLocator) throws -> Bool {
        var r = BinaryReader(payload)
        _ = try r.readUInt8()
        _ = try r.readBytes()
        let email = try r.readString()
        let phone = try r.readString()
        let participant = try r.readString()
        switch subject {
        case .email(let value): return email == value.lowercased()
        case .phone(let value): return !phone.isEmpty && phone == value
        case .participant(let id): return participant == id.rawValue
        case .hostKey: return false
        }
    }
}
