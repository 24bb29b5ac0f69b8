import Foundation
import KimpleTesting
import Testing

@testable import KimpleCore

@Suite("Identifiers, errors, clocks and encodings")
struct CoreTypesTests {
    // SPEC K-10 (Core.md, "Rules added by the SDK")
    @Test("identifiers accept file-safe names only")
    func identifiers() throws {
        #expect(TenantID(rawValue: "acme-2026_fr.v2") != nil)
        for bad in ["", ".hidden", "a/b", "../x", "é", "a b", String(repeating: "a", count: 129), "a\0b"] {
            #expect(TenantID(rawValue: bad) == nil, "\(bad) accepted")
            #expect { try TenantID(bad) } throws: { ($0 as? KimpleError)?.code == .invalidArgument }
        }
        let decoded = try JSONDecoder().decode([TenantID].self, from: Data(#"["acme"]"#.utf8))
        #expect(decoded == ["acme"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TenantID].self, from: Data(#"["../x"]"#.utf8)) }
        var generator = SeededRandom(seed: 7)
        let random = TenantID.random(using: &generator)
        #expect(random.rawValue.count == 32)
        #expect(TenantID.random(using: &generator) != random)
    }

    // SPEC K-11 (Core.md, "Rules added by the SDK")
    @Test("errors carry a stable code and say what to do")
    func errors() {
        let error = KimpleError(.storageLocked, "Close it first.", context: ["path": "/x", "holder": "pid 1"])
        #expect(error.description == "[storage.locked] Close it first. (holder=pid 1, path=/x)")
        #expect(error.code.domain == "storage")
        #expect(KimpleError.Code.storageLocked ~= error)
        #expect(!(KimpleError.Code.storageIO ~= error))
        #expect(error == KimpleError(.storageLocked, "Close it first.", context: ["holder": "pid 1", "path": "/x"]))
    }

    // SPEC K-2
    @Test("the manual clock moves only when told")
    func manualClock() throws {
        let clock = try ManualClock(iso8601: "2026-03-29T00:30:00Z")
        let start = clock.now
        #expect(clock.now == start)
        clock.advance(by: .seconds(90))
        #expect(clock.now.timeIntervalSince(start) == 90)
        clock.set(start)
        #expect(clock.now == start)
    }

    // SPEC K-2
    @Test("ISO 8601 instants parse with offsets and print in UTC")
    func iso8601() throws {
        let instant = try ISO8601.instant("2026-03-29T03:30:00+02:00")
        #expect(ISO8601.string(instant) == "2026-03-29T01:30:00Z")
        #expect(ISO8601.string(try ISO8601.instant("2024-02-29T23:59:59.250Z")) == "2024-02-29T23:59:59.250Z")
        #expect(ISO8601.string(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        for bad in [
            "2026-02-30T00:00:00Z", "2026-03-29T24:00:00Z", "2026-03-29 01:30", "tomorrow", "2026-03-29T01:30:00",
        ] {
            #expect { try ISO8601.instant(bad) } throws: { ($0 as? KimpleError)?.code == .invalidArgument }
        }
    }

    // SPEC K-7: frames are checked with CRC-32C; the published check value must hold.
    @Test("CRC-32C matches the published check values")
    func crc32c() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)  // RFC 3720 B.4
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)  // RFC 3720 B.4
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = CRC32C.checksum(bytes)
        let head = CRC32C.checksum(bytes[..<500])
        let split = bytes[500...].withUnsafeBytes { CRC32C.update(head, $0) }
        #expect(whole == split)
    }

    // SPEC K-6
    @Test("binary encodings round-trip and reject truncated bytes")
    func binary() throws {
        var writer = BinaryWriter()
        writer.write(UInt8(7))
        writer.write(UInt32(0xDEAD_BEEF))
        writer.write(Int64(-42))
        writer.writeVarint(300)
        writer.writeString("entrée")
        writer.writeBytes([1, 2, 3])
        #expect(Array(writer.bytes[1..<5]) == [0xEF, 0xBE, 0xAD, 0xDE])
        var reader = BinaryReader(writer.bytes)
        #expect(try reader.readUInt8() == 7)
        #expect(try reader.readUInt32() == 0xDEAD_BEEF)
        #expect(try reader.readInt64() == -42)
        #expect(try reader.readVarint() == 300)
        #expect(try reader.readString() == "entrée")
        #expect(try reader.readBytes() == [1, 2, 3])
        #expect(reader.isAtEnd)
        for cut in 0..<writer.bytes.count {
            var truncated = BinaryReader(Array(writer.bytes.prefix(cut)))
            expectCode(.storageCorrupted) {
                _ = try truncated.readUInt8()
                _ = try truncated.readUInt32()
                _ = try truncated.readInt64()
                _ = try truncated.readVarint()
                _ = try truncated.readString()
                _ = try truncated.readBytes()
            }
        }
        var invalid = BinaryReader([2, 0xC3, 0x28])
        #expect { try invalid.readString() } throws: { ($0 as? KimpleError)?.code == .storageCorrupted }
        var huge = BinaryReader([UInt8](repeating: 0xFF, count: 11))
        expectCode(.storageCorrupted) { try huge.readVarint() }
    }

    // SPEC P-6: the taxonomy marks special categories.
    @Test("data categories form a hierarchy with the special categories apart")
    func dataCategories() throws {
        #expect(DataCategory.email.isWithin(.contact))
        #expect(!DataCategory.email.isWithin(.identity))
        #expect(DataCategory.email.parent == .contact)
        let allSpecial = DataCategory.specialCategories.allSatisfy { $0.isSpecial }
        #expect(allSpecial)
        #expect(!DataCategory.birthDate.isSpecial)
        #expect(DataCategory(rawValue: "special.health.allergies")?.isSpecial == true)
        #expect(DataCategory(rawValue: "Contact.Email") == nil)
        #expect(DataCategory(rawValue: "contact..email") == nil)
        #expect(!(try DataCategory("contacts")).isWithin(.contact))
    }

    // SPEC K-6: stored values are read back exactly and validated.
    @Test("text-coded values encode as strings and refuse invalid text")
    func textCoding() throws {
        struct Sample: Codable, Equatable {
            var tenant: TenantID
            var category: DataCategory
            var date: CivilDate
            var month: CalendarMonth
            var currency: Currency
            var digest: SHA256Digest
        }
        let sample = Sample(
            tenant: "acme", category: .email, date: try CivilDate("2024-02-29"), month: try CalendarMonth("2026-03"),
            currency: .eur, digest: SHA256.hash("abc"))
        let json = try JSONCoding.encode(sample)
        let text = String(decoding: json, as: UTF8.self)
        #expect(
            text
                == #"{"category":"contact.email","currency":"EUR","date":"2024-02-29","digest":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","month":"2026-03","tenant":"acme"}"#
        )
        #expect(try JSONCoding.decode(Sample.self, from: json) == sample)
        for (field, bad) in [
            ("tenant", "../x"), ("category", "Contact"), ("date", "2023-02-29"), ("month", "2026-13"),
            ("currency", "eur"), ("digest", "abc"),
        ] {
            let broken = text.replacingOccurrences(
                of: #""\#(field)":"[^"]*""#, with: #""\#(field)":"\#(bad)""#, options: .regularExpression)
            expectCode(.storageCorrupted, "\(field) accepted \(bad)") {
                try JSONCoding.decode(Sample.self, from: Data(broken.utf8))
            }
        }
    }
}
