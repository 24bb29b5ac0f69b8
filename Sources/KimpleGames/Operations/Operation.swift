import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The tag of prizes.
public enum PrizeTag {}
/// A prize (dotation) of an operation.
public typealias PrizeID = Identifier<PrizeTag>

/// A promotional operation (jeu promotionnel) of a tenant (G-1, §1, §2.3).
///
/// A value: the ``OperationService`` drives its lifecycle and stores it through an
/// ``OperationStore``; the intake reads it to validate participations. The tenant alone
/// decides the operation's terms (§2.3): the SDK checks only what the contract names
/// (lawfulness G-2, licence G-3, content G-9, traffic G-10) and what a participation
/// pipeline needs to be well defined (``OperationRules/definitionProblems(of:)``).
public struct Operation: Sendable, Codable, Hashable {
    /// The operation's id, unique within its tenant.
    public var id: OperationID
    /// The tenant (client, licensee) running it.
    public var tenant: TenantID
    /// The brand on whose behalf the operation runs: must be the licensee itself (G-3).
    public var advertiser: Advertiser
    /// What kind of game it is.
    public var kind: OperationKind
    /// The operation's public title.
    public var title: String
    /// When participations open (inclusive).
    public var opensAt: Date
    /// When participations close (exclusive): a participation at `closesAt` is late.
    public var closesAt: Date
    /// The operation's time zone (IANA identifier such as `Europe/Paris`): periods of the
    /// participation limit and ages are computed on its wall clock.
    public var timeZone: String
    /// ISO 3166-1 alpha-2 codes (upper case) of the countries whose residents may take part.
    public var eligibleCountries: [String]
    /// The minimum age in completed years, or `nil` for no age condition. Adults only (18)
    /// by default; an age condition needs a required ``FieldType/birthDate`` field.
    public var minimumAge: Int?
    /// The entry form.
    public var form: EntryForm
    /// How many times one person may take part, and per which period.
    public var limit: ParticipationLimit
    /// What identifies a person for the limit.
    public var identity: IdentitySource
    /// How e-mail addresses are folded before they identify a person.
    public var emailFolding: EmailFolding
    /// The default country calling code for phone numbers written in national form (`33`).
    public var phoneCallingCode: String
    /// The prizes (dotations) offered.
    public var prizes: [Prize]
    /// The rules document (règlement) and its SHA-256, required to go live.
    public var rules: RulesDocument?
    /// Whether taking part involves a purchase or a payment, and the free route if so (G-2).
    public var purchase: PurchaseTerms
    /// The declared audience: expected participants and large promotions (G-10, §7.3).
    public var audience: AudienceDeclaration
    /// Tenant content shown with the operation (visuals, texts), checked before going live (G-9).
    public var contents: [OperationContent]
    /// The tie-break question (question subsidiaire) of a contest, required for ``OperationKind/contest``.
    public var tieBreakQuestion: String?
    /// The controller's documented instruction under which participations are processed (P-1).
    public var instruction: InstructionID
    /// The stored lifecycle status. Clock-driven changes (opening, closing) may not be
    /// persisted yet: read ``effectiveStatus(at:)``.
    public var status: OperationStatus
    /// The suspension in force, when ``status`` is ``OperationStatus/suspended``: who and why.
    public var suspension: Suspension?
    /// Every status change, oldest first.
    public var history: [StatusChange]

    /// A draft operation. Every value can be changed until the operation is scheduled.
    public init(
        id: OperationID, tenant: TenantID, advertiser: Advertiser, kind: OperationKind, title: String,
        opensAt: Date, closesAt: Date, timeZone: String = "Europe/Paris", eligibleCountries: [String] = ["FR"],
        minimumAge: Int? = 18, form: EntryForm, limit: ParticipationLimit = .oncePerOperation,
        identity: IdentitySource = .email, emailFolding: EmailFolding = EmailFolding(),
        phoneCallingCode: String = "33", prizes: [Prize] = [], rules: RulesDocument? = nil,
        purchase: PurchaseTerms = .none, audience: AudienceDeclaration = AudienceDeclaration(),
        contents: [OperationContent] = [], tieBreakQuestion: String? = nil, instruction: InstructionID
    ) {
        self.id = id
        self.tenant = tenant
        self.advertiser = advertiser
        self.kind = kind
        self.title = title
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.timeZone = timeZone
        self.eligibleCountries = eligibleCountries
        self.minimumAge = minimumAge
        self.form = form
        self.limit = limit
        self.identity = identity
        self.emailFolding = emailFolding
        self.phoneCallingCode = phoneCallingCode
        self.prizes = prizes
        self.rules = rules
        self.purchase = purchase
        self.audience = audience
        self.contents = contents
        self.tieBreakQuestion = tieBreakQuestion
        self.instruction = instruction
        self.status = .draft
        self.suspension = nil
        self.history = []
    }

