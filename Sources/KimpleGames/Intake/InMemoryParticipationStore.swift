import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A ``ParticipationStore`` held in memory: for tests, demos, and hosts that keep their
/// entries elsewhere after a campaign.
///
/// Every call is atomic under one lock held for a few hundred nanoseconds. Entries are
/// kept in their binary record form (see `Documentation/Games.md`) in 1 MiB byte chunks,
/// with a 16-byte slot each and the limit index: about 200 bytes per entry for a
/// five-field form. Erasure overwrites an entry's bytes with zeros. "Durable" means "in
/// this process's memory". Ids are `e1`, `e2`... in insert order.
public final class InMemoryParticipationStore: ParticipationStore, PersonalDataEnumerating {
    private struct Slot {
        /// Chunk number in the high 32 bits, offset in the low 32 bits.
        var location: UInt64
        /// Record length; 0 once erased.
        var length: UInt32
        var operation: UInt32
    }

    private struct State {
        var index = ParticipationIndex()
        /// Slots of entries, in chunks of `slotChunk` (sequence `n` is slot `n - 1`).
        var slots: [[Slot]] = []
        var slotCount = 0
        var arena: [[UInt8]] = []
    }

    private enum InsertStep {
        case stored(UInt64)
        case full(Int)
    }

    private static let slotChunk = 1 << 16
    private static let arenaChunk = 1 << 20

    /// The tenant whose participations these are.
    public let tenant: TenantID
    /// `games.participations`.
    public var holderName: String { ParticipationSubjects.holderName }
    private let clock: any Clock
    private let state = Mutex(State())

    /// An empty store for `tenant`; `clock` dates erasure outcomes.
    public init(tenant: TenantID, clock: any Clock) {
        self.tenant = tenant
        self.clock = clock
    }

    // MARK: ParticipationStore

    /// Implements ``ParticipationStore/insert(_:maximumPerPeriod:)``: limit check and insert under one lock.
    public func insert(_ draft: EntryDraft, maximumPerPeriod: Int) async throws -> ParticipationInsert {
        try ParticipationSubjects.checkMaximum(maximumPerPeriod)
        let bytes = EntryCoding.encode(draft)
        let outcome: InsertStep = try state.withLock { state in
            let operation = state.index.number(of: draft.operation)
            let key = try ParticipationIndex.key(draft.identity, period: draft.period, operation: operation)
            let existing = state.index.claim(key, maximum: maximumPerPeriod)
            guard existing < maximumPerPeriod else { return .full(existing) }
            let location = Self.store(bytes, in: &state.arena)
            Self.append(
                Slot(location: location, length: UInt32(bytes.count), operation: operation), to: &state)
            return .stored(UInt64(state.slotCount))
        }
        switch outcome {
        case .stored(let sequence):
            return .inserted(
                ParticipationEntry(
                    id: ParticipationEntry.referenceID(sequence: sequence), sequence: sequence, draft: draft))
        case .full(let existing):
            return .limitReached(existing: existing)
        }
    }

    /// Implements ``ParticipationStore/entry(_:)``.
    public func entry(_ id: EntryID) async throws -> ParticipationEntry? {
        guard let sequence = ParticipationEntry.referenceSequence(of: id) else { return nil }
        let bytes: [UInt8]? = state.withLock { state in
            guard sequence >= 1, sequence <= UInt64(state.slotCount) else { return nil }
            let slot = Self.slot(Int(sequence - 1), in: state)
            return slot.length == 0 ? nil : Self.bytes(of: slot, in: state)
        }
        return try bytes.map { bytes in
            try bytes.withUnsafeBytes { try EntryCoding.decodeEntry($0, sequence: sequence) }
        }
    }

