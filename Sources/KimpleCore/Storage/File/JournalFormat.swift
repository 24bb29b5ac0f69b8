/// The journal's on-disk format, version 1. `Documentation/Interoperability.md` describes
/// it for readers without Swift; keep both in step.
///
/// A journal is a directory of segment files named `<first sequence, 20 digits>.kjl`.
/// A segment starts with a 40-byte header, then frames back to back:
///
/// ```
/// header (40 bytes, little-endian)
///   0  magic "KJNL"
///   4  u16 format version (1)
///   6  u16 flags (0)
///   8  u64 first sequence (a lower bound of the segment's sequences; equals the file name)
///  16  u64 sequence floor (the next sequence is at least this; keeps numbers of erased
///      records from being reused)
///  24  i64 creation time, milliseconds since 1970 (information only)
///  32  u32 reserved (0)
///  36  u32 CRC-32C of bytes 0..<36
/// frame (20-byte header + payload)
///   0  u32 length and flag: bits 0-30 payload length; bit 31 set when the next frame
///      belongs to the same atomic batch
///   4  u64 sequence
///  12  u32 CRC-32C of the payload
///  16  u32 CRC-32C of bytes 0..<16 of this frame
///  20  payload
/// ```
package enum JournalFormat {
    package static let segmentMagic: [UInt8] = Array("KJNL".utf8)
    package static let version: UInt16 = 1
    package static let segmentHeaderSize = 40
    package static let frameHeaderSize = 20
    package static let batchContinues: UInt32 = 0x8000_0000
    package static let segmentExtension = ".kjl"
    /// The largest sequence number a frame may carry: 2^64 − 2, so that the sequence after
    /// any valid frame is representable. A frame claiming 2^64 − 1 is damaged.
    package static let maximumSequence = UInt64.max - 1

    package struct SegmentHeader: Equatable {
        package var firstSequence: UInt64
        package var sequenceFloor: UInt64
        package var createdMillis: Int64
    }

    package static func encode(_ header: SegmentHeader) -> [UInt8] {
        var w = BinaryWriter(capacity: segmentHeaderSize)
        w.writeRaw(segmentMagic)
        w.write(version)
        w.write(UInt16(0))
        w.write(header.firstSequence)
        w.write(header.sequenceFloor)
        w.write(header.createdMillis)
        w.write(UInt32(0))
        w.write(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    package enum HeaderProblem: Error {
        case short, badMagic, badChecksum, unsupportedVersion(UInt16)
    }

    package static func decodeHeader(_ bytes: UnsafeRawBufferPointer) -> Result<SegmentHeader, HeaderProblem> {
        guard bytes.count >= segmentHeaderSize else { return .failure(.short) }
        guard bytes[0] == segmentMagic[0], bytes[1] == segmentMagic[1], bytes[2] == segmentMagic[2],
            bytes[3] == segmentMagic[3]
        else { return .failure(.badMagic) }
        let stored = bytes.loadUnaligned(fromByteOffset: 36, as: UInt32.self).littleEndian
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<36])) == stored else {
            return .failure(.badChecksum)
        }
        let version = bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian
        guard version == JournalFormat.version else { return .failure(.unsupportedVersion(version)) }
        return .success(
            SegmentHeader(
                firstSequence: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian,
                sequenceFloor: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian,
                createdMillis: bytes.loadUnaligned(fromByteOffset: 24, as: Int64.self).littleEndian))
    }

    package static func segmentName(_ firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + segmentExtension
    }

    package static func sequence(fromSegmentName name: String) -> UInt64? {
        guard name.hasSuffix(segmentExtension), name.utf8.count == 20 + segmentExtension.utf8.count else { return nil }
        return UInt64(name.prefix(20))
    }

    /// Appends a frame for `payload` (whose CRC-32C is `payloadCRC`) to `out`.
    package static func appendFrame(
        to out: inout [UInt8], sequence: UInt64, payload: UnsafeRawBufferPointer, payloadCRC: UInt32, continues: Bool
    ) {
        let lengthField = UInt32(payload.count) | (continues ? batchContinues : 0)
        // No reserveCapacity here: an exact reservation per frame would defeat the array's
        // geometric growth and make building a segment quadratic. Callers reserve once.
        let start = out.count
        for shift in stride(from: 0, to: 32, by: 8) {
            out.append(UInt8(truncatingIfNeeded: lengthField >> UInt32(shift)))
        }
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: sequence >> UInt64(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) {
            out.append(UInt8(truncatingIfNeeded: payloadCRC >> UInt32(shift)))
        }
        let headerCRC = out.withUnsafeBytes {
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<start + 16]))
        }
        for shift in stride(from: 0, to: 32, by: 8) {
            out.append(UInt8(truncatingIfNeeded: headerCRC >> UInt32(shift)))
        }
        out.append(contentsOf: payload)
    }

    /// A frame found in a buffer.
    package struct Frame {
        package var sequence: UInt64
        package var payloadRange: Range<Int>
        package var continues: Bool
        package var end: Int { payloadRange.upperBound }
    }

    package enum FrameProblem: Error, Equatable {
        /// The buffer ends inside the frame's header or payload.
        case incomplete
        /// The frame is damaged: checksum, length or sequence is wrong.
        case damaged
    }

    /// Parses the frame at `offset` of `buffer`. A frame is valid when its header checksum
    /// holds, its length is at most `maximumPayload`, its sequence is at least
    /// `minimumSequence` and at most ``maximumSequence``, and its payload checksum holds.
    package static func parseFrame(
        _ buffer: UnsafeRawBufferPointer, at offset: Int, minimumSequence: UInt64, maximumPayload: Int
    ) -> Result<Frame, FrameProblem> {
        guard buffer.count - offset >= frameHeaderSize else { return .failure(.incomplete) }
        let headerCRC = buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt32.self).littleEndian
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 16])) == headerCRC else {
            return .failure(.damaged)
        }
        let lengthField = buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
        let length = Int(lengthField & ~batchContinues)
        let sequence = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self).littleEndian
        guard length <= maximumPayload, sequence >= minimumSequence, sequence <= maximumSequence else {
            return .failure(.damaged)
        }
        let payloadStart = offset + frameHeaderSize
        guard buffer.count - payloadStart >= length else { return .failure(.incomplete) }
        let payloadCRC = buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self).littleEndian
        guard
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buffer[payloadStart..<payloadStart + length]))
                == payloadCRC
        else { return .failure(.damaged) }
        return .success(
            Frame(
                sequence: sequence, payloadRange: payloadStart..<payloadStart + length,
                continues: lengthField & batchContinues != 0))
    }

    /// The offset of the first valid frame after `offset` (a frame whose header and payload
    /// checksums hold), or `nil`. Used to tell a torn tail (nothing valid follows) from
    /// damage in the middle of a segment (valid frames follow).
    package static func resynchronise(
        _ buffer: UnsafeRawBufferPointer, after offset: Int, minimumSequence: UInt64, maximumPayload: Int
    ) -> Int? {
        var candidate = offset + 1
        while buffer.count - candidate >= frameHeaderSize {
            let sequence = buffer.loadUnaligned(fromByteOffset: candidate + 4, as: UInt64.self).littleEndian
            if sequence >= minimumSequence,
                case .success = parseFrame(
                    buffer, at: candidate, minimumSequence: minimumSequence, maximumPayload: maximumPayload)
            {
                return candidate
            }
            candidate += 1
        }
        return nil
    }
}