    /// The status at `instant`, with the clock-driven transitions applied: a scheduled
    /// operation is live from ``opensAt``; a live, paused or suspended one is closed from
    /// ``closesAt``. See ``OperationStatus/effective(stored:opensAt:closesAt:at:)``.
    public func effectiveStatus(at instant: Date) -> OperationStatus {
        OperationStatus.effective(stored: status, opensAt: opensAt, closesAt: closesAt, at: instant)
    }

    /// Whether participations are accepted at `instant`: live, and inside `[opensAt, closesAt)`.
    public func isOpen(at instant: Date) -> Bool {
        effectiveStatus(at: instant) == .live
    }
}

/// The kind of game (G-1).
public enum OperationKind: String, Sendable, Codable, Hashable, CaseIterable {
    /// A random draw among participants (loterie publicitaire, tirage au sort).
    case randomDraw = "random_draw"
    /// Instant win: winning moments drawn across the window (G-6).
    case instantWin = "instant_win"
    /// A quiz: answers are scored (G-8).
    case quiz
    /// A contest ranked by score, ties ordered by a tie-break question (G-8).
    case contest
    /// A vote.
    case vote

    /// Whether the kind gives prizes to winners, so it needs at least one prize to go live.
    public var awardsPrizes: Bool { self != .vote }
}

/// The brand of an operation, identified by its legal registration (SIREN, VAT number...).
public struct Advertiser: Sendable, Codable, Hashable {
    /// The brand's name, as shown to participants.
    public var name: String
    /// Its legal registration number (for example `FR-SIREN-527871842`); compared ignoring
    /// case, spaces, dots and dashes.
    public var registration: String

    /// An advertiser named `name`, registered as `registration`.
    public init(name: String, registration: String) {
        self.name = name
        self.registration = registration
    }

    /// The registration in comparable form: upper case, without spaces, dots, dashes or slashes.
    public var normalizedRegistration: String {
        String(
            String.UnicodeScalarView(
                registration.uppercased().unicodeScalars.filter {
                    !($0.properties.isWhitespace || $0 == "." || $0 == "-" || $0 == "/" || $0 == "_")
                }))
    }

    /// Whether both designate the same legal entity (same normalised registration).
    public func isSameEntity(as other: Advertiser) -> Bool {
        let mine = normalizedRegistration
        return !mine.isEmpty && mine == other.normalizedRegistration
    }
}

/// A prize (dotation) offered to winners.
public struct Prize: Sendable, Codable, Hashable {
    /// The prize's id within the operation.
    public var id: PrizeID
    /// Its name.
    public var name: String
    /// How many units are offered (at least 1).
    public var quantity: Int
    /// The value of one unit, in EUR (K-4).
    public var unitValue: Money

    /// A prize of `quantity` units worth `unitValue` each (checked when the operation is defined).
    public init(id: PrizeID, name: String, quantity: Int, unitValue: Money) {
        self.id = id
        self.name = name
        self.quantity = quantity
        self.unitValue = unitValue
    }
}

/// The rules document (règlement) of an operation, identified by its SHA-256 (G-1).
public struct RulesDocument: Sendable, Codable, Hashable {
    /// The document's title.
    public var title: String
    /// The SHA-256 of the document's bytes, as published.
    public var sha256: SHA256Digest
    /// The document's size in bytes.
    public var byteCount: Int
    /// Where participants read it (a URL or a host reference), if any.
    public var location: String?

    /// Describes a document whose digest the host already computed.
    public init(title: String, sha256: SHA256Digest, byteCount: Int, location: String? = nil) {
        self.title = title
        self.sha256 = sha256
        self.byteCount = byteCount
        self.location = location
    }

    /// Describes `bytes`, computing their SHA-256.
    public init(title: String, bytes: some DataProtocol, location: String? = nil) {
        self.init(title: title, sha256: SHA256.hash(bytes), byteCount: bytes.count, location: location)
    }
}

