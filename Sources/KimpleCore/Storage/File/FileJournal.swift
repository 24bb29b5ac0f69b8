import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file-based ``RecordLog``: an append-only journal of checksummed records in a
/// directory of segment files (K-6, K-7). The engine under every file store of the SDK.
///
/// - **Durability policy** (``Options/Durability``): fsync every write, grouped commit
///   (concurrent appenders share one fsync), or none. `append` returns only once its
///   batch is durable under the policy.
/// - **Recovery.** Opening scans every segment and checks every frame. A torn tail (a
///   write interrupted by a crash, never acknowledged) is truncated and reported in
///   ``recovery``. Damage in the middle of a file (media failure) is copied to
///   `quarantine/` and cut out; records before and after it are kept, and the report
///   says what was set aside.
/// - **Failed writes.** When a write or its fsync fails (EIO, a full disk...), the batch and
///   every batch queued behind it fail with `storage.io` (`storage.full` for a full disk),
///   never visible, and the segment is truncated back to its last durable size, that
///   truncation fsynced: a torn frame never stays for the next append to land after, and
///   the frames of a failed fsync (whose pages the kernel may have dropped) never come back.
///   The handle then goes on: the next append is written where the failed one started.
///   If the rollback fails too, the handle refuses writes until the store is reopened
///   (recovery then cuts whatever torn bytes are left).
/// - **Lock.** One handle per directory: a second open, from this process or another,
///   fails at once with `storage.locked`.
/// - **Appends wait during a ``rewrite(_:)``**, which erases records for real.
///
/// The format is described in `Documentation/Interoperability.md`.
public final class FileJournal: RecordLog {
    /// How a journal is written.
    public struct Options: Sendable, Hashable {
        /// When an append counts as durable.
        public enum Durability: String, Sendable, Hashable, Codable, CaseIterable {
            /// Every append is written and fsynced on its own before it returns: the
            /// safest and slowest policy (one fsync per append, appends never share one).
            case everyWrite
            /// Appends that arrive while an fsync runs are written together and share the
            /// next fsync (group commit). As safe as `everyWrite`, far faster under load.
            case grouped
            /// Appends are handed to the operating system and never fsynced: they survive
            /// a process crash but not a power loss or kernel crash.
            case none
        }

        /// The largest payload accepted by default: 16 MiB.
        public static let defaultMaximumRecordSize = 16 << 20

        /// When an append counts as durable; grouped commit by default.
        public var durability: Durability
        /// A segment is closed and a new one started once it exceeds this size.
        public var segmentSize: Int
        /// The largest payload accepted (at most 1 GiB).
        public var maximumRecordSize: Int

        /// Options; `segmentSize` is at least 4 KiB (64 MiB by default) and `maximumRecordSize` between
        /// 1 byte and 1 GiB (16 MiB by default): values outside are clamped.
        public init(
            durability: Durability = .grouped, segmentSize: Int = 64 << 20,
            maximumRecordSize: Int = Options.defaultMaximumRecordSize
        ) {
            self.durability = durability
            self.segmentSize = max(4096, segmentSize)
            self.maximumRecordSize = min(max(1, maximumRecordSize), 1 << 30)
        }
    }

    /// What opening the journal found and repaired.
    public struct RecoveryReport: Sendable, Hashable {
        /// A damaged range set aside in the journal's `quarantine/` directory.
        public struct Quarantine: Sendable, Hashable {
            /// The segment file it came from.
            public var segment: String
            /// Where the range started in that file.
            public var offset: Int64
            /// Its length in bytes.
            public var length: Int
            /// The file holding the bytes, relative to the journal directory.
            public var file: String
        }

        /// Segment files read.
        public var segments = 0
        /// Records found intact.
        public var records = 0
        /// Bytes cut from the end of the journal: a write interrupted by a crash, never
        /// acknowledged to its appender.
        public var tornTailBytes = 0
        /// Damaged ranges found elsewhere and set aside.
        public var quarantined: [Quarantine] = []
        /// Temporary files of interrupted atomic writes that were removed.
        public var removedTemporaryFiles = 0

        /// Whether the journal was found exactly as last written.
        public var isClean: Bool { tornTailBytes == 0 && quarantined.isEmpty }
    }

    /// The journal directory.
    public let directory: URL
    /// The options the journal was opened with.
    public let options: Options
    /// What opening found and repaired.
    public let recovery: RecoveryReport

    // MARK: State

    struct IndexPoint {
        var sequence: UInt64
        var offset: Int64
    }

