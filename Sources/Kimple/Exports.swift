// `import Kimple` is the one import a host needs: the entry point and the five modules it composes.
@_exported import KimpleAvailability
@_exported import KimpleContracts
@_exported import KimpleCore
@_exported import KimpleGames
@_exported import KimplePrivacy

/// A game operation (``KimpleGames/Operation``), under a name that Foundation's `Operation` class
/// does not shadow in a file importing both.
public typealias GameOperation = KimpleGames.Operation