/// Whether taking part requires a purchase or a payment, and the free route that keeps
/// the game lawful if so (G-2, §7.1 (iii): the operation must not count as gambling).
public struct PurchaseTerms: Sendable, Codable, Hashable {
    /// The participant must buy a product to take part.
    public var requiresPurchase: Bool
    /// The participant must pay something to take part (a premium-rate call or SMS, a fee).
    public var requiresPayment: Bool
    /// The free route (participation without purchase, or reimbursement of the cost), if any.
    public var freeRoute: FreeRoute?

    /// Terms; free to enter by default.
    public init(requiresPurchase: Bool = false, requiresPayment: Bool = false, freeRoute: FreeRoute? = nil) {
        self.requiresPurchase = requiresPurchase
        self.requiresPayment = requiresPayment
        self.freeRoute = freeRoute
    }

    /// No purchase, no payment.
    public static let none = PurchaseTerms()

    /// Whether the terms are lawful under G-2: free to enter, or a free route is declared.
    public var isLawful: Bool {
        !(requiresPurchase || requiresPayment) || freeRoute.map { !$0.description.isEmpty } == true
    }
}

/// A way to take part without paying (G-2).
public struct FreeRoute: Sendable, Codable, Hashable {
    /// The kind of route.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// An entry route without purchase (a free form, a postal entry).
        case noPurchaseRoute = "no_purchase_route"
        /// The purchase or payment is reimbursed on request.
        case reimbursement
    }

    /// The kind of route.
    public var kind: Kind
    /// How the route works, as stated in the rules (never empty).
    public var description: String

    /// A free route of `kind`, described as the rules state it.
    public init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }
}

/// What the client told the provider about the operation's audience (G-10, §7.3).
public struct AudienceDeclaration: Sendable, Codable, Hashable {
    /// The number of participants the client expects, if declared.
    public var expectedParticipants: Int?
    /// Promotions announcing the operation (mailings, SMS, TV or radio spots...).
    public var promotions: [Promotion]

    /// A declaration; nothing declared by default.
    public init(expectedParticipants: Int? = nil, promotions: [Promotion] = []) {
        self.expectedParticipants = expectedParticipants
        self.promotions = promotions
    }

    /// The participant count beyond which §7.3 calls traffic "strong" (forte): 50,000.
    public static let strongTrafficParticipants = 50_000
    /// The audience beyond which §7.3 asks promotions to be declared: 100,000 people.
    public static let largePromotionReach = 100_000

    /// Whether the client declared an audience that covers strong traffic: at least
    /// 50,000 expected participants, or a promotion reaching more than 100,000 people.
    public var declaresStrongTraffic: Bool {
        (expectedParticipants ?? 0) >= Self.strongTrafficParticipants
            || promotions.contains(where: \.isLargePromotion)
    }
}

/// One promotion of an operation (§7.3).
public struct Promotion: Sendable, Codable, Hashable {
    /// The channel.
    public enum Channel: String, Sendable, Codable, Hashable, CaseIterable {
        /// A mailing, an SMS campaign, a TV or radio spot, social-media ads, display ads, anything else.
        case email, sms, television, radio, socialMedia = "social_media", display, other
    }

    /// How it reaches people.
    public var channel: Channel
    /// How many people it reaches.
    public var reach: Int
    /// When it starts, if known.
    public var startsAt: Date?

    /// Whether it reaches more than 100,000 people: §7.3 asks for such promotions to be
    /// declared in any case.
    public var isLargePromotion: Bool { reach > AudienceDeclaration.largePromotionReach }

    /// A promotion on `channel` reaching `reach` people.
    public init(channel: Channel, reach: Int, startsAt: Date? = nil) {
        self.channel = channel
        self.reach = reach
        self.startsAt = startsAt
    }
}

/// A piece of tenant content shown with an operation (§2.2): a text, or a media file
/// identified by its digest. The ``ContentCheck`` reviews each before going live (G-9).
public struct OperationContent: Sendable, Codable, Hashable {
    /// What the content is.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// A text, an image, a video, a sound, a document, anything else.
        case text, image, video, sound, document, other
    }

    /// A name for the content within the operation (`banner`, `intro-text`).
    public var name: String
    /// What kind of content it is.
    public var kind: Kind
    /// The text, or a description of the media for the reviewer.
    public var text: String
    /// The SHA-256 of the media file, when there is one.
    public var sha256: SHA256Digest?

    /// A piece of content named `name`.
    public init(name: String, kind: Kind, text: String, sha256: SHA256Digest? = nil) {
        self.name = name
        self.kind = kind
        self.text = text
        self.sha256 = sha256
    }
}