    struct SegmentState {
        var segment: Segment
        /// Bytes of complete, acknowledged frames (header included).
        var size: Int64
        var count: Int
        var lastSequence: UInt64?
        /// Sparse index of batch starts, for reads from the middle.
        var index: [IndexPoint]
        var sinceIndexPoint: Int
    }

    struct Visible {
        var segments: [SegmentState]
        var count: Int
        var lastSequence: UInt64?
    }

    struct PendingBatch {
        var frames: [UInt8]
        var ticket: AppendTicket
        var onDurable: (@Sendable (ClosedRange<UInt64>) -> Void)?
        var onFailure: (@Sendable (ClosedRange<UInt64>) -> Void)?
    }

    struct Queue {
        var nextSequence: UInt64
        var lastAssigned: UInt64?
        var batches: [PendingBatch] = []
        var flushing = false
        var closed = false
        var failure: KimpleError?
    }

    private let path: String
    private let visible: Mutex<Visible>
    private let queue: Mutex<Queue>
    /// Held by whoever changes files: the flusher, a rewrite, a prefix removal, close.
    private let writer = Mutex(())
    private let lock: Mutex<DirectoryLock?>
    private let flusher: DispatchQueue
    private static let indexInterval = 1024

    // MARK: Opening

    /// Opens (creating if needed) the journal in `directory`, recovering it as described
    /// in the type's documentation.
    ///
    /// Throws `storage.locked` when another handle holds it, `storage.unsupported_format`
    /// when a segment was written by a newer format version, `storage.io` when the files
    /// cannot be read or repaired.
    public static func open(at directory: URL, options: Options = Options()) throws -> FileJournal {
        try FileJournal(directory: directory, options: options)
    }

    private init(directory: URL, options: Options) throws {
        self.directory = directory
        self.options = options
        self.path = directory.path
        self.flusher = DispatchQueue(label: "kimple.journal.flush")
        try POSIX.makeDirectories(path)
        let directoryLock = try DirectoryLock(directory: path)
        self.lock = Mutex(directoryLock)
        let recovered = try Recovery.run(path: path, options: options)
        self.recovery = recovered.report
        self.visible = Mutex(
            Visible(segments: recovered.segments, count: recovered.count, lastSequence: recovered.lastSequence))
        self.queue = Mutex(Queue(nextSequence: recovered.nextSequence, lastAssigned: recovered.lastSequence))
    }

    deinit {
        // Segments close their descriptors and the directory lock releases itself.
    }

    // MARK: RecordLog

    /// Appends the batch and returns once it is durable under ``Options/durability``. Throws
    /// `core.invalid_argument` for an empty batch, `storage.record_too_large`, `storage.conflict` when
    /// `condition` no longer holds, `storage.io` when the disk fails (the journal then refuses writes),
    /// `storage.closed`.
    public func append(contentsOf payloads: [Data], condition: AppendCondition) async throws -> ClosedRange<UInt64> {
        try await enqueue(payloads, condition: condition).durable()
    }