    /// Calls `body` with every entry of `operation` in sequence order, from memory; rethrows what `body` throws.
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        try scan(operation, from: 0, body)
    }

    /// Implements ``ParticipationStore/forEachEntry(of:after:_:)``: starts at the slot after `sequence`.
    nonisolated(nonsending) public func forEachEntry(
        of operation: OperationID, after sequence: UInt64, _ body: (ParticipationEntry) throws -> Bool
    ) async throws {
        guard sequence < UInt64(Int.max) else { return }
        try scan(operation, from: Int(sequence), body)
    }

    /// Calls `body` with the entries of `operation` from slot `start` on (sequence `start + 1`),
    /// decoding them outside the lock, 512 at a time.
    private func scan(
        _ operation: OperationID, from start: Int, _ body: (ParticipationEntry) throws -> Bool
    ) throws {
        var next = start
        while true {
            let (batch, resume): ([(UInt64, [UInt8])], Int?) = state.withLock { state in
                guard let number = state.index.existingNumber(of: operation) else { return ([], nil) }
                var batch: [(UInt64, [UInt8])] = []
                var position = next
                while position < state.slotCount, batch.count < 512 {
                    let slot = Self.slot(position, in: state)
                    position += 1
                    if slot.length > 0, slot.operation == number {
                        batch.append((UInt64(position), Self.bytes(of: slot, in: state)))
                    }
                }
                return (batch, position < state.slotCount ? position : nil)
            }
            for (sequence, bytes) in batch {
                let entry = try bytes.withUnsafeBytes { try EntryCoding.decodeEntry($0, sequence: sequence) }
                guard try body(entry) else { return }
            }
            guard let resume else { return }
            next = resume
        }
    }

    /// Implements ``ParticipationStore/entryCount(of:)``.
    public func entryCount(of operation: OperationID) async throws -> Int {
        state.withLock { $0.index.entryCount(of: operation) }
    }

    /// Implements ``ParticipationStore/entryCount(of:operation:period:)``.
    public func entryCount(of identity: IdentityKey, operation: OperationID, period: Int64) async throws -> Int {
        try state.withLock { state in
            guard let number = state.index.existingNumber(of: operation) else { return 0 }
            return state.index.count(try ParticipationIndex.key(identity, period: period, operation: number))
        }
    }

    /// Implements ``ParticipationStore/bindIdentitySecret(_:)``; throws `participation.identity_secret_mismatch`.
    public func bindIdentitySecret(_ fingerprint: SHA256Digest) async throws {
        try state.withLock { state in
            if let bound = state.index.fingerprint {
                guard constantTimeEquals(bound, fingerprint) else { throw ParticipationSubjects.secretMismatch() }
            } else {
                state.index.fingerprint = fingerprint
            }
        }
    }

    // MARK: PersonalDataHolder

    /// Every entry about `subject` (see ``ParticipationStore`` for how locators are normalised).
    public func records(of subject: SubjectLocator) async throws -> [PersonalDataRecord] {
        let matches = ParticipationSubjects.matcher(subject)
        return try allEntries().filter(matches).map(ParticipationSubjects.record)
    }

    /// Erases every entry about `subject` for real and forgets their identity keys.
    public func erase(_ subject: SubjectLocator) async throws -> ErasureOutcome {
        let matches = ParticipationSubjects.matcher(subject)
        return try eraseEntries(where: matches)
    }

    /// Sets `field` (a form field, `participant`, `hostKey` or `source`) to `value` in every entry about `subject`.
    public func rectify(_ subject: SubjectLocator, field: String, value: String) async throws -> [String] {
        let matches = ParticipationSubjects.matcher(subject)
        return try state.withLock { state in
            var changed: [String] = []
            for position in 0..<state.slotCount {
                let slot = Self.slot(position, in: state)
                guard slot.length > 0 else { continue }
                let sequence = UInt64(position + 1)
                let entry = try Self.bytes(of: slot, in: state).withUnsafeBytes {
                    try EntryCoding.decodeEntry($0, sequence: sequence)
                }
                guard matches(entry), let draft = ParticipationSubjects.rectified(entry, field: field, value: value)
                else { continue }
                let bytes = EntryCoding.encode(draft)
                Self.zero(slot, in: &state.arena)
                let location = Self.store(bytes, in: &state.arena)
                Self.update(position, in: &state) {
                    $0.location = location
                    $0.length = UInt32(bytes.count)
                }
                changed.append(entry.id.rawValue)
            }
            return changed
        }
    }

    /// Erases every entry received before `cutoff` (removed, not pseudonymised).
    public func eraseRecorded(before cutoff: Date) async throws -> ErasureOutcome {
        try await eraseRecorded(before: cutoff, in: .all)
    }

    /// Erases the entries of the operations `scope` reaches that were received before `cutoff`
    /// (removed, not pseudonymised).
    public func eraseRecorded(before cutoff: Date, in scope: RetentionScope) async throws -> ErasureOutcome {
        try eraseEntries { $0.receivedAt < cutoff && scope.contains($0.operation.rawValue) }
    }

    /// Erases every entry; the identity-secret binding stays.
    public func eraseAll() async throws -> ErasureOutcome {
        try eraseEntries { _ in true }
    }

    /// The number of entries held.
    public func recordCount() async throws -> Int {
        state.withLock { $0.index.liveCount }
    }

    // MARK: PersonalDataEnumerating

    /// Calls `body` with every entry held, as a personal-data record, in sequence order,
    /// until it returns `false` (P-9, P-10: return and statistics at the end of the contract).
    nonisolated(nonsending) public func forEachRecord(_ body: (PersonalDataRecord) throws -> Bool) async throws {
        var next = 0
        while true {
            let (batch, resume): ([(UInt64, [UInt8])], Int?) = state.withLock { state in
                var batch: [(UInt64, [UInt8])] = []
                var position = next
                while position < state.slotCount, batch.count < 512 {
                    let slot = Self.slot(position, in: state)
                    position += 1
                    if slot.length > 0 { batch.append((UInt64(position), Self.bytes(of: slot, in: state))) }
                }
                return (batch, position < state.slotCount ? position : nil)
            }
            for (sequence, bytes) in batch {
                let entry = try bytes.withUnsafeBytes { try EntryCoding.decodeEntry($0, sequence: sequence) }
                guard try body(ParticipationSubjects.record(entry)) else { return }
            }
            guard let resume else { return }
            next = resume
        }
    }

    // MARK: Internals

    private func allEntries() throws -> [ParticipationEntry] {
        try state.withLock { state in
            var entries: [ParticipationEntry] = []
            for position in 0..<state.slotCount {
                let slot = Self.slot(position, in: state)
                guard slot.length > 0 else { continue }
                entries.append(
                    try Self.bytes(of: slot, in: state).withUnsafeBytes {
                        try EntryCoding.decodeEntry($0, sequence: UInt64(position + 1))
                    })
            }
            return entries
        }
    }

    private func eraseEntries(where matches: (ParticipationEntry) -> Bool) throws -> ErasureOutcome {
        let erased: [String] = try state.withLock { state in
            var erased: [String] = []
            for position in 0..<state.slotCount {
                let slot = Self.slot(position, in: state)
                guard slot.length > 0 else { continue }
                let entry = try Self.bytes(of: slot, in: state).withUnsafeBytes {
                    try EntryCoding.decodeEntry($0, sequence: UInt64(position + 1))
                }
                guard matches(entry) else { continue }
                Self.zero(slot, in: &state.arena)
                Self.update(position, in: &state) { $0.length = 0 }
                state.index.release(
                    try ParticipationIndex.key(entry.identity, period: entry.period, operation: slot.operation))
                erased.append(entry.id.rawValue)
            }
            return erased
        }
        return ErasureOutcome(holder: holderName, recordIDs: erased, removed: true, completedAt: clock.now)
    }

    private static func slot(_ position: Int, in state: State) -> Slot {
        state.slots[position >> 16][position & (slotChunk - 1)]
    }

    private static func update(_ position: Int, in state: inout State, _ change: (inout Slot) -> Void) {
        change(&state.slots[position >> 16][position & (slotChunk - 1)])
    }

    private static func append(_ slot: Slot, to state: inout State) {
        if state.slotCount & (slotChunk - 1) == 0 {
            var chunk: [Slot] = []
            chunk.reserveCapacity(slotChunk)
            state.slots.append(chunk)
        }
        state.slots[state.slots.count - 1].append(slot)
        state.slotCount += 1
    }

    private static func store(_ bytes: [UInt8], in arena: inout [[UInt8]]) -> UInt64 {
        if arena.isEmpty || arena[arena.count - 1].count + bytes.count > arena[arena.count - 1].capacity {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(max(arenaChunk, bytes.count))
            arena.append(chunk)
        }
        let chunk = arena.count - 1
        let offset = arena[chunk].count
        arena[chunk].append(contentsOf: bytes)
        return UInt64(chunk) << 32 | UInt64(offset)
    }

    private static func bytes(of slot: Slot, in state: State) -> [UInt8] {
        let chunk = Int(slot.location >> 32)
        let offset = Int(slot.location & 0xFFFF_FFFF)
        return Array(state.arena[chunk][offset..<offset + Int(slot.length)])
    }

    private static func zero(_ slot: Slot, in arena: inout [[UInt8]]) {
        let chunk = Int(slot.location >> 32)
        let offset = Int(slot.location & 0xFFFF_FFFF)
        for index in offset..<offset + Int(slot.length) { arena[chunk][index] = 0 }
    }
}
