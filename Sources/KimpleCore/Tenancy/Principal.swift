/// Who performs an action: an authorised user's login, a component of the SDK, or the
/// host application. Written into the evidence log (K-5) with every action.
public struct Principal: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kind of principal.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// An authorised user (a personal login of the client, C-8).
        case user
        /// A component of the SDK acting on its own (a retention sweep, the intake pipeline).
        case system
        /// The host application, or one of its staff, through an API call.
        case host
    }

    /// A user, the SDK itself or the host.
    public let kind: Kind
    /// The login id, component name or host-chosen name.
    public let id: String

    /// A principal; prefer ``user(_:)``, ``system(_:)`` and ``host(_:)``.
    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// An authorised user's login of the contract (C-8), in every module. `KimpleContracts`
    /// refuses a login that does not exist or may not act; other modules record it as given,
    /// so pass one only for a login the host authenticated. Anyone else acting through the
    /// host (a game operator, say: `KimpleGames`' `Principal.staff(_:)`) is ``host(_:)``.
    public static func user(_ id: UserID) -> Principal { Principal(kind: .user, id: id.rawValue) }
    /// A component of the SDK, such as `games.intake`.
    public static func system(_ component: String) -> Principal { Principal(kind: .system, id: component) }
    /// The host application or one of its operators.
    public static func host(_ name: String) -> Principal { Principal(kind: .host, id: name) }

    /// `kind:id`, for example `user:alice` or `system:games.intake`.
    public var description: String { "\(kind.rawValue):\(id)" }
}