    /// Enqueues a batch and returns at once with its sequence numbers; the ticket's
    /// `durable()` waits for the write. Sequence numbers are assigned here, in call order:
    /// a caller holding its own lock while enqueueing orders its records with it.
    ///
    /// `onDurable` runs on the journal's flushing thread as soon as the batch is durable,
    /// before any waiter is resumed, batches in sequence order: a store uses it to make
    /// the write visible without depending on when the appending task runs again.
    ///
    /// `onFailure` runs on the flushing thread when the batch failed (a write or an fsync
    /// failed: see "Failed writes" in the type's documentation), before any waiter is
    /// resumed and before the journal accepts another append, failed batches newest first:
    /// a store uses it to take back what it reserved at enqueue time (an index slot, a prize
    /// moment, a pending document), so that no later decision builds on a write that is not there.
    package func enqueue(
        _ payloads: [Data], condition: AppendCondition = .none,
        onDurable: (@Sendable (ClosedRange<UInt64>) -> Void)? = nil,
        onFailure: (@Sendable (ClosedRange<UInt64>) -> Void)? = nil
    ) throws -> AppendTicket {
        guard !payloads.isEmpty else { throw KimpleError.emptyBatch() }
        var checksums: [UInt32] = []
        checksums.reserveCapacity(payloads.count)
        var totalSize = 0
        for payload in payloads {
            guard payload.count <= options.maximumRecordSize else {
                throw KimpleError.recordTooLarge(payload.count, limit: options.maximumRecordSize)
            }
            checksums.append(payload.withUnsafeBytes { CRC32C.checksum($0) })
            totalSize += JournalFormat.frameHeaderSize + payload.count
        }
        let (ticket, startFlusher) = try queue.withLock { q -> (AppendTicket, Bool) in
            if q.closed { throw KimpleError.closed(path) }
            if let failure = q.failure { throw failure }
            if case .lastSequence(let expected) = condition, expected != q.lastAssigned {
                throw KimpleError.appendConflict(expected: expected, actual: q.lastAssigned)
            }
            // Sequences end at JournalFormat.maximumSequence: a journal whose header or records
            // claim numbers up there (damage, or hostile bytes) refuses appends rather than wrap.
            guard q.nextSequence <= JournalFormat.maximumSequence,
                UInt64(payloads.count - 1) <= JournalFormat.maximumSequence - q.nextSequence
            else {
                throw KimpleError(
                    .outOfRange, "The journal has used up its sequence numbers; copy its records to a new journal.",
                    context: ["path": path, "next": String(q.nextSequence)])
            }
            let first = q.nextSequence
            var frames: [UInt8] = []
            frames.reserveCapacity(totalSize)
            for (offset, payload) in payloads.enumerated() {
                payload.withUnsafeBytes { bytes in
                    JournalFormat.appendFrame(
                        to: &frames, sequence: first + UInt64(offset), payload: bytes, payloadCRC: checksums[offset],
                        continues: offset < payloads.count - 1)
                }
            }
            let last = first + UInt64(payloads.count - 1)
            q.nextSequence = last + 1
            q.lastAssigned = last
            let ticket = AppendTicket(range: first...last)
            q.batches.append(PendingBatch(frames: frames, ticket: ticket, onDurable: onDurable, onFailure: onFailure))
            let start = !q.flushing
            q.flushing = true
            return (ticket, start)
        }
        if startFlusher {
            flusher.async { self.flushLoop() }
        }
        return ticket
    }

    /// Calls `body` with each record at or after `sequence`, reading the segment files; each frame's
    /// checksum is checked and a damaged one throws `storage.corrupted`.
    nonisolated(nonsending) public func read(from sequence: UInt64, _ body: (LogRecord) throws -> Bool) async throws {
        try readSync(from: sequence, body)
    }

    /// ``read(from:_:)`` without suspension (the reads are blocking file reads either way).
    package func readSync(from sequence: UInt64, _ body: (LogRecord) throws -> Bool) throws {
        let segments = try snapshot()
        var start = 0
        for (position, state) in segments.enumerated() where state.segment.header.firstSequence <= sequence {
            start = position
        }
        var reader = SegmentReader(maximumRecordSize: options.maximumRecordSize)
        for state in segments[start...] where state.count > 0 {
            let proceed = try reader.forEachFrame(in: state, from: sequence) { frameSequence, payload in
                try body(LogRecord(sequence: frameSequence, payload: Data(payload)))
            }
            if !proceed { return }
        }
    }

    /// The number of records. Throws `storage.closed` after ``close()``.
    public func count() async throws -> Int {
        try checkOpen()
        return visible.withLock { $0.count }
    }

    /// The last record's sequence, or `nil` when the journal is empty. Throws `storage.closed` after ``close()``.
    public func lastSequence() async throws -> UInt64? {
        try checkOpen()
        return visible.withLock { $0.lastSequence }
    }

