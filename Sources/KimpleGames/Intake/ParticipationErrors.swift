import KimpleCore

// MARK: - Participation codes (the reasons of a refused participation, G-4, G-5)

extension KimpleError.Code {
    /// The operation does not exist for this tenant.
    public static let participationUnknownOperation: Self = "participation.unknown_operation"
    /// The operation is not open: not yet opened, paused, suspended, closed (context `status`).
    public static let participationWindowClosed: Self = "participation.window_closed"
    /// The person reached the participation limit of the operation or of the period.
    public static let participationDuplicate: Self = "participation.duplicate"
    /// The participant is younger than the operation's minimum age.
    public static let participationIneligibleAge: Self = "participation.ineligible_age"
    /// The birth date gives an age above ``EntryValidation/maximumAge`` (120): a typing error
    /// (year 0001) or made-up data (context `field`, `maximumAge`).
    public static let participationImplausibleAge: Self = "participation.implausible_age"
    /// The participant's country is not an eligible country of the operation.
    public static let participationIneligibleCountry: Self = "participation.ineligible_country"
    /// A required field is missing or empty (context `field`).
    public static let participationMissingField: Self = "participation.missing_field"
    /// A field does not have the expected type or value (context `field`).
    public static let participationInvalidField: Self = "participation.invalid_field"
    /// A field is longer than the form allows (context `field`, `limit`).
    public static let participationFieldTooLong: Self = "participation.field_too_long"
    /// The e-mail address is not a valid address.
    public static let participationInvalidEmail: Self = "participation.invalid_email"
    /// The phone number is not a valid number.
    public static let participationInvalidPhone: Self = "participation.invalid_phone"
    /// A date is not a valid `YYYY-MM-DD` date.
    public static let participationInvalidDate: Self = "participation.invalid_date"
    /// A tie-break estimate is not a number within the bounds of ``FieldType/estimate``
    /// (context `field`).
    public static let participationInvalidNumber: Self = "participation.invalid_number"
    /// A required consent (the acceptance of the rules) was not given.
    public static let participationConsentRequired: Self = "participation.consent_required"
    /// The submission has a field the form does not define.
    public static let participationUnknownField: Self = "participation.unknown_field"
    /// The submission is larger than the intake accepts (checked before any parsing).
    public static let participationPayloadTooLarge: Self = "participation.payload_too_large"
    /// The submission has more fields than the intake accepts.
    public static let participationTooManyFields: Self = "participation.too_many_fields"
    /// The raw submission is not a JSON object of the expected shape.
    public static let participationMalformed: Self = "participation.malformed"
    /// The raw submission nests objects or arrays, which no form field takes.
    public static let participationTooDeep: Self = "participation.too_deep"
    /// A value is not valid UTF-8.
    public static let participationInvalidUTF8: Self = "participation.invalid_utf8"
    /// A value holds control characters.
    public static let participationControlCharacter: Self = "participation.control_character"
    /// A value holds invisible characters: in an e-mail address, a default-ignorable code
    /// point or a bidi control (zero-width space, joiners, BOM, soft hyphen, variation
    /// selectors, tags, direction marks); in any text, a bidi override or isolate
    /// (U+202A-U+202E, U+2066-U+2069). Context `field`.
    public static let participationInvisibleCharacter: Self = "participation.invisible_character"
    /// The value the operation identifies people by (e-mail, phone, host key) is missing.
    public static let participationIdentityMissing: Self = "participation.identity_missing"
    /// The identity secret given to the intake is not the one the store was first used with.
    public static let participationIdentitySecretMismatch: Self = "participation.identity_secret_mismatch"

    /// The submission was refused as automated (G-5); the full code is
    /// `participation.robot.<signal>`, see ``robotRefusal(_:)``.
    public static let participationRobotPrefix = "participation.robot."

    /// The refusal code of a robot signal: `participation.robot.burst_rate`, `participation.robot.honeypot`...
    public static func robotRefusal(_ signal: RobotSignal) -> Self {
        Self(participationRobotPrefix + signal.rawValue)
    }

    /// `participation.robot.burst_rate`.
    public static let participationRobotBurstRate = robotRefusal(.burstRate)
    /// `participation.robot.too_fast`.
    public static let participationRobotTooFast = robotRefusal(.tooFast)
    /// `participation.robot.honeypot`.
    public static let participationRobotHoneypot = robotRefusal(.honeypot)
    /// `participation.robot.load_testing_agent`.
    public static let participationRobotLoadTestingAgent = robotRefusal(.loadTestingAgent)
    /// `participation.robot.identity_churn`.
    public static let participationRobotIdentityChurn = robotRefusal(.identityChurn)
}
