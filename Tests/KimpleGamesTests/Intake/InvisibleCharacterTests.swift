import Foundation
import KimpleCore
import KimpleGames
import Testing

/// Issue 16, item 2: invisible characters and compatibility forms must not make a new person.
@Suite("Intake: invisible characters and compatibility forms")
struct InvisibleCharacterTests {
    /// Scalars a person cannot see in an address, each with its name.
    static let invisible: [(String, Unicode.Scalar)] = [
        ("zero-width space", "\u{200B}"), ("zero-width non-joiner", "\u{200C}"), ("zero-width joiner", "\u{200D}"),
        ("word joiner", "\u{2060}"), ("byte-order mark", "\u{FEFF}"), ("soft hyphen", "\u{00AD}"),
        ("variation selector 16", "\u{FE0F}"), ("variation selector 17", "\u{E0100}"), ("tag latin a", "\u{E0061}"),
        ("tag cancel", "\u{E007F}"), ("left-to-right mark", "\u{200E}"), ("arabic letter mark", "\u{061C}"),
        ("right-to-left override", "\u{202E}"), ("first strong isolate", "\u{2068}"),
        ("hangul filler", "\u{3164}"),
    ]

    // SPEC G-4
    @Test("an invisible character in an e-mail is refused, so the twin address is not a new person")
    func invisibleRefused() async throws {
        let h = try await Harness.make()
        #expect(try await h.submit(Fixtures.fields(email: "ada.twin@example.com"), source: nil).isAccepted)
        for (name, scalar) in Self.invisible {
            let twin = "ada.t" + String(Character(scalar)) + "win@example.com"
            let result = try await h.submit(Fixtures.fields(email: twin), source: nil)
            #expect(result.rejection?.code == .participationInvisibleCharacter, "\(name): \(result)")
            #expect(result.rejection?.context["field"] == "email", "\(name)")
            // In the domain too.
            let domain = "ada.other@exam" + String(Character(scalar)) + "ple.com"
            expectRejected(
                try await h.submit(Fixtures.fields(email: domain), source: nil), .participationInvisibleCharacter)
        }
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 1)
    }

    // SPEC G-4
    @Test(
        "compatibility forms and case variants of a known address are the same person",
        arguments: [
            ("fullwidth letters", "ａｄａ.twin@example.com"),
            ("fullwidth capitals", "ＡＤＡ.ＴＷＩＮ@example.com"),
            ("mathematical bold", "𝐚𝐝𝐚.twin@example.com"),
            ("mathematical script capitals", "𝒜𝒟𝒜.twin@example.com"),
            ("fullwidth domain", "ada.twin@ｅｘａｍｐｌｅ.ｃｏｍ"),
            ("fullwidth dot", "ada．twin@example.com"),
            ("circled letters", "ⓐⓓⓐ.twin@example.com"),
        ])
    func compatibilityForms(_ name: String, _ variant: String) async throws {
        let h = try await Harness.make()
        #expect(try await h.submit(Fixtures.fields(email: "ada.twin@example.com"), source: nil).isAccepted)
        expectRejected(try await h.submit(Fixtures.fields(email: variant), source: nil), .participationDuplicate)
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 1)
    }

    // SPEC G-4
    @Test("full case folding: ß and ss, ﬁ and fi, final and medial sigma are one person")
    func caseFolding() async throws {
        let h = try await Harness.make()
        for group in [
            ["strasse@example.de", "straße@example.de", "STRASSE@example.de"],
            ["fiona@example.com", "ﬁona@example.com"],
            ["νικοσ@example.gr", "νικος@example.gr", "ΝΙΚΟΣ@example.gr"],
        ] {
            #expect(try await h.submit(Fixtures.fields(email: group[0]), source: nil).isAccepted, "\(group[0])")
            for twin in group.dropFirst() {
                let result = try await h.submit(Fixtures.fields(email: twin), source: nil)
                #expect(result.rejection?.code == .participationDuplicate, "\(twin): \(result)")
            }
        }
        // Folding never merges distinct letters: dotless ı stays itself.
        #expect(try await h.submit(Fixtures.fields(email: "kırmızı@example.com"), source: nil).isAccepted)
        #expect(try await h.submit(Fixtures.fields(email: "kirmizi@example.com"), source: nil).isAccepted)
    }

    // SPEC G-4
    @Test("an address whose folded form is not an address is refused (fullwidth at sign, two fullwidth dots)")
    func foldedMustStayAnAddress() async throws {
        let h = try await Harness.make()
        for address in ["ada＠evil@example.com", "ada．．twin@example.com", "ada．@example.com"] {
            expectRejected(try await h.submit(Fixtures.fields(email: address), source: nil), .participationInvalidEmail)
        }
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 0)
    }

    // SPEC G-4
    @Test("the identity fold, step by step; ASCII is untouched")
    func identityFold() {
        #expect(EmailAddress.identityFolded("Straße") == "strasse")
        #expect(EmailAddress.identityFolded("ＡＢＣ１２３") == "abc123")
        #expect(EmailAddress.identityFolded("𝐀𝐁") == "ab")
        #expect(EmailAddress.identityFolded("\u{212A}elvin") == "kelvin")  // Kelvin sign
        #expect(EmailAddress.identityFolded("ı") == "ı")
        #expect(EmailAddress.identityFolded("ꭰ") == EmailAddress.identityFolded("Ꭰ"))  // Cherokee
        #expect(EmailAddress.identityFolded("e\u{301}") == "é")
        #expect(EmailAddress.identityFolded("a\u{200B}b") == "ab")
        #expect(
            EmailAddress.identity(
                of: "jane.doe@example.com", folding: EmailFolding(subAddresses: false, gmailDots: false))
                == "jane.doe@example.com")
        #expect(EmailAddress.identity(of: "ｊａｎｅ+x@gmail.com", folding: .all) == "jane@gmail.com")
    }

    // SPEC G-4
    @Test("names and free text refuse bidi overrides and isolates, and nothing is stored")
    func bidiInText() async throws {
        let h = try await Harness.make()
        for scalar in [
            "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        ] {
            let result = try await h.submit(Fixtures.fields(firstName: "Jane\(scalar)gpj.exe"), source: nil)
            #expect(
                result.rejection?.code == .participationInvisibleCharacter,
                "U+\(scalar.unicodeScalars.first.map { String($0.value, radix: 16) } ?? "")")
            #expect(result.rejection?.context["field"] == "first_name")
            var fields = Fixtures.fields()
            fields["story"] = .text("Line one\n\(scalar)Line two")
            expectRejected(try await h.submit(fields, source: nil), .participationInvisibleCharacter)
        }
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 0)
        // Direction marks (not overrides) are part of right-to-left names and stay allowed.
        #expect(try await h.submit(Fixtures.fields(firstName: "\u{200F}سارة"), source: nil).isAccepted)
    }
}