    /// Rewrites the segments that hold a changed or removed record into new files, each swapped in
    /// atomically, then fsynced; appends wait meanwhile. This removes erased bytes from the disk.
    nonisolated(nonsending) public func rewrite(_ transform: (LogRecord) throws -> Data?) async throws -> RewriteSummary
    {
        try writer.withLock { _ in
            try checkWritable()
            var summary = RewriteSummary()
            let segments = visible.withLock { $0.segments }
            var rewritten: [SegmentState] = []
            var reader = SegmentReader(maximumRecordSize: options.maximumRecordSize)
            for state in segments {
                var frames: [UInt8] = []
                var changed = false
                var lastOriginal = state.lastSequence
                _ = try reader.forEachFrame(in: state, from: 0) { sequence, payload in
                    summary.examined += 1
                    lastOriginal = sequence
                    let record = LogRecord(sequence: sequence, payload: Data(payload))
                    guard let kept = try transform(record) else {
                        summary.removed += 1
                        changed = true
                        return true
                    }
                    guard kept.count <= options.maximumRecordSize else {
                        throw KimpleError.recordTooLarge(kept.count, limit: options.maximumRecordSize)
                    }
                    if kept != record.payload {
                        summary.replaced += 1
                        changed = true
                    }
                    kept.withUnsafeBytes { bytes in
                        JournalFormat.appendFrame(
                            to: &frames, sequence: sequence, payload: bytes, payloadCRC: CRC32C.checksum(bytes),
                            continues: false)
                    }
                    return true
                }
                guard changed else {
                    rewritten.append(state)
                    continue
                }
                var header = state.segment.header
                header.sequenceFloor = max(header.sequenceFloor, (lastOriginal ?? 0) + 1)
                rewritten.append(try replaceSegment(state.segment, header: header, frames: frames))
            }
            visible.withLock { visible in
                visible.segments = rewritten
                visible.count = rewritten.reduce(0) { $0 + $1.count }
                visible.lastSequence = rewritten.last(where: { $0.lastSequence != nil })?.lastSequence
            }
            let newLast = visible.withLock { $0.lastSequence }
            queue.withLock { q in
                if q.batches.isEmpty { q.lastAssigned = newLast }
            }
            return summary
        }
    }

    // MARK: Maintenance

    /// Deletes every segment whose records all have sequences at or below `sequence`
    /// (what a snapshot now covers). Starts a new segment first when the current one is
    /// entirely covered. Never removes a record above `sequence`.
    package func removeSegments(coveredThrough sequence: UInt64) throws {
        try writer.withLock { _ in
            try checkWritable()
            if let active = visible.withLock({ $0.segments.last }), let last = active.lastSequence, last <= sequence {
                let created = try createSegment(first: last + 1, floor: active.segment.header.sequenceFloor)
                visible.withLock { $0.segments.append(created) }
            }
            let segments = visible.withLock { $0.segments }
            var removable = 0
            for state in segments.dropLast() {
                guard state.lastSequence.map({ $0 <= sequence }) ?? true else { break }
                removable += 1
            }
            guard removable > 0 else { return }
            // Forget the covered segments before deleting their files: whatever fails below,
            // the active segment is one the directory still holds (appends never go to a
            // deleted file), and a covered file left behind is only read again, harmlessly.
            let kept = Array(segments.dropFirst(removable))
            visible.withLock { visible in
                visible.segments = kept
                visible.count = kept.reduce(0) { $0 + $1.count }
            }
            for state in segments.prefix(removable) { try POSIX.remove(state.segment.path) }
            try POSIX.syncDirectory(path)
        }
    }

    /// Waits for pending appends, then closes the files and releases the directory lock.
    /// Later calls throw `storage.closed`. Closing twice is harmless.
    public func close() {
        queue.withLock { $0.closed = true }
        flusher.sync {}
        writer.withLock { _ in
            visible.withLock { $0.segments = [] }
            lock.withLock { $0 = nil }
        }
    }

    // MARK: Flushing

    private func flushLoop() {
        var buffer: [UInt8] = []
        while true {
            let batches: [PendingBatch] = queue.withLock { q in
                guard !q.batches.isEmpty else {
                    q.flushing = false
                    return []
                }
                if options.durability == .everyWrite {
                    return [q.batches.removeFirst()]
                }
                defer { q.batches.removeAll(keepingCapacity: true) }
                return q.batches
            }
            guard let firstBatch = batches.first else { return }
            buffer.removeAll(keepingCapacity: true)
            for batch in batches { buffer.append(contentsOf: batch.frames) }
            do {
                try writer.withLock { _ in
                    try write(buffer, first: firstBatch.ticket.range.lowerBound, batches: batches)
                }
                for batch in batches { batch.onDurable?(batch.ticket.range) }
                for batch in batches { batch.ticket.complete(.success(())) }
            } catch {
                fail(batches, error)
                return
            }
        }
    }

