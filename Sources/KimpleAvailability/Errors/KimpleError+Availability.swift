import KimpleCore

// MARK: - Availability and traffic codes

extension KimpleError.Code {
    /// An interval (outage, maintenance window, incident) ends before it starts, starts in the
    /// future, or an instant is not a real time (NaN, out of range).
    public static let availabilityInvalidInterval: Self = "availability.invalid_interval"
    /// A record with this id already exists with other values.
    public static let availabilityDuplicate: Self = "availability.duplicate"
    /// No record has this id in the tenant's availability store.
    public static let availabilityNotFound: Self = "availability.not_found"
    /// A fact that is recorded once (an end, an intervention, a resolution) was already recorded
    /// with another value.
    public static let availabilityAlreadyRecorded: Self = "availability.already_recorded"
    /// A record names another tenant than the store it is written to (SPEC K-1).
    public static let availabilityTenantMismatch: Self = "availability.tenant_mismatch"
    /// A commitment, policy or rule has an impossible value (a target above 100 %, a negative delay).
    public static let availabilityInvalidPolicy: Self = "availability.invalid_policy"

    /// A request was refused by admission control; the context holds `retry_after` in seconds and
    /// the `reason` (`operation_rate`, `platform_concurrency`). Retry after that delay (SPEC A-5).
    public static let trafficThrottled: Self = "traffic.throttled"
    /// A request was refused because its operation is suspended (SPEC A-5, contract §7.3).
    public static let trafficSuspended: Self = "traffic.suspended"
    /// A traffic declaration has an impossible value (negative participants, a peak that is not a
    /// positive number).
    public static let trafficInvalidDeclaration: Self = "traffic.invalid_declaration"
    /// An admission policy has an impossible value (a minimum limit above the maximum...).
    public static let trafficInvalidPolicy: Self = "traffic.invalid_policy"
}
