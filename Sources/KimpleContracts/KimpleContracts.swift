import KimpleCore