    /// A write of `batches` failed: fails them and every batch queued behind them (whose
    /// stores decided against a state that included the failed ones). When the segment was
    /// rolled back to its last durable size, the journal goes on: the failed sequence numbers
    /// are handed out again (they were never visible) and the next append is written where
    /// the failed one started. When it was not, the handle refuses writes until reopened.
    private func fail(_ batches: [PendingBatch], _ error: any Error) {
        let rolledBack = !(error is Unrecoverable)
        let cause = (error as? Unrecoverable)?.cause ?? error
        let failure =
            (cause as? KimpleError)
            ?? KimpleError(.storageIO, "The journal could not be written: \(cause)", context: ["path": path])
        let lastVisible = visible.withLock { $0.lastSequence }
        let abandoned = queue.withLock { q in
            // Refuse appends until the stores have taken back what the failed batches reserved.
            q.failure = failure
            if let first = batches.first?.ticket.range.lowerBound {
                q.nextSequence = first
                q.lastAssigned = lastVisible
            }
            defer { q.batches.removeAll() }
            return q.batches
        }
        let failed = batches + abandoned
        for batch in failed.reversed() { batch.onFailure?(batch.ticket.range) }
        queue.withLock { q in
            q.flushing = false
            if rolledBack {
                q.failure = nil
            } else {
                q.failure = KimpleError(
                    failure.code,
                    failure.message
                        + " The journal could not be brought back to its last durable state: close and reopen the store.",
                    context: failure.context)
            }
        }
        for batch in failed { batch.ticket.complete(.failure(failure)) }
    }

    /// A write failed and the segment could not be rolled back to its last durable size.
    private struct Unrecoverable: Error {
        var cause: any Error
    }

    /// Writes `bytes` (whole frames of `batches`) at the end of the active segment and
    /// makes them durable under the policy. Caller holds `writer`.
    private func write(_ bytes: [UInt8], first: UInt64, batches: [PendingBatch]) throws {
        guard var active = visible.withLock({ $0.segments.last }) else { throw KimpleError.closed(path) }
        if active.count > 0, active.size + Int64(bytes.count) > Int64(options.segmentSize) {
            active = try createSegment(first: first, floor: first)
            let created = active
            visible.withLock { $0.segments.append(created) }
        }
        do {
            try bytes.withUnsafeBytes {
                try POSIX.writeAll(active.segment.fd, $0, at: active.size, path: active.segment.path)
            }
            if options.durability != .none { try POSIX.sync(active.segment.fd, path: active.segment.path) }
        } catch let writeError {
            // Roll the segment back to its last durable size: no torn frame stays for the next
            // append to land after, and no frame of a failed fsync (whose pages the kernel may
            // have dropped, or may still write later) can come back after a crash. The
            // truncation is made durable itself before the journal accepts another write.
            do {
                try POSIX.truncate(active.segment.fd, to: active.size, path: active.segment.path)
                if options.durability != .none { try POSIX.sync(active.segment.fd, path: active.segment.path) }
            } catch {
                throw Unrecoverable(cause: writeError)
            }
            throw writeError
        }
        var offset = active.size
        var added = 0
        for batch in batches {
            let count = Int(batch.ticket.range.upperBound - batch.ticket.range.lowerBound) + 1
            if active.index.isEmpty || active.sinceIndexPoint >= Self.indexInterval {
                active.index.append(IndexPoint(sequence: batch.ticket.range.lowerBound, offset: offset))
                active.sinceIndexPoint = 0
            }
            active.sinceIndexPoint += count
            added += count
            offset += Int64(batch.frames.count)
        }
        active.size = offset
        active.count += added
        active.lastSequence = batches.last?.ticket.range.upperBound
        let updated = active
        visible.withLock { visible in
            visible.segments[visible.segments.count - 1] = updated
            visible.count += added
            visible.lastSequence = updated.lastSequence
        }
    }

    private func createSegment(first: UInt64, floor: UInt64) throws -> SegmentState {
        let header = JournalFormat.SegmentHeader(
            firstSequence: first, sequenceFloor: max(first, floor),
            createdMillis: Int64(Date().timeIntervalSince1970 * 1000))
        let segmentPath = path + "/" + JournalFormat.segmentName(first)
        try AtomicFile.write(JournalFormat.encode(header), to: segmentPath)
        let fd = try POSIX.open(segmentPath, O_RDWR)
        return SegmentState(
            segment: Segment(path: segmentPath, fd: fd, header: header), size: Int64(JournalFormat.segmentHeaderSize),
            count: 0, lastSequence: nil, index: [], sinceIndexPoint: 0)
    }

    /// Atomically replaces `segment`'s file with `header` and `frames`.
    private func replaceSegment(
        _ segment: Segment, header: JournalFormat.SegmentHeader, frames: [UInt8]
    ) throws
        -> SegmentState
    {
        var bytes = JournalFormat.encode(header)
        bytes.append(contentsOf: frames)
        try AtomicFile.write(bytes, to: segment.path)
        let fd = try POSIX.open(segment.path, O_RDWR)
        let replacement = Segment(path: segment.path, fd: fd, header: header)
        return try Recovery.scanClean(replacement, bytes: bytes, maximumRecordSize: options.maximumRecordSize)
    }

