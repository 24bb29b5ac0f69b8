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

/// Opening a journal: reads every segment, checks every frame, cuts a torn tail, sets
/// damaged ranges aside, and rebuilds the in-memory state.
enum Recovery {
    struct Result {
        var segments: [FileJournal.SegmentState]
        var count: Int
        var lastSequence: UInt64?
        var nextSequence: UInt64
        var report: FileJournal.RecoveryReport
    }

    /// What a scan of one segment's bytes found.
    struct Scan {
        var count = 0
        var lastSequence: UInt64?
        var index: [FileJournal.IndexPoint] = []
        var sinceIndexPoint = 0
        /// Ranges of valid frames, in order.
        var goodRuns: [Range<Int>] = []
        /// Damaged ranges between valid frames.
        var damaged: [Range<Int>] = []
        /// Where unusable bytes at the end start (a torn tail or an unfinished batch).
        var tailStart: Int
    }

    static let quarantineDirectory = "quarantine"

    static func run(path: String, options: FileJournal.Options) throws -> Result {
        var report = FileJournal.RecoveryReport()
        var names: [(UInt64, String)] = []
        for name in try POSIX.list(path) {
            if AtomicFile.isLeftover(name) {
                try POSIX.remove(path + "/" + name)
                report.removedTemporaryFiles += 1
            } else if let first = JournalFormat.sequence(fromSegmentName: name) {
                names.append((first, name))
            }
        }
        names.sort { $0.0 < $1.0 }

        var segments: [FileJournal.SegmentState] = []
        var lastSequence: UInt64?
        var nextSequence: UInt64 = 1
        for (position, (first, name)) in names.enumerated() {
            let isLast = position == names.count - 1
            let segmentPath = path + "/" + name
            var bytes = try POSIX.readFile(segmentPath)
            report.segments += 1
            let decoded = bytes.withUnsafeBytes { JournalFormat.decodeHeader($0) }
            let header: JournalFormat.SegmentHeader
            switch decoded {
            case .success(let found) where found.firstSequence == first:
                header = found
            case .failure(.unsupportedVersion(let version)):
                throw KimpleError(
                    .storageUnsupportedFormat,
                    "The journal was written by a newer version of the SDK (format \(version)); open it with that version.",
                    context: ["path": segmentPath])
            case .failure(.short) where isLast:
                // A segment whose creation was interrupted: nothing was ever acknowledged in it.
                try POSIX.remove(segmentPath)
                try POSIX.syncDirectory(path)
                report.tornTailBytes += bytes.count
                continue
            default:
                try quarantine(bytes[...], from: name, at: 0, in: path, report: &report)
                try POSIX.remove(segmentPath)
                try POSIX.syncDirectory(path)
                continue
            }
            nextSequence = max(nextSequence, header.sequenceFloor, header.firstSequence)
            let minimum = max(header.firstSequence, (lastSequence ?? 0) + 1)
            var scan = bytes.withUnsafeBytes {
                Self.scan($0, minimumSequence: minimum, maximumRecordSize: options.maximumRecordSize)
            }

            if !scan.damaged.isEmpty || (scan.tailStart < bytes.count && !isLast) {
                // Damage inside the journal: keep every valid frame, set the rest aside.
                for range in scan.damaged {
                    try quarantine(bytes[range], from: name, at: range.lowerBound, in: path, report: &report)
                }
                if scan.tailStart < bytes.count {
                    try quarantine(bytes[scan.tailStart...], from: name, at: scan.tailStart, in: path, report: &report)
                }
                var repaired = Array(bytes[0..<JournalFormat.segmentHeaderSize])
                for run in scan.goodRuns { repaired.append(contentsOf: bytes[run]) }
                try AtomicFile.write(repaired, to: segmentPath)
                bytes = repaired
                scan = bytes.withUnsafeBytes {
                    Self.scan($0, minimumSequence: minimum, maximumRecordSize: options.maximumRecordSize)
                }
            } else if scan.tailStart < bytes.count {
                // A torn tail: the last write was interrupted. Its appender was never answered.
                let fd = try POSIX.open(segmentPath, O_RDWR)
                defer { POSIX.close(fd) }
                try POSIX.truncate(fd, to: Int64(scan.tailStart), path: segmentPath)
                try POSIX.sync(fd, path: segmentPath)
                report.tornTailBytes += bytes.count - scan.tailStart
            }

            let fd = try POSIX.open(segmentPath, O_RDWR)
            segments.append(
                FileJournal.SegmentState(
                    segment: Segment(path: segmentPath, fd: fd, header: header), size: Int64(scan.tailStart),
                    count: scan.count, lastSequence: scan.lastSequence, index: scan.index,
                    sinceIndexPoint: scan.sinceIndexPoint))
            report.records += scan.count
            if let last = scan.lastSequence {
                lastSequence = last
                nextSequence = max(nextSequence, last + 1)
            }
        }

        if segments.isEmpty {
            let header = JournalFormat.SegmentHeader(
                firstSequence: nextSequence, sequenceFloor: nextSequence,
                createdMillis: Int64(Date().timeIntervalSince1970 * 1000))
            let segmentPath = path + "/" + JournalFormat.segmentName(nextSequence)
            try AtomicFile.write(JournalFormat.encode(header), to: segmentPath)
            let fd = try POSIX.open(segmentPath, O_RDWR)
            segments.append(
                FileJournal.SegmentState(
                    segment: Segment(path: segmentPath, fd: fd, header: header),
                    size: Int64(JournalFormat.segmentHeaderSize), count: 0, lastSequence: nil, index: [],
                    sinceIndexPoint: 0))
        }
        let count = segments.reduce(0) { $0 + $1.count }
        return Result(
            segments: segments, count: count, lastSequence: lastSequence, nextSequence: nextSequence, report: report)
    }

