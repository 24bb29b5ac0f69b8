import KimpleCore

extension Principal {
    /// A member of the host's staff acting on games (an operator, a moderator, a support
    /// agent): a ``KimpleCore/Principal/Kind/host`` principal, written `host:<name>` in the
    /// evidence log.
    ///
    /// ``KimpleCore/Principal/user(_:)`` has one meaning in every module: an authorised
    /// user's login of the contract (C-8). `KimpleContracts` checks that such a login exists
    /// and may act; the games services do not hold the logins and record a `.user` principal
    /// as given, so pass one only for a login the host has authenticated. Anyone else acting
    /// on a game is `.staff(name)`.
    public static func staff(_ name: String) -> Principal { .host(name) }
}