    private func snapshot() throws -> [SegmentState] {
        try checkOpen()
        return visible.withLock { $0.segments }
    }

    private func checkOpen() throws {
        if queue.withLock({ $0.closed }) { throw KimpleError.closed(path) }
    }

    private func checkWritable() throws {
        try queue.withLock { q in
            if q.closed { throw KimpleError.closed(path) }
            if let failure = q.failure { throw failure }
        }
    }
}

// MARK: - Segment

/// An open segment file. The descriptor closes when the last user lets go, so a reader
/// never sees it closed (or reused) under its feet when a rewrite replaces the file.
final class Segment: Sendable {
    let path: String
    let fd: Int32
    let header: JournalFormat.SegmentHeader

    init(path: String, fd: Int32, header: JournalFormat.SegmentHeader) {
        self.path = path
        self.fd = fd
        self.header = header
    }

    deinit { POSIX.close(fd) }
}

// MARK: - Reading

/// Reads the frames of segments in chunks, so memory stays flat whatever the size.
struct SegmentReader {
    private var buffer: [UInt8]
    private let maximumRecordSize: Int
    private static let chunk = 1 << 20

    init(maximumRecordSize: Int) {
        self.maximumRecordSize = maximumRecordSize
        self.buffer = [UInt8](repeating: 0, count: Self.chunk)
    }

    /// Calls `body` with every frame of `state` whose sequence is at least `from`;
    /// returns `false` when `body` asked to stop. Throws `storage.corrupted` on a damaged frame.
    mutating func forEachFrame(
        in state: FileJournal.SegmentState, from: UInt64,
        _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws -> Bool {
        var offset = Int64(JournalFormat.segmentHeaderSize)
        var minimum: UInt64 = state.segment.header.firstSequence
        if let point = state.index.last(where: { $0.sequence <= from }) {
            offset = point.offset
            minimum = point.sequence
        }
        let end = state.size
        while offset < end {
            let wanted = Int(min(Int64(buffer.count), end - offset))
            let segment = state.segment
            let got = try buffer.withUnsafeMutableBytes {
                try POSIX.read(
                    segment.fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted]), at: offset,
                    path: segment.path)
            }
            // Fewer bytes than this handle wrote and synced: the read failed, the file did not.
            guard got == wanted else { throw POSIX.shortRead(segment.path, expected: wanted, got: got) }
            var position = 0
            var needed = 0
            let stop: Bool = try buffer.withUnsafeBytes { all in
                let bytes = UnsafeRawBufferPointer(rebasing: all[0..<got])
                while position < got {
                    switch JournalFormat.parseFrame(
                        bytes, at: position, minimumSequence: minimum, maximumPayload: maximumRecordSize)
                    {
                    case .success(let frame):
                        minimum = frame.sequence + 1
                        if frame.sequence >= from {
                            guard try body(frame.sequence, UnsafeRawBufferPointer(rebasing: bytes[frame.payloadRange]))
                            else { return true }
                        }
                        position = frame.end
                    case .failure(.incomplete):
                        if position == 0 {
                            // One frame larger than the buffer: grow it to hold the frame.
                            needed =
                                got >= 4
                                ? Int(bytes.loadUnaligned(as: UInt32.self).littleEndian & ~JournalFormat.batchContinues)
                                : 0
                        }
                        return false
                    case .failure(.damaged):
                        throw corrupted(state, offset + Int64(position), "a record failed its checksum")
                    }
                }
                return false
            }
            if stop { return false }
            if position == 0 {
                let frameSize = JournalFormat.frameHeaderSize + needed
                guard needed > 0, needed <= maximumRecordSize, Int64(frameSize) <= end - offset else {
                    throw corrupted(state, offset, "a record is cut short")
                }
                buffer = [UInt8](repeating: 0, count: max(Self.chunk, frameSize))
                continue
            }
            offset += Int64(position)
        }
        return true
    }

    private func corrupted(_ state: FileJournal.SegmentState, _ offset: Int64, _ what: String) -> KimpleError {
        KimpleError(
            .storageCorrupted, "The journal is damaged: \(what). Reopen the store to set the damage aside.",
            context: ["path": state.segment.path, "offset": String(offset)])
    }
}

extension KimpleError {
    static func closed(_ path: String) -> KimpleError {
        KimpleError(.storageClosed, "The store was closed; open it again to use it.", context: ["path": path])
    }
}