    /// Scans the frames of one segment (header included in `bytes`).
    ///
    /// Frames are accepted in order while valid. An atomic batch counts only once its
    /// last frame is there; an unfinished batch at the end is part of the tail. After an
    /// invalid frame, the scan looks for the next valid one: if there is one, the bytes in
    /// between are damage; if not, everything from the invalid frame on is the tail.
    static func scan(_ bytes: UnsafeRawBufferPointer, minimumSequence: UInt64, maximumRecordSize: Int) -> Scan {
        var scan = Scan(tailStart: JournalFormat.segmentHeaderSize)
        var position = JournalFormat.segmentHeaderSize
        var minimum = minimumSequence
        var runStart = position
        // State at the start of the batch being read, to roll back an unfinished batch.
        var batch: (start: Int, count: Int, last: UInt64?, indexCount: Int, since: Int)?
        var sinceIndexPoint = 0
        scanning: while position < bytes.count {
            switch JournalFormat.parseFrame(
                bytes, at: position, minimumSequence: minimum, maximumPayload: maximumRecordSize)
            {
            case .success(let frame):
                if batch == nil {
                    batch = (position, scan.count, scan.lastSequence, scan.index.count, sinceIndexPoint)
                    if scan.index.isEmpty || sinceIndexPoint >= 1024 {
                        scan.index.append(FileJournal.IndexPoint(sequence: frame.sequence, offset: Int64(position)))
                        sinceIndexPoint = 0
                    }
                }
                scan.count += 1
                sinceIndexPoint += 1
                scan.lastSequence = frame.sequence
                minimum = frame.sequence + 1
                position = frame.end
                if !frame.continues {
                    batch = nil
                    scan.tailStart = position
                }
            case .failure:
                guard
                    let next = JournalFormat.resynchronise(
                        bytes, after: position, minimumSequence: minimum, maximumPayload: maximumRecordSize)
                else { break scanning }
                // Damage in the middle (valid frames follow): not a crash, so the frames of a
                // batch cut by it are kept; the damaged bytes are set aside.
                batch = nil
                scan.goodRuns.append(runStart..<position)
                scan.damaged.append(position..<next)
                position = next
                runStart = next
                scan.tailStart = next
            }
        }
        if let open = batch {
            // The last batch never got its closing frame: a crash interrupted it, and
            // its appender was never answered. Drop all of it (batches are atomic).
            scan.count = open.count
            scan.lastSequence = open.last
            scan.index.removeLast(scan.index.count - open.indexCount)
            sinceIndexPoint = open.since
            scan.tailStart = open.start
        }
        scan.goodRuns.append(runStart..<max(runStart, scan.tailStart))
        scan.sinceIndexPoint = sinceIndexPoint
        return scan
    }

    /// The state of a segment just written by a rewrite (no damage possible).
    static func scanClean(
        _ segment: Segment, bytes: [UInt8], maximumRecordSize: Int
    ) throws
        -> FileJournal.SegmentState
    {
        let scan = bytes.withUnsafeBytes {
            Self.scan($0, minimumSequence: segment.header.firstSequence, maximumRecordSize: maximumRecordSize)
        }
        guard scan.damaged.isEmpty, scan.tailStart == bytes.count else {
            throw KimpleError(
                .storageIO, "A rewritten segment did not read back as written.", context: ["path": segment.path])
        }
        return FileJournal.SegmentState(
            segment: segment, size: Int64(scan.tailStart), count: scan.count, lastSequence: scan.lastSequence,
            index: scan.index, sinceIndexPoint: scan.sinceIndexPoint)
    }

    private static func quarantine(
        _ bytes: ArraySlice<UInt8>, from segment: String, at offset: Int, in path: String,
        report: inout FileJournal.RecoveryReport
    ) throws {
        let directory = path + "/" + quarantineDirectory
        try POSIX.makeDirectories(directory)
        let name = "\(segment).\(offset).damaged"
        try AtomicFile.write(Array(bytes), to: directory + "/" + name)
        report.quarantined.append(
            .init(segment: segment, offset: Int64(offset), length: bytes.count, file: quarantineDirectory + "/" + name))
    }
}
